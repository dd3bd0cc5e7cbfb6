// SPDX-License-Identifier: GPL-2.0
/*
 * The run of a scenario (run.h): results folder, result.json and ktap.txt
 * kept up to date, each step run with its dma trace and the kernel log
 * looked at after it, `expect methods-agree` judged once all ran.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include "actions/action.h"
#include "results/methods_agree.h"
#include "run/run_internal.h"
#include "run/step_trace.h"
#include "system/kernel_checkers.h"
#include "util/kversion.h"
#include "util/strlist.h"

/* mkdir -p: the lead names a fresh results folder per run. */
static int make_dirs(const char *path)
{
	char *copy = strdup(path);
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (char *c = copy + 1; !rc; c++) {
		bool end = *c == '\0';
		if (*c != '/' && !end)
			continue;
		*c = '\0';
		if (mkdir(copy, 0755) && errno != EEXIST)
			rc = -errno;
		if (end)
			break;
		*c = '/';
	}
	free(copy);
	return rc;
}

static void save_json(struct run *run)
{
	int rc = result_write_json(&run->report, run->opt->out_dir);

	if (rc)
		fprintf(stderr, "p2prig: cannot write %s/%s: %s\n", run->opt->out_dir,
			RESULT_JSON_NAME, strerror(-rc));
}

/* A kernel older than `require kernel` skips every step, with the reason. */
static void check_kernel(struct run *run)
{
	struct kversion running;

	if (!run->sc.requires_kernel)
		return;
	if (!kversion_from_release(run->report.kernel, &running) ||
	    kversion_compare(&running, &run->sc.min_kernel) < 0)
		snprintf(run->skip_all, sizeof(run->skip_all),
			 "needs kernel %s or later, running %s", run->sc.min_kernel_text,
			 run->report.kernel);
}

/*
 * Kernel lines since the last look; each fails the step it followed. An
 * IOMMU driver's line comes first in the step's reason, the first that
 * names an address if one does (intel logs its status register before
 * the fault): a DMA it faulted is why the bytes are wrong or the transfer
 * timed out.
 */
static void look_at_kernel_log(struct run *run, struct step_report *step)
{
	struct strlist found = { 0 };
	char before[sizeof(step->reason)];
	const char *iommu = NULL;

	health_poll(&run->health, run->sc.allows, run->sc.n_allows, &found);
	for (size_t i = 0; i < found.n; i++) {
		run_report_add_finding(&run->report, step ? step->name : NULL, found.items[i]);
		if (step)
			strlist_add(&step->health, found.items[i]);
		if (health_text_is_iommu(found.items[i]) &&
		    (!iommu || (!strstr(iommu, "0x") && strstr(found.items[i], "0x"))))
			iommu = found.items[i];
	}
	if (step && found.n) {
		snprintf(before, sizeof(before), "%s",
			 step->verdict == VERDICT_FAIL ? step->reason : "");
		step->reason[0] = '\0';
		step->verdict = VERDICT_FAIL;
		if (iommu)
			step_add_reason(step, "IOMMU: %s", iommu);
		if (before[0])
			step_add_reason(step, "%s", before);
		step_add_reason(step, "kernel log: %zu unexpected line%s after this step", found.n,
				found.n == 1 ? "" : "s");
	}
	strlist_free(&found);
}

static void print_progress(size_t number, size_t total, const struct step_report *s,
			   const char *progress)
{
	printf("p2prig: step %zu/%zu %s: %s%s", number, total, s->name, progress,
	       progress[0] ? ", " : "");
	switch (s->verdict) {
	case VERDICT_PASS:
		printf("ok\n");
		break;
	case VERDICT_FAIL:
		printf("FAIL: %s\n", s->reason);
		break;
	case VERDICT_SKIP:
		printf("SKIP: %s\n", s->reason);
		break;
	}
	fflush(stdout);
}

/* A step's dma trace, for the step to turn off before it times anything. */
struct trace_in_step {
	struct step_trace *trace;
	struct step_trace_report *report;
};

static void trace_off(void *data)
{
	struct trace_in_step *t = data;

	step_trace_off(t->trace, t->report);
}

/*
 * `expect methods-agree` compares steps with each other, so it is decided
 * once all ran; a step it turns into a failure or a skip is amended in
 * ktap.txt, whose line for it is already written.
 */
static void judge_agreement(struct run *run)
{
	struct run_report *r = &run->report;
	enum step_verdict before[SCENARIO_MAX_STEPS];
	struct kversion kernel;
	bool known = r->kernel && kversion_from_release(r->kernel, &kernel);

	for (size_t i = 0; i < r->n_steps && i < SCENARIO_MAX_STEPS; i++)
		before[i] = r->steps[i].verdict;
	char checkers[64];

	kernel_checkers_detect("/", checkers, sizeof(checkers));
	methods_agree_evaluate(&run->sc, r->steps, r->n_steps, known ? &kernel : NULL, checkers);
	for (size_t i = 0; i < r->n_steps && i < SCENARIO_MAX_STEPS; i++) {
		const struct step_report *s = &r->steps[i];
		if (s->verdict == before[i] || before[i] != VERDICT_PASS)
			continue;
		int rc = ktap_amend_test(&run->ktap, run->opt->out_dir, i + 1, s->verdict, s->reason);
		if (rc)
			fprintf(stderr, "p2prig: %s: cannot amend step %s: %s\n", KTAP_FILE_NAME,
				s->name, strerror(-rc));
		printf("p2prig: step %zu/%zu %s: %s: %s\n", i + 1, r->n_steps, s->name,
		       s->verdict == VERDICT_FAIL ? "now FAIL" : "now SKIP", s->reason);
	}
	for (size_t i = 0; i < r->n_steps; i++)
		for (size_t k = 0; k < r->steps[i].notes.n; k++)
			printf("p2prig: step %s: note: %s\n", r->steps[i].name,
			       r->steps[i].notes.items[k]);
	fflush(stdout);
}

