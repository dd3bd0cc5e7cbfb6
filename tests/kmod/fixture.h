/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture set-up the kselftest programs share; include it after
 * kselftest_harness.h (whose SKIP and ASSERT it uses, so it cannot be a .c
 * of its own). A device the lab lacks SKIPs the test: the helper returns
 * false and the caller returns. Anything else that fails ASSERTs.
 */
#ifndef P2PRIG_TESTS_KMOD_FIXTURE_H
#define P2PRIG_TESTS_KMOD_FIXTURE_H

#include <stdbool.h>
#include <string.h>

#include "rig.h"

#define RIG_NVME_VENDOR		0x1b36
#define RIG_NVME_DEVICE		0x0010
#define RIG_EDU_VENDOR		0x1234
#define RIG_EDU_DEVICE		0x11e8

/* The QEMU nvme with a p2pmem CMB (the provider) and edu (the initiator). */
static inline bool rig_fixture_find(struct __test_metadata *_metadata,
				    struct rig_dev *nvme, struct rig_dev *edu)
{
	if (rig_find(RIG_NVME_VENDOR, RIG_NVME_DEVICE, 1, nvme))
		SKIP(return false, "no QEMU nvme with a p2pmem CMB");
	if (rig_find(RIG_EDU_VENDOR, RIG_EDU_DEVICE, 0, edu))
		SKIP(return false, "no QEMU edu device");
	return true;
}

/* /dev/p2prig open in @dev; @info, unless NULL, read at this uAPI version. */
static inline void rig_fixture_open(struct __test_metadata *_metadata,
				    struct rigdev *dev, struct p2prig_info *info)
{
	int rc = rigdev_open(dev, P2PRIG_DEVICE_PATH);

	ASSERT_EQ(0, rc) TH_LOG("open %s: %s", P2PRIG_DEVICE_PATH,
				strerror(-rc));
	if (!info)
		return;
	ASSERT_EQ(0, rigdev_info(dev, info));
	ASSERT_EQ((__u32)P2PRIG_UAPI_VERSION, info->uapi_version);
}

/* A chunk of @size from @provider as kind @kind; its handle in *chunk. */
static inline void rig_fixture_chunk(struct __test_metadata *_metadata,
				     const struct rigdev *dev, uint32_t kind,
				     const struct rig_dev *provider,
				     uint64_t size, uint32_t *chunk)
{
	int rc = rigdev_chunk_new(dev, kind, &provider->addr, size, chunk);

	ASSERT_EQ(0, rc) TH_LOG("%llu KiB from %s: %s",
				(unsigned long long)(size >> 10), provider->bdf,
				strerror(-rc));
}

/* Both of the above: the set-up of most fixtures. */
static inline bool rig_fixture_setup(struct __test_metadata *_metadata,
				     struct rigdev *dev, struct rig_dev *nvme,
				     struct rig_dev *edu,
				     struct p2prig_info *info)
{
	dev->fd = -1;
	if (!rig_fixture_find(_metadata, nvme, edu))
		return false;
	rig_fixture_open(_metadata, dev, info);
	return true;
}

#endif
