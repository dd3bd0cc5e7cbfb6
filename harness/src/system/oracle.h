/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host oracle of the virtual lab: a proof of what a DMA moved that does
 * not trust the guest's CPU view. Before the guest boots the host fills the
 * file behind ivshmem's BAR 2 with a seeded pattern addressed by file
 * offset (= BAR offset); after the guest ends it reads back what the
 * initiator left there. pattern.h is the pattern.
 */
#ifndef P2PRIG_ORACLE_H
#define P2PRIG_ORACLE_H

#include <stdint.h>

#include "util/pattern.h"

/* The whole of PATH (as long as it is) with SEED's pattern; 0 or a negative errno. */
int oracle_fill_file(const char *path, uint64_t seed);

/*
 * Adds the mismatches of [offset, offset + length) of PATH against SEED's
 * pattern, byte o of the region against byte o of the pattern (a step's
 * own pattern, by region offset), to *check. 0, -ERANGE when the region
 * runs past the file's end, or another negative errno.
 */
int oracle_check_file(const char *path, uint64_t offset, uint64_t length, uint64_t seed,
		      struct pattern_check *check);

/*
 * Adds the bytes of [offset_a, offset_a + length) of PATH_A that differ from
 * [offset_b, offset_b + length) of PATH_B to *check, by region offset: the
 * proof that a copy landed (one NVMe namespace image against another, or
 * the BAR's backing against the namespace its bytes came from). 0, -ERANGE
 * when a region runs past its file's end, or another negative errno.
 */
int oracle_compare_files(const char *path_a, uint64_t offset_a, const char *path_b,
			 uint64_t offset_b, uint64_t length, struct pattern_check *check);

#endif
