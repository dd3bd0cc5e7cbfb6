// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario parser on storage lines, fio steps and nvme-copy steps:
 * the model they parse into, and every error a person would be shown,
 * the rule that only scratch storage is written among them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenario/scenario.h"
#include "scenario_checks.h"

#include "unit_helpers.h"

#define HEAD                                                          \
	"describe a test scenario\n"                                  \
	"provider cmb nvme-cmb slot=0000:03:00.0 size=16M\n"          \
	"storage src nvme serial=p2prig1 nsid=1 scratch\n"            \
	"storage dst nvme serial=p2prig1 nsid=2 size=64M scratch\n"
#define FIO(name, keys) "step " name " fio storage=src buffer=cmb " keys "\n"
#define GOOD_FIO "sizes=4K,1M iodepths=1,16 size=16M"
#define COPY(name, keys) "step " name " nvme-copy from=src to=dst buffer=cmb " keys "\n"
#define GOOD_COPY "size=1M sizes=4K,64K iodepths=1,4"

static void test_storage_lines(void **state)
{
	struct scenario sc = parse_ok(HEAD "storage ro nvme slot=0000:04:00.0 nsid=0x3 offset=1M\n"
				      "storage byname nvme name=nvme12 nsid=1\n" FIO("f", GOOD_FIO));

	(void)state;
	assert_int_equal(sc.n_storages, 4);
	assert_string_equal(sc.storages[0].name, "src");
	assert_string_equal(sc.storages[0].controller, "serial=p2prig1");
	assert_int_equal(sc.storages[0].nsid, 1);
	assert_true(sc.storages[0].scratch);
	assert_int_equal(sc.storages[0].size, 0);
	assert_int_equal(sc.storages[1].size, 64 << 20);
	assert_string_equal(sc.storages[2].controller, "slot=0000:04:00.0");
	assert_int_equal(sc.storages[2].nsid, 3);
	assert_int_equal(sc.storages[2].offset, 1 << 20);
	assert_false(sc.storages[2].scratch);
	assert_string_equal(sc.storages[3].controller, "name=nvme12");
	scenario_free(&sc);
}

static void test_fio_step(void **state)
{
	struct scenario sc = parse_ok(HEAD FIO("f", GOOD_FIO) "expect verified\n"
				      "step r fio storage=src buffer=ram sizes=64K iodepths=8 size=4M "
				      "engine=io_uring rw=read offset=8M timeout=120\n");
	const struct fio_params *f = &sc.steps[0].fio;

	(void)state;
	assert_int_equal(sc.steps[0].action, STEP_FIO);
	assert_int_equal(f->storage, 0);
	assert_int_equal(f->buffer, 0);
	assert_int_equal(f->matrix.n_sizes, 2);
	assert_int_equal(f->matrix.sizes[1], 1 << 20);
	assert_int_equal(f->matrix.n_iodepths, 2);
	assert_int_equal(f->matrix.iodepths[1], 16);
	assert_int_equal(io_matrix_count(&f->matrix), 4);
	assert_int_equal(io_matrix_max_buffer(&f->matrix), 16 << 20);
	assert_int_equal(f->size, 16 << 20);
	assert_int_equal(f->engine, FIO_ENGINE_LIBAIO);
	assert_int_equal(f->rw, FIO_RW_WRITE_READ);
	assert_int_equal(f->timeout_s, 0);

	f = &sc.steps[1].fio;
	assert_int_equal(f->buffer, SCENARIO_NO_INDEX);
	assert_int_equal(f->engine, FIO_ENGINE_IO_URING);
	assert_int_equal(f->rw, FIO_RW_READ);
	assert_int_equal(f->offset, 8 << 20);
	assert_int_equal(f->timeout_s, 120);
	scenario_free(&sc);
}

static void test_copy_step(void **state)
{
	struct scenario sc = parse_ok(HEAD COPY("c", GOOD_COPY " seed=0x5eed offset=4M") "expect verified\n"
				      "expect oracle\n"
				      "provider host ram size=4M\n"
				      "step h nvme-copy from=src to=dst buffer=host " GOOD_COPY "\n");
	const struct copy_params *c = &sc.steps[0].copy;

	(void)state;
	assert_int_equal(sc.steps[0].action, STEP_NVME_COPY);
	assert_int_equal(c->from, 0);
	assert_int_equal(c->to, 1);
	assert_int_equal(c->buffer, 0);
	assert_int_equal(c->size, 1 << 20);
	assert_true(c->has_seed);
	assert_int_equal(c->seed, 0x5eed);
	assert_int_equal(c->offset, 4 << 20);
	uint64_t bs;
	uint32_t depth;
	io_matrix_at(&c->matrix, 3, &bs, &depth);
	assert_int_equal(bs, 64 << 10);
	assert_int_equal(depth, 4);
	/* A RAM provider as the buffer is the RAM baseline. */
	assert_int_equal(sc.steps[1].copy.buffer, SCENARIO_NO_INDEX);
	assert_false(sc.steps[1].copy.has_seed);
	/* The host may judge a copy too: the namespaces' images. */
	assert_int_equal(sc.steps[0].n_expects, 2);
	assert_int_equal(sc.steps[0].expects[1].what, EXPECT_ORACLE);
	scenario_free(&sc);
}

