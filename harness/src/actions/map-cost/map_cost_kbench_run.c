// SPDX-License-Identifier: GPL-2.0
/*
 * Running the kernel's dma_map_benchmark for a map-cost step: the guest
 * script harness/vlab/guest-dma-bench.sh (P2PRIG_DMA_BENCH, which the
 * virtual lab's guest-run.sh sets) takes the step's initiator from its
 * driver, binds it to the kernel's dma_map_benchmark driver, runs the
 * program at the step's granules, threads and direction, gives the
 * device back and says what happened. Its output is kept in the results
 * folder (kbench-STEP.txt) and read by kbench_parse().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "actions/map-cost/map_cost_kbench.h"
#include "util/spawn.h"
#include "actions/step.h"

#define KBENCH_SCRIPT_ENV "P2PRIG_DMA_BENCH"

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t used = 0, cap = 4096;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		used += fread(buf + used, 1, cap - used - 1, f);
		if (used < cap - 1)
			break;
		char *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	fclose(f);
	if (buf)
		buf[used] = '\0';
	return buf;
}

__attribute__((format(printf, 3, 4)))
static void set_outcome(struct map_cost_kbench *k, enum map_cost_outcome o, const char *fmt, ...)
{
	va_list ap;

	k->outcome = o;
	va_start(ap, fmt);
	vsnprintf(k->reason, sizeof(k->reason), fmt, ap);
	va_end(ap);
}

void kbench_run(const struct step_env *env, const struct scenario_step *step,
		struct map_cost_report *r, const char *device)
{
	const struct map_cost_params *m = &step->map_cost;
	struct map_cost_kbench *k = r->kbench;
	const char *script = getenv(KBENCH_SCRIPT_ENV);
	char granules[MAP_COST_MAX_GRANULES * 24] = "", threads[16], seconds[16], repeats[16];
	char path[4096];
	size_t used = 0;

	k->threads = m->threads;
	k->seconds = m->kernel_bench_seconds;
	k->repeats = m->repeats;
	k->dir = m->dir;
	if (!script || !*script) {
		set_outcome(k, MAP_COST_SKIPPED, "only the virtual lab runs the kernel's %s: "
			    "no guest-dma-bench.sh here (%s unset)", MAP_COST_KBENCH_PROGRAM,
			    KBENCH_SCRIPT_ENV);
		return;
	}
	for (size_t i = 0; i < m->n_granules && used < sizeof(granules); i++)
		used += (size_t)snprintf(granules + used, sizeof(granules) - used, "%s%" PRIu64,
					 i ? "," : "", m->granules[i]);
	snprintf(threads, sizeof(threads), "%" PRIu32, m->threads);
	snprintf(seconds, sizeof(seconds), "%" PRIu32, m->kernel_bench_seconds);
	snprintf(repeats, sizeof(repeats), "%" PRIu32, m->repeats);
	snprintf(k->output, sizeof(k->output), "kbench-%s.txt", step->name);
	snprintf(path, sizeof(path), "%s/%s", env->out_dir ? env->out_dir : ".", k->output);

	char *argv[] = {
		(char *)script, "--device", (char *)device, "--granules", granules,
		"--threads", threads, "--seconds", seconds, "--repeats", repeats,
		"--dir", (char *)map_cost_dir_name(m->dir), NULL,
	};
	int rc = spawn_logged(argv, path, NULL);
	if (rc < 0) {
		set_outcome(k, MAP_COST_FAILED, "cannot run %s: %s", script, strerror(-rc));
		return;
	}
	char *text = read_text(path);
	if (!text) {
		set_outcome(k, MAP_COST_FAILED, "cannot read %s: %s", k->output, strerror(errno));
		return;
	}
	long page = sysconf(_SC_PAGESIZE);
	kbench_parse(text, m, page > 0 ? (uint64_t)page : 4096, k);
	free(text);
	if (rc != 0 && k->outcome != MAP_COST_FAILED)
		set_outcome(k, MAP_COST_FAILED, "guest-dma-bench.sh said result=%s, yet failed",
			    map_cost_outcome_name(k->outcome));
	if (k->outcome == MAP_COST_FAILED) {
		size_t n = strlen(k->reason);
		snprintf(k->reason + n, sizeof(k->reason) - n, " (exit %d, output in %s)", rc,
			 k->output);
		k->n_granules = 0;	/* a failed run's figures are no figures */
	}
	kbench_compare(k, r);
}
