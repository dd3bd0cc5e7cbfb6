// SPDX-License-Identifier: GPL-2.0
/*
 * map-cost's kernel-bench=dma_map_benchmark: the step's keys and their
 * errors, the program's output and the guest script's lines read back,
 * every way a run can be incomplete, the ratio to the ram method (and
 * none where the kernel's figure is below its resolution or ours is
 * missing), the JSON, and the runner's side of the script: a skip with the
 * reason outside the virtual lab, a stand-in script's output read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json.h>

#include "actions/map-cost/map_cost_kbench.h"
#include "actions/map-cost/map_cost_report.h"
#include "scenario/scenario.h"
#include "scenario_checks.h"
#include "actions/step.h"

#include "unit_helpers.h"

#define HEAD                                                 \
	"describe a test scenario\n"                         \
	"provider cmb nvme-cmb id=1b36:0010 size=2M\n"       \
	"provider mem ram size=2M\n"                         \
	"initiator edu edu id=1234:11e8\n"
#define STEP(keys) "step cost map-cost " keys "\n"

/* What tools/dma/dma_map_benchmark.c prints, exactly. */
#define PROGRAM(pages, map, map_sd, unmap, unmap_sd)                                          \
	"dma mapping benchmark(SINGLE_MODE): threads:1 seconds:1 node:-1 dir:BIDIRECTIONAL "  \
	"granule:" pages "\n"                                                               \
	"average map latency(us):" map " standard deviation:" map_sd "\n"                    \
	"average unmap latency(us):" unmap " standard deviation:" unmap_sd "\n"

#define PREAMBLE                                                             \
	"guest-dma-bench: 0000:00:04.0 taken from p2prig_edu\n"              \
	"program=/usr/lib/modules/7.3.4/p2prig-tools/dma_map_benchmark\n"    \
	"device=0000:00:04.0\n"                                              \
	"driver=p2prig_edu\n"                                                \
	"dma_bits=64\n"

static struct map_cost_params params(void)
{
	return (struct map_cost_params){
		.n_granules = 2, .granules = { 4096, 65536 }, .threads = 1, .repeats = 2,
		.kernel_bench = true, .kernel_bench_seconds = 1,
	};
}

/* Two granules, two runs each, the 64K ones listed first: the step's order comes back. */
#define MEASURED_RUNS                                                              \
	PREAMBLE                                                                   \
	"run granule=65536 repeat=1\n" PROGRAM("16", "2.5", "0.4", "1.9", "0.2")   \
	"run granule=65536 repeat=2\n" PROGRAM("16", "2.7", "0.4", "2.1", "0.2")   \
	"run granule=4096 repeat=1\n" PROGRAM("1", "1.2", "0.3", "0.8", "0.1")     \
	"run granule=4096 repeat=2\n" PROGRAM("1", "1.4", "0.3", "0.8", "0.1")     \
	"guest-dma-bench: 0000:00:04.0 given back to p2prig_edu\n"
static const char measured_text[] = MEASURED_RUNS "result=measured\n";

static void test_step_keys(void **state)
{
	struct scenario sc;

	(void)state;
	assert_int_equal(scenario_parse_text("ok", HEAD STEP("ram=mem initiator=edu methods=ram "
		"granules=4K,64K kernel-bench=dma_map_benchmark kernel-bench-seconds=3"), &sc), 0);
	assert_true(sc.steps[0].map_cost.kernel_bench);
	assert_int_equal(sc.steps[0].map_cost.kernel_bench_seconds, 3);
	scenario_free(&sc);

	assert_int_equal(scenario_parse_text("ok", HEAD STEP("ram=mem initiator=edu methods=ram "
		"granules=4K kernel-bench=dma_map_benchmark"), &sc), 0);
	assert_int_equal(sc.steps[0].map_cost.kernel_bench_seconds, MAP_COST_KBENCH_DEFAULT_SECONDS);
	scenario_free(&sc);

	assert_int_equal(scenario_parse_text("ok", HEAD STEP("ram=mem initiator=edu methods=ram "
		"granules=4K"), &sc), 0);
	assert_false(sc.steps[0].map_cost.kernel_bench);
	scenario_free(&sc);

	ASSERT_ERRORS(HEAD STEP("ram=mem initiator=edu methods=ram granules=4K kernel-bench=fio"),
		      "bad:5: unknown kernel-bench 'fio' (expected dma_map_benchmark, the kernel's "
		      "benchmark of dma_map_single on RAM)");
	ASSERT_ERRORS(HEAD STEP("provider=cmb initiator=edu methods=mmio granules=4K "
				"kernel-bench=dma_map_benchmark"),
		      "bad:5: kernel-bench=dma_map_benchmark is compared with the ram method: add "
		      "ram to methods=");
	ASSERT_ERRORS(HEAD STEP("ram=mem initiator=edu methods=ram granules=4K "
				"kernel-bench-seconds=2"),
		      "bad:5: kernel-bench-seconds= without kernel-bench=dma_map_benchmark");
	ASSERT_ERRORS(HEAD STEP("ram=mem initiator=edu methods=ram granules=4K "
				"kernel-bench=dma_map_benchmark kernel-bench-seconds=61"),
		      "bad:5: kernel-bench-seconds 61 is out of range (expected 1 to 60)");
	ASSERT_ERRORS(HEAD STEP("ram=mem initiator=edu methods=ram granules=4K "
				"kernel-bench=dma_map_benchmark kernel-bench=dma_map_benchmark"),
		      "bad:5: duplicate key 'kernel-bench'");
}