static void test_bad_storage_lines(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD "storage x nvme\n"
		      "storage y disk serial=a nsid=1\n"
		      "storage z nvme serial= nsid=1\n"
		      "storage w nvme slot=3:0.9 nsid=1\n"
		      "storage v nvme name=sda nsid=1\n"
		      "storage u nvme wwid=1 nsid=1\n"
		      "storage t nvme serial=a\n"
		      FIO("f", GOOD_FIO),
		      "bad:5: incomplete storage line (expected storage NAME nvme CONTROLLER nsid=N "
		      "[offset=O] [size=S] [scratch])",
		      "bad:6: unknown storage kind 'disk' (expected nvme)",
		      "bad:7: bad serial '' (at most 20 printable characters, no blanks)",
		      "bad:8: bad slot '3:0.9' (expected [DOMAIN:]BUS:DEV.FN in hex, as lspci -D)",
		      "bad:9: bad controller name 'sda' (expected nvmeN, as /dev/nvmeN)",
		      "bad:10: bad controller 'wwid=1' (expected serial=SERIAL, slot=[DOMAIN:]BUS:DEV.FN "
		      "or name=nvmeN)",
		      "bad:11: missing key 'nsid=' (required by storage lines)");
	ASSERT_ERRORS(HEAD "storage s nvme serial=a nsid=0\n"
		      "storage r nvme serial=a nsid=1 offset=100 size=3K\n"
		      "storage q nvme serial=a nsid=1 scratch scratch colour=red\n"
		      "storage src nvme serial=a nsid=1\n" FIO("f", GOOD_FIO),
		      "bad:5: nsid 0 is out of range (expected 1 to 0xfffffffe)",
		      "bad:6: offset 100 is not a multiple of 4K (a mapping starts on a page)",
		      "bad:6: storage size 3K is not a multiple of 4K",
		      "bad:7: duplicate word 'scratch'",
		      "bad:7: unknown key 'colour' (expected nsid, offset or size)",
		      "bad:8: duplicate storage name 'src' (the first is at line 3)");
}

static void test_bad_fio_steps(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD FIO("a", GOOD_FIO " colour=red")
		      FIO("s0", "sizes=4K,3K iodepths=1 size=16M")
		      FIO("s1", "sizes=4K,,1M iodepths=1 size=16M")
		      FIO("s2", "sizes=4K iodepths=0 size=16M")
		      FIO("s3", "sizes=4K iodepths=1,1 size=16M")
		      FIO("s4", "sizes=64K iodepths=1 size=96K")
		      FIO("s5", "sizes=4K iodepths=1 size=sixteen")
		      FIO("s6", "sizes=4K iodepths=1 size=16M engine=psync rw=randrw")
		      FIO("s7", "sizes=32M iodepths=1 size=32M")
		      FIO("s8", "iodepths=1 size=16M")
		      "step g fio storage=nowhere buffer=gpu sizes=4K iodepths=1 size=16M\n"
		      FIO("s9", "sizes=4K iodepths=1 size=16M offset=60M") "expect dma-address bar\n"
		      FIO("t0", "sizes=4K iodepths=1 size=16M timeout=0")
		      FIO("t1", "sizes=4K iodepths=1 size=16M timeout=5m")
		      FIO("t2", "sizes=4K iodepths=1 size=16M timeout=86401"),
		      "bad:5: unknown key 'colour' (expected storage, buffer, sizes, iodepths, size, "
		      "engine, rw, offset or timeout)",
		      "bad:6: size 3K in sizes is not a multiple of 4K (O_DIRECT and p2pmem work in pages)",
		      "bad:7: bad size '' in sizes (expected a comma-separated list of block sizes with "
		      "an optional K, M or G suffix, e.g. 4K,64K,1M)",
		      "bad:8: bad iodepth '0' in iodepths (expected a comma-separated list of numbers "
		      "from 1 to 256, e.g. 1,16)",
		      "bad:9: iodepth 1 appears twice in iodepths",
		      "bad:10: size 96K is not a multiple of block size 64K",
		      "bad:11: bad size 'sixteen' for size (expected a number > 0 with an optional K, M "
		      "or G suffix)",
		      "bad:12: unknown fio engine 'psync' (expected libaio or io_uring)",
		      "bad:12: unknown rw 'randrw' (expected write-read or read)",
		      "bad:13: size 32M in sizes is larger than 16M",
		      "bad:14: missing key 'sizes=' (required by fio steps)",
		      "bad:15: unknown storage 'nowhere' for storage= (declare it with a storage line)",
		      "bad:15: unknown buffer 'gpu' (expected a provider's name, or ram)",
		      "bad:17: 'expect dma-address' does not apply to fio steps (expected verified)",
		      "bad:18: timeout=0 is out of range (1 to 86400 seconds)",
		      "bad:19: bad number '5m' for timeout (expected decimal or 0x hex)",
		      "bad:20: timeout=86401 is out of range (1 to 86400 seconds)");
}

