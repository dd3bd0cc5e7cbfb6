/* SPDX-License-Identifier: GPL-2.0 */
/* The number of elements of an array (not of a pointer): one definition for the runner. */
#ifndef P2PRIG_ARRAY_SIZE_H
#define P2PRIG_ARRAY_SIZE_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