static void test_repository_scenario(void **state)
{
	struct scenario sc;
	char path[4096];

	(void)state;
	snprintf(path, sizeof(path), "%s/scenarios/map-cost", source_top());
	assert_int_equal(scenario_parse_file(path, &sc), 0);
	assert_true(sc.steps[0].map_cost.kernel_bench);
	scenario_free(&sc);
}

static void test_program_lines(void **state)
{
	struct kbench_run run = { 0 };

	(void)state;
	assert_true(kbench_program_line("dma mapping benchmark(SINGLE_MODE): threads:4 seconds:2 "
					"node:-1 dir:TO_DEVICE granule:512", &run));
	assert_true(run.header);
	assert_int_equal(run.threads, 4);
	assert_int_equal(run.seconds, 2);
	assert_int_equal(run.node, -1);
	assert_string_equal(run.dir, "TO_DEVICE");
	assert_int_equal(run.pages, 512);
	assert_false(run.map);

	/* Tenths of a microsecond: the program prints avg_100ns / 10.0. */
	assert_true(kbench_program_line("average map latency(us):12.3 standard deviation:0.7", &run));
	assert_true(run.map);
	assert_int_equal(run.map_mean_ns, 12300);
	assert_int_equal(run.map_stddev_ns, 700);
	assert_true(kbench_program_line("average unmap latency(us):0.0 standard deviation:0.0", &run));
	assert_true(run.unmap);
	assert_int_equal(run.unmap_mean_ns, 0);

	/* Before 6.13 (tools/testing/selftests/dma): no mode, a blank after "granule:". */
	struct kbench_run old = { 0 };
	assert_true(kbench_program_line("dma mapping benchmark: threads:2 seconds:1 node:-1 "
					"dir:FROM_DEVICE granule: 16", &old));
	assert_true(old.header);
	assert_int_equal(old.threads, 2);
	assert_string_equal(old.dir, "FROM_DEVICE");
	assert_int_equal(old.pages, 16);

	struct kbench_run other = { 0 };
	assert_false(kbench_program_line("dma mapping benchmark(SINGLE_MODE: threads:1", &other));
	assert_false(kbench_program_line("dma mapping benchmark threads:1 seconds:1 node:-1 "
					 "dir:TO_DEVICE granule:1", &other));
	assert_false(kbench_program_line("open: No such file or directory", &other));
	assert_false(kbench_program_line("ioctl: Invalid argument", &other));
	assert_false(kbench_program_line("average map latency(us):fast standard deviation:0.1", &other));
	assert_false(kbench_program_line("average map latency(us):1.0", &other));
	assert_false(kbench_program_line("average map latency(us):-1.0 standard deviation:0.1",
					 &other));
	assert_false(other.header || other.map || other.unmap);
}

