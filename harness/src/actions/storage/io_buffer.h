/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The buffer a fio or nvme-copy step moves data through: a PCI function's
 * p2pmem, mapped from its sysfs p2pmem/allocate file (each mmap takes
 * fresh peer memory from the kernel's p2pdma pool, given back on munmap),
 * or plain page-aligned RAM.
 */
#ifndef P2PRIG_IO_BUFFER_H
#define P2PRIG_IO_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IO_BUFFER_PATH_MAX 96

struct io_buffer {
	bool peer;			/* p2pmem; false: RAM */
	char allocate_path[IO_BUFFER_PATH_MAX];	/* /sys/bus/pci/devices/BDF/p2pmem/allocate */
	uint8_t *addr;
	size_t size;
};

/* The p2pmem/allocate file of the function PCI ("0000:03:00.0"). */
void io_buffer_p2pmem_path(const char *pci, char *buf, size_t size);

/*
 * Whether PCI publishes p2pmem; false with the reason in why (no p2pmem
 * directory: the kernel has no CONFIG_PCI_P2PDMA, or no driver registered
 * the function's memory).
 */
bool io_buffer_p2pmem_present(const char *pci, char *why, size_t why_size);

/* PCI NULL: RAM. 0, or a negative errno with what failed in why. */
int io_buffer_map(struct io_buffer *b, const char *pci, size_t size, char *why, size_t why_size);
void io_buffer_unmap(struct io_buffer *b);

#endif
