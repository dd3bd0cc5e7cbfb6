// SPDX-License-Identifier: GPL-2.0
/* A p2pmem mapping or page-aligned RAM for storage steps. */
#include "actions/storage/io_buffer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096

void io_buffer_p2pmem_path(const char *pci, char *buf, size_t size)
{
	snprintf(buf, size, "/sys/bus/pci/devices/%s/p2pmem/allocate", pci);
}

bool io_buffer_p2pmem_present(const char *pci, char *why, size_t why_size)
{
	char path[IO_BUFFER_PATH_MAX];
	struct stat st;

	io_buffer_p2pmem_path(pci, path, sizeof(path));
	if (stat(path, &st) == 0)
		return true;
	snprintf(why, why_size, "%s publishes no p2pmem (%s: %s): a kernel without "
		 "CONFIG_PCI_P2PDMA, or no driver registered its memory", pci, path, strerror(errno));
	return false;
}

int io_buffer_map(struct io_buffer *b, const char *pci, size_t size, char *why, size_t why_size)
{
	memset(b, 0, sizeof(*b));
	b->size = (size + PAGE - 1) / PAGE * PAGE;
	if (!pci) {
		void *p = NULL;
		int rc = posix_memalign(&p, PAGE, b->size);
		if (rc) {
			snprintf(why, why_size, "%zu bytes of RAM: %s", b->size, strerror(rc));
			return -rc;
		}
		memset(p, 0, b->size);
		b->addr = p;
		return 0;
	}
	b->peer = true;
	io_buffer_p2pmem_path(pci, b->allocate_path, sizeof(b->allocate_path));
	int fd = open(b->allocate_path, O_RDWR);
	if (fd < 0) {
		int err = errno;
		snprintf(why, why_size, "open %s: %s", b->allocate_path, strerror(err));
		return -err;
	}
	void *p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int err = errno;
	close(fd);	/* the mapping keeps the memory */
	if (p == MAP_FAILED) {
		snprintf(why, why_size, "mmap of %zu bytes of %s: %s", b->size, b->allocate_path,
			 strerror(err));
		return -err;
	}
	b->addr = p;
	return 0;
}

void io_buffer_unmap(struct io_buffer *b)
{
	if (b->addr && b->peer)
		munmap(b->addr, b->size);
	else
		free(b->addr);
	b->addr = NULL;
}