static void test_parse_measured(void **state)
{
	struct map_cost_params m = params();
	struct map_cost_kbench k = { 0 };

	(void)state;
	kbench_parse(measured_text, &m, 4096, &k);
	assert_int_equal(k.outcome, MAP_COST_MEASURED);
	assert_string_equal(k.reason, "");
	assert_string_equal(k.device, "0000:00:04.0");
	assert_string_equal(k.driver, "p2prig_edu");
	assert_string_equal(k.path, "/usr/lib/modules/7.3.4/p2prig-tools/dma_map_benchmark");
	assert_int_equal(k.dma_bits, 64);
	assert_int_equal(k.n_granules, 2);
	assert_int_equal(k.granules[0].granule, 4096);
	assert_int_equal(k.granules[1].granule, 65536);
	assert_int_equal(k.granules[0].n_runs, 2);
	assert_int_equal(k.granules[0].runs[1].map_mean_ns, 1400);
	assert_int_equal(k.granules[1].runs[0].unmap_mean_ns, 1900);
	assert_int_equal(k.granules[1].runs[0].pages, 16);
}

static void test_parse_skipped(void **state)
{
	struct map_cost_params m = params();
	struct map_cost_kbench k = { 0 };

	(void)state;
	kbench_parse("result=skipped\nreason=kernel 7.3.4+deb13-amd64 has no dma_map_benchmark "
		     "(built without CONFIG_DMA_MAP_BENCHMARK, as Debian builds its kernels)\n",
		     &m, 4096, &k);
	assert_int_equal(k.outcome, MAP_COST_SKIPPED);
	assert_non_null(strstr(k.reason, "CONFIG_DMA_MAP_BENCHMARK"));
	assert_int_equal(k.n_granules, 0);

	kbench_parse("result=skipped\n", &m, 4096, &k);
	assert_int_equal(k.outcome, MAP_COST_SKIPPED);
	assert_string_equal(k.reason, "guest-dma-bench.sh gave no reason");
}

/* The runs the failure cases share: one good 4K run, both good 64K runs. */
#define RUN_4K(repeat) \
	"run granule=4096 repeat=" repeat "\n" PROGRAM("1", "1.2", "0.3", "0.8", "0.1")
#define RUN_64K(repeat) \
	"run granule=65536 repeat=" repeat "\n" PROGRAM("16", "2.5", "0.4", "1.9", "0.2")
#define RUNS_64K RUN_64K("1") RUN_64K("2")

/* text parsed for m: failed, with a reason containing want. */
static void assert_parse_fails(const char *text, const char *want)
{
	struct map_cost_params m = params();
	struct map_cost_kbench k = { 0 };

	kbench_parse(text, &m, 4096, &k);
	if (k.outcome != MAP_COST_FAILED || !strstr(k.reason, want))
		fail_msg("outcome %s, reason '%s'; wanted failed with '%s'",
			 map_cost_outcome_name(k.outcome), k.reason, want);
	assert_int_equal(k.n_granules, 0);	/* half a measurement is no figure */
}

static void test_parse_failures(void **state)
{
	(void)state;
	/* The script died before it could say. */
	assert_parse_fails(PREAMBLE "run granule=4096 repeat=1\n",
			   "guest-dma-bench.sh said no result=");
	assert_parse_fails("", "guest-dma-bench.sh said no result=");
	assert_parse_fails("result=failed\nreason=dma_map_benchmark did not take 0000:00:04.0\n",
			   "dma_map_benchmark did not take 0000:00:04.0");
	assert_parse_fails("result=failed\n", "failed without a reason");
	assert_parse_fails("result=maybe\n", "unknown result 'maybe'");
	/* A run without its unmap line. */
	assert_parse_fails(PREAMBLE RUN_4K("1")
			   "run granule=4096 repeat=2\n"
			   "dma mapping benchmark(SINGLE_MODE): threads:1 seconds:1 node:-1 "
			   "dir:BIDIRECTIONAL granule:1\naverage map latency(us):1.2 standard "
			   "deviation:0.3\n" RUNS_64K "result=measured\n",
			   "run 2 at granule 4K: no 'average unmap latency' line");
	/* The program ran another granule than the run line says. */
	assert_parse_fails(PREAMBLE
			   "run granule=4096 repeat=1\n" PROGRAM("2", "1.2", "0.3", "0.8", "0.1")
			   RUN_4K("2") RUNS_64K "result=measured\n",
			   "run 1 at granule 4K says granule:2 threads:1, not 1 pages and 1 threads");
	/* Fewer runs than repeats; a granule missing altogether. */
	assert_parse_fails(PREAMBLE RUN_4K("1") RUNS_64K "result=measured\n",
			   "1 of 2 runs at granule 4K");
	assert_parse_fails(PREAMBLE RUN_4K("1") RUN_4K("2") "result=measured\n",
			   "0 of 2 runs at granule 64K");
	/* A failure the script reports after runs (giving the device back) wins over them. */
	assert_parse_fails(MEASURED_RUNS "result=failed\n"
			   "reason=could not give 0000:00:04.0 back to p2prig_edu\n",
			   "could not give 0000:00:04.0 back");
	assert_parse_fails("run granule=x repeat=1\nresult=measured\n", "a run line out of place");
}

