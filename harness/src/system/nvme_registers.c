// SPDX-License-Identifier: GPL-2.0
/* NVMe controller registers from BAR0 (read-only mapping) or the driver's sysfs. */
#include "system/nvme_registers.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nvme/types.h>

/* Enough for every register read here, PMRCAP (0xe00) included. */
#define NVME_REGS_MAP_BYTES 0x1000

/* One 32-bit access: MMIO registers must not be read wider or narrower. */
static uint32_t read_register32(const volatile void *bar, size_t offset)
{
	const volatile uint32_t *reg = (const volatile uint32_t *)((const volatile char *)bar +
								   offset);

	return le32toh(*reg);
}

int nvme_registers_read(const char *resource_path, struct nvme_registers *out, char *err,
			size_t err_size)
{
	struct stat st;
	void *bar;
	int fd;

	memset(out, 0, sizeof(*out));
	fd = open(resource_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, err_size, "%s: %s", resource_path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || st.st_size < NVME_REGS_MAP_BYTES) {
		snprintf(err, err_size, "BAR0 smaller than %d bytes", NVME_REGS_MAP_BYTES);
		close(fd);
		return -1;
	}
	bar = mmap(NULL, NVME_REGS_MAP_BYTES, PROT_READ, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED) {
		/*
		 * EINVAL: the kernel refuses to map a BAR a driver has claimed
		 * when built with IO_STRICT_DEVMEM (unless booted iomem=relaxed).
		 */
		if (errno == EINVAL)
			snprintf(err, err_size, "BAR0 held by its driver: IO_STRICT_DEVMEM");
		else
			snprintf(err, err_size, "mmap BAR0: %s", strerror(errno));
		close(fd);
		return -1;
	}
	/* CAP as two 32-bit halves, low first, as nvme-cli's show-regs does. */
	out->cap = read_register32(bar, NVME_REG_CAP) |
		   (uint64_t)read_register32(bar, NVME_REG_CAP + 4) << 32;
	out->cmbloc = read_register32(bar, NVME_REG_CMBLOC);
	out->cmbsz = read_register32(bar, NVME_REG_CMBSZ);
	out->pmrcap = read_register32(bar, NVME_REG_PMRCAP);
	munmap(bar, NVME_REGS_MAP_BYTES);
	close(fd);
	return 0;
}

int nvme_registers_read_cmb_attr(const char *ctrl_sysfs_dir, uint32_t *cmbloc, uint32_t *cmbsz)
{
	bool have_loc = false, have_sz = false;
	char path[512], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cmb", ctrl_sysfs_dir);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ENOENT : -EINVAL;
	/*
	 * "cmbloc : 0x00000062" in 7.3; older kernels print "x00000062".
	 * strtoul's base 16 takes the 0x, the bare x is skipped here.
	 */
	while (fgets(line, sizeof(line), f)) {
		char *value = strchr(line, ':');
		unsigned long v;

		if (!value)
			continue;
		value += strspn(value + 1, " ") + 1;
		if (*value == 'x')
			value++;
		v = strtoul(value, NULL, 16);
		if (strncmp(line, "cmbloc", 6) == 0) {
			*cmbloc = (uint32_t)v;
			have_loc = true;
		} else if (strncmp(line, "cmbsz", 5) == 0) {
			*cmbsz = (uint32_t)v;
			have_sz = true;
		}
	}
	fclose(f);
	return have_loc && have_sz ? 0 : -EINVAL;
}