static void test_scratch_rule(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD "storage data nvme serial=prod nsid=1\n"
		      "step w fio storage=data buffer=cmb " GOOD_FIO "\n"
		      "step r fio storage=data buffer=cmb " GOOD_FIO " rw=read\n"
		      "expect verified\n"
		      "step c1 nvme-copy from=src to=data buffer=cmb " GOOD_COPY "\n"
		      "step c2 nvme-copy from=data to=dst buffer=cmb " GOOD_COPY "\n"
		      "step c3 nvme-copy from=data to=dst buffer=cmb " GOOD_COPY " seed=1\n",
		      "bad:6: step 'w' writes to storage 'data' (rw=write-read writes before it reads), "
		      "which is not marked scratch (add the word scratch to its line 5 if the rig may "
		      "overwrite it)",
		      "bad:8: 'expect verified' needs a fio step that writes what it reads "
		      "(rw=write-read), step 'r' has rw=read",
		      "bad:9: step 'c1' writes to storage 'data' (the copy's destination), which is not "
		      "marked scratch (add the word scratch to its line 5 if the rig may overwrite it)",
		      "bad:11: step 'c3' writes to storage 'data' (seed= fills the source with a pattern "
		      "first), which is not marked scratch (add the word scratch to its line 5 if the "
		      "rig may overwrite it)");
}

static void test_bad_copy_steps(void **state)
{
	(void)state;
	ASSERT_ERRORS(HEAD "provider small nvme-cmb slot=0000:03:00.0 size=1M\n"
		      "storage a nvme serial=x nsid=1 size=8M scratch\n"
		      "storage b nvme serial=x nsid=1 offset=2M scratch\n"
		      COPY("c1", "size=128M sizes=4K iodepths=1")
		      COPY("c2", GOOD_COPY " seed=-1")
		      "step s nvme-copy from=src to=src buffer=cmb " GOOD_COPY "\n"
		      "step o nvme-copy from=a to=b buffer=cmb " GOOD_COPY "\n"
		      "step p nvme-copy from=a to=dst buffer=small size=1M sizes=1M iodepths=1,4 offset=7M\n"
		      "step q nvme-copy to=dst buffer=ram " GOOD_COPY "\n"
		      COPY("c3", GOOD_COPY) "expect pattern 0x5eed\n",
		      "bad:8: size 128M is larger than 64M",
		      "bad:9: bad number '-1' for seed (expected decimal or 0x hex)",
		      "bad:10: from= and to= are the same storage 'src' (declare a second storage line "
		      "for another region or namespace)",
		      "bad:11: storages 'a' and 'b' are the same namespace and the copy's ranges overlap "
		      "(give them regions of their own with offset= and size=)",
		      "bad:12: sizes x iodepths need 4M of buffer, more than provider 'small' lends "
		      "(size=1M)",
		      "bad:12: from: offset 7M + 2M runs past the end of storage 'a' (size=8M)",
		      "bad:13: missing key 'from=' (required by nvme-copy steps)",
		      "bad:15: 'expect pattern' does not apply to nvme-copy steps (expected verified "
		      "or oracle)");
}

static void test_repository_scenarios(void **state)
{
	static const char *const names[] = { "nvme-p2p-copy", "nvme-to-bar" };
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct scenario sc = parse_repository_ok(names[i]);

		assert_int_equal(sc.n_storages, 2);
		/* Every copy is also the host's to check. */
		for (size_t s = 0; s < sc.n_steps; s++)
			if (sc.steps[s].action == STEP_NVME_COPY)
				assert_non_null(scenario_step_expect(&sc.steps[s], EXPECT_ORACLE));
		scenario_free(&sc);
	}
}

UNIT_TEST_MAIN("tests",
	cmocka_unit_test(test_storage_lines),
	cmocka_unit_test(test_fio_step),
	cmocka_unit_test(test_copy_step),
	cmocka_unit_test(test_bad_storage_lines),
	cmocka_unit_test(test_bad_fio_steps),
	cmocka_unit_test(test_scratch_rule),
	cmocka_unit_test(test_bad_copy_steps),
	cmocka_unit_test(test_repository_scenarios));