/* A ram entry measured at granule: repeat means and p50s as given. */
static void add_ram_entry(struct map_cost_report *r, uint64_t granule, const uint64_t *map_means,
			  const uint64_t *map_p50s, uint64_t unmap_mean, size_t n)
{
	struct map_cost_entry *e = &r->entries[r->n_entries++];

	e->method = MAP_COST_RAM;
	e->granule = granule;
	e->outcome = MAP_COST_MEASURED;
	for (size_t i = 0; i < n; i++) {
		e->repeats[i].map = (struct bench_figures){ .n = 1000, .mean_ns = map_means[i],
							    .p50_ns = map_p50s[i] };
		e->repeats[i].unmap = (struct bench_figures){ .n = 1000, .mean_ns = unmap_mean,
							      .p50_ns = unmap_mean };
	}
	e->n_repeats = n;
	map_cost_entry_summarise(e);
}

static bool near(double a, double b)
{
	return a > b - 1e-9 && a < b + 1e-9;
}

static void test_ratio(void **state)
{
	struct map_cost_params m = params();
	struct map_cost_report *r = map_cost_report_new();
	struct map_cost_kbench *k = calloc(1, sizeof(*k));

	(void)state;
	/* Ours at 4K: map means 1500 and 1700 (1600), p50s 1400 and 1500; unmap 900. */
	add_ram_entry(r, 4096, (const uint64_t[]){ 1500, 1700 }, (const uint64_t[]){ 1400, 1500 },
		      900, 2);
	/* A mmio entry at 64K must not be taken for ram. */
	r->entries[r->n_entries++] = (struct map_cost_entry){ .method = MAP_COST_MMIO,
		.granule = 65536, .outcome = MAP_COST_MEASURED,
		.map = { .repeats = 2, .mean_ns = 5000 } };
	r->kbench = k;
	kbench_parse(measured_text, &m, 4096, k);
	kbench_compare(k, r);

	const struct kbench_granule *g = &k->granules[0];
	/* The kernel's 4K map runs: 1200 and 1400 ns, so 1300 ± 141.4. */
	assert_int_equal(g->map.kernel.repeats, 2);
	assert_true(near(g->map.kernel.mean_ns, 1300));
	assert_true(g->map.kernel.stddev_ns > 141.42 && g->map.kernel.stddev_ns < 141.43);
	assert_true(g->map.has_ours);
	assert_true(near(g->map.ours_mean_ns, 1600));
	assert_true(near(g->map.ours_p50_ns, 1450));
	assert_true(g->map.has_ratio);
	assert_true(near(g->map.ratio, 1600.0 / 1300.0));
	assert_true(near(g->map.ratio_min, 1600.0 / (1300.0 + KBENCH_FLOOR_LOSS_MAX_NS)));
	assert_true(g->map.ratio_min < g->map.ratio);
	assert_true(near(g->unmap.ratio, 900.0 / 800.0));
	assert_string_equal(g->note, "");

	/* No ram entry at 64K: the kernel's figure stands alone, with the reason. */
	g = &k->granules[1];
	assert_true(near(g->map.kernel.mean_ns, 2600));
	assert_false(g->map.has_ours);
	assert_false(g->map.has_ratio);
	assert_string_equal(g->note, "no ratio: map-cost's ram method was not measured at this "
				     "granule");

	/* A kernel figure of 0 (below its 100 ns resolution) gives no ratio, and says so. */
	k->granules[1].runs[0].map_mean_ns = 0;
	k->granules[1].runs[1].map_mean_ns = 0;
	add_ram_entry(r, 65536, (const uint64_t[]){ 90, 90 }, (const uint64_t[]){ 90, 90 }, 80, 2);
	kbench_compare(k, r);
	assert_true(g->map.has_ours);
	assert_false(g->map.has_ratio);
	assert_true(g->unmap.has_ratio);
	assert_string_equal(g->note, "no map ratio: the kernel's figure is 0, below its 100 ns "
				     "resolution");

	/* A ram entry that was skipped is no figure of ours. */
	r->entries[0].outcome = MAP_COST_SKIPPED;
	kbench_compare(k, r);
	assert_false(k->granules[0].map.has_ratio);
	map_cost_report_free(r);
}

