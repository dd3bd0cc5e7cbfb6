// SPDX-License-Identifier: GPL-2.0
/* NVMe controller registers from BAR0 (read-only mapping) or the driver's sysfs. */
#include "nvme_registers.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
	char path[512];
	FILE *f;
	int got;

	snprintf(path, sizeof(path), "%s/cmb", ctrl_sysfs_dir);
	f = fopen(path, "re");
	if (!f)
		return -1;
	/* drivers/nvme/host/pci.c: "cmbloc : x%08x\ncmbsz  : x%08x\n" */
	got = fscanf(f, " cmbloc : x%x cmbsz : x%x", cmbloc, cmbsz);
	fclose(f);
	return got == 2 ? 0 : -1;
}