static void run_steps(struct run *run)
{
	const struct scenario *sc = &run->sc;
	struct step_env env = {
		.skip_all = run->skip_all,
		.rig = run->opt->rig ? run->opt->rig : "",
		.dev = &run->dev,
		.info = &run->info,
		.sc = sc,
		.providers = run->providers,
		.initiators = run->initiators,
		.storages = run->storages,
		.out_dir = run->opt->out_dir,
		.predict = predict_from_doctor,
		.predict_data = run,
		.peer = run->linked ? &run->peer : NULL,
		.has_oracle = run->opt->has_oracle,
		.oracle_seed = run->opt->oracle_seed,
	};

	for (size_t i = 0; i < sc->n_steps; i++) {
		const struct scenario_step *step = &sc->steps[i];
		struct step_report *s = run_report_add_step(&run->report);
		char progress[512] = "";

		snprintf(s->name, sizeof(s->name), "%s", step->name);
		snprintf(s->action, sizeof(s->action), "%s", step->action_name);
		static struct step_trace trace;
		bool traced = step_trace_wanted(step);
		struct trace_in_step in_step = { &trace, &s->trace };

		env.trace_off = traced ? trace_off : NULL;
		env.trace_data = &in_step;
		if (traced)
			step_trace_begin(&trace, step, &s->trace);
		step_runner_find(step->action)->run(&env, step, s, progress, sizeof(progress));
		if (traced)
			step_trace_end(&trace, &env, step, s);
		look_at_kernel_log(run, s);

		/* result.json first: a KTAP line means the step is in result.json too. */
		save_json(run);
		ktap_step(&run->ktap, i + 1, s);
		print_progress(i + 1, sc->n_steps, s, progress);
	}
}

int run_scenario(const struct run_options *opt)
{
	static struct run run;	/* large; one per process */
	struct run_report *r = &run.report;
	struct utsname uts;
	int rc;

	run.opt = opt;
	run.dev.fd = -1;
	peer_link_init(&run.peer.link);
	if (scenario_parse_file(opt->file, &run.sc)) {
		scenario_print_errors(&run.sc, stderr);
		scenario_free(&run.sc);
		return 1;
	}
	if ((run.sc.nodes == 2) != (opt->role != NODE_SINGLE)) {
		fprintf(stderr, "p2prig run: scenario %s runs in %u node%s: %s\n", run.sc.name,
			run.sc.nodes, run.sc.nodes == 1 ? "" : "s",
			run.sc.nodes == 1 ? "--node and --peer are for a two-node scenario ('nodes 2')"
					  : "give --node server|client and --peer ADDR");
		scenario_free(&run.sc);
		return 2;
	}
	uname(&uts);
	rc = make_dirs(opt->out_dir);
	if (rc) {
		fprintf(stderr, "p2prig: cannot create %s: %s\n", opt->out_dir, strerror(-rc));
		scenario_free(&run.sc);
		return 1;
	}
	run_report_init(r, run.sc.name, run.sc.description, opt->file, opt->rig, opt->topology,
			uts.release);
	if (opt->config && *opt->config)
		r->config = strdup(opt->config);
	if (opt->role != NODE_SINGLE) {
		r->node = strdup(node_role_name(opt->role));
		r->peer = strdup(opt->peer);
	}
	rc = ktap_open(&run.ktap, opt->out_dir, run.sc.n_steps + 1);
	if (rc)
		fprintf(stderr, "p2prig: cannot write %s/%s: %s\n", opt->out_dir, KTAP_FILE_NAME,
			strerror(-rc));
	r->health.watched = health_open(&run.health, HEALTH_KMSG_PATH, run.sc.name);
	snprintf(r->health.why, sizeof(r->health.why), "%s", run.health.why);
	save_json(&run);
	printf("p2prig: scenario %s: %zu step%s on kernel %s\n", run.sc.name, run.sc.n_steps,
	       run.sc.n_steps == 1 ? "" : "s", uts.release);
	fflush(stdout);

	check_kernel(&run);
	if (!open_link(&run) || (!run.skip_all[0] && !prepare(&run))) {
		/* The run stops here and stays marked incomplete. */
		fprintf(stderr, "p2prig: %s\n", r->error);
		ktap_diagnostic(&run.ktap, r->error);
		save_json(&run);
		release(&run);
	} else {
		run_steps(&run);
		judge_agreement(&run);
		close_link(&run);
		release(&run);
		look_at_kernel_log(&run, NULL);
		ktap_health(&run.ktap, run.sc.n_steps + 1, r);
		r->complete = true;
		r->finished = time(NULL);
		save_json(&run);

		struct run_counts c = run_report_counts(r);
		printf("p2prig: kernel-health %s; %zu passed, %zu failed, %zu skipped\n",
		       run_report_health_clean(r) ? "clean"
		       : r->health.watched	  ? "NOT CLEAN"
						  : "not watched",
		       c.passed, c.failed, c.skipped);
		fflush(stdout);
	}

	char marker[160];
	snprintf(marker, sizeof(marker), "p2prig: end scenario %s\n", run.sc.name);
	health_mark(HEALTH_KMSG_PATH, marker);
	node_peer_close(&run.peer);
	health_close(&run.health);
	ktap_close(&run.ktap);
	int exit_code = run_report_exit_code(r);
	run_report_free(r);
	scenario_free(&run.sc);
	return exit_code;
}