static void test_json(void **state)
{
	struct map_cost_params m = params();
	struct map_cost_report *r = map_cost_report_new();

	(void)state;
	json_object *o = map_cost_json(r);
	assert_null(json_object_object_get(o, "kernel_bench"));	/* not asked: not there */
	json_object_put(o);

	add_ram_entry(r, 4096, (const uint64_t[]){ 1600, 1600 }, (const uint64_t[]){ 1500, 1500 },
		      900, 2);
	r->kbench = calloc(1, sizeof(*r->kbench));
	r->kbench->threads = 1;
	r->kbench->seconds = 1;
	r->kbench->repeats = 2;
	snprintf(r->kbench->output, sizeof(r->kbench->output), "kbench-cost.txt");
	kbench_parse(measured_text, &m, 4096, r->kbench);
	kbench_compare(r->kbench, r);
	o = map_cost_json(r);
	json_object *k = json_object_object_get(o, "kernel_bench");
	const char *text = json_object_to_json_string_ext(k, JSON_C_TO_STRING_PLAIN);
	ASSERT_CONTAINS(text, "\"program\":\"dma_map_benchmark\"",
			"\"compared_with\":\"ram\"",
			"\"result\":\"measured\"",
			"\"device\":\"0000:00:04.0\"",
			"\"dma_bits\":64",
			"\"output\":\"kbench-cost.txt\"",
			"\"resolution_ns\":100",
			"\"differs\":\"Both time dma_map_page_attrs()");
	json_object *g = json_object_array_get_idx(json_object_object_get(k, "granules"), 0);
	assert_int_equal(json_object_get_int64(json_object_object_get(g, "pages")), 1);
	json_object *map = json_object_object_get(g, "map");
	assert_non_null(strstr(json_object_to_json_string_ext(map, JSON_C_TO_STRING_PLAIN),
			       "\"ratio\":1.231,\"ratio_min\":1.067"));
	assert_true(json_object_get_double(json_object_object_get(map, "ours_mean_ns")) == 1600.0);
	assert_true(json_object_get_double(json_object_object_get(
		json_object_object_get(map, "kernel"), "mean_ns")) == 1300.0);
	assert_null(json_object_object_get(g, "note"));
	/* 64K: no ours, no ratio, a note. */
	g = json_object_array_get_idx(json_object_object_get(k, "granules"), 1);
	assert_null(json_object_object_get(json_object_object_get(g, "map"), "ratio"));
	assert_non_null(json_object_object_get(g, "note"));
	json_object_put(o);

	/* Skipped: the reason, no granules. */
	kbench_parse("result=skipped\nreason=no program\n", &m, 4096, r->kbench);
	o = map_cost_json(r);
	text = json_object_to_json_string_ext(json_object_object_get(o, "kernel_bench"),
					      JSON_C_TO_STRING_PLAIN);
	ASSERT_CONTAINS(text, "\"result\":\"skipped\",\"reason\":\"no program\"",
			"\"granules\":[]");
	json_object_put(o);
	map_cost_report_free(r);
}

/* A step and its environment for kbench_run, results into dir. */
struct run_fixture {
	struct scenario_step step;
	struct step_env env;
	struct map_cost_report *r;
	char dir[64];
};

static void fixture_init(struct run_fixture *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/p2prig-kbench.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->step.name, sizeof(f->step.name), "cost");
	f->step.map_cost = params();
	f->env.out_dir = f->dir;
	f->r = map_cost_report_new();
	f->r->kbench = calloc(1, sizeof(*f->r->kbench));
}

static void fixture_end(struct run_fixture *f)
{
	char cmd[128];

	map_cost_report_free(f->r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	unsetenv("P2PRIG_DMA_BENCH");
}

static void test_run_outside_the_lab(void **state)
{
	struct run_fixture f;

	(void)state;
	fixture_init(&f);
	unsetenv("P2PRIG_DMA_BENCH");
	kbench_run(&f.env, &f.step, f.r, "0000:00:04.0");
	assert_int_equal(f.r->kbench->outcome, MAP_COST_SKIPPED);
	assert_non_null(strstr(f.r->kbench->reason, "only the virtual lab runs"));
	fixture_end(&f);
}

/* A stand-in for guest-dma-bench.sh that prints text, records its arguments and exits rc. */
static void stand_in(const struct run_fixture *f, const char *text, int rc, char *path,
		     size_t size)
{
	char body_path[128];
	FILE *out;

	snprintf(body_path, sizeof(body_path), "%s/body.txt", f->dir);
	out = fopen(body_path, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
	snprintf(path, size, "%s/stand-in.sh", f->dir);
	out = fopen(path, "w");
	assert_non_null(out);
	fprintf(out, "#!/bin/sh\necho \"$*\" >'%s/args.txt'\ncat '%s'\nexit %d\n", f->dir,
		body_path, rc);
	fclose(out);
	assert_int_equal(chmod(path, 0755), 0);
}

static void test_run_stand_in(void **state)
{
	struct run_fixture f;
	char script[128], line[256], args_path[128];
	FILE *args;

	(void)state;
	fixture_init(&f);
	stand_in(&f, measured_text, 0, script, sizeof(script));
	setenv("P2PRIG_DMA_BENCH", script, 1);
	add_ram_entry(f.r, 4096, (const uint64_t[]){ 1300, 1300 }, (const uint64_t[]){ 1300, 1300 },
		      800, 2);
	kbench_run(&f.env, &f.step, f.r, "0000:00:04.0");
	assert_int_equal(f.r->kbench->outcome, MAP_COST_MEASURED);
	assert_string_equal(f.r->kbench->output, "kbench-cost.txt");
	assert_true(f.r->kbench->granules[0].map.has_ratio);
	assert_true(near(f.r->kbench->granules[0].map.ratio, 1.0));
	snprintf(args_path, sizeof(args_path), "%s/args.txt", f.dir);
	args = fopen(args_path, "r");
	assert_non_null(args);
	assert_non_null(fgets(line, sizeof(line), args));
	fclose(args);
	assert_string_equal(line, "--device 0000:00:04.0 --granules 4096,65536 --threads 1 "
				  "--seconds 1 --repeats 2 --dir bidirectional\n");

	/* The output stays in the results folder. */
	snprintf(args_path, sizeof(args_path), "%s/kbench-cost.txt", f.dir);
	assert_int_equal(access(args_path, R_OK), 0);

	/* A script that says measured but exits non-zero has failed. */
	stand_in(&f, measured_text, 1, script, sizeof(script));
	kbench_run(&f.env, &f.step, f.r, "0000:00:04.0");
	assert_int_equal(f.r->kbench->outcome, MAP_COST_FAILED);
	assert_string_equal(f.r->kbench->reason, "guest-dma-bench.sh said result=measured, yet "
						 "failed (exit 1, output in kbench-cost.txt)");
	assert_int_equal(f.r->kbench->n_granules, 0);

	/* One that cannot be run. */
	setenv("P2PRIG_DMA_BENCH", "/nonexistent/guest-dma-bench.sh", 1);
	kbench_run(&f.env, &f.step, f.r, "0000:00:04.0");
	assert_int_equal(f.r->kbench->outcome, MAP_COST_FAILED);
	assert_non_null(strstr(f.r->kbench->reason, "cannot run /nonexistent/guest-dma-bench.sh"));
	fixture_end(&f);
}

UNIT_TEST_MAIN("tests",
	cmocka_unit_test(test_step_keys),
	cmocka_unit_test(test_repository_scenario),
	cmocka_unit_test(test_program_lines),
	cmocka_unit_test(test_parse_measured),
	cmocka_unit_test(test_parse_skipped),
	cmocka_unit_test(test_parse_failures),
	cmocka_unit_test(test_ratio),
	cmocka_unit_test(test_json),
	cmocka_unit_test(test_run_outside_the_lab),
	cmocka_unit_test(test_run_stand_in));
