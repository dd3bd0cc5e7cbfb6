// SPDX-License-Identifier: GPL-2.0
/*
 * `p2prig run FILE --out DIR [--rig NAME] [--topology TEXT] [--config NAME]
 * [--node server|client --peer ADDR] [--oracle-seed SEED]`, in the guest as
 * root (SEED: the pattern the host filled the BAR's backing with): check the
 * scenario, link up with the other node of a two-node run, prepare
 * providers and initiators, run each step, and keep result.json, ktap.txt
 * and a progress line per step up to date as it goes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include <pci/pci.h>

#include "cli/commands.h"
#include "doctor/doctor.h"
#include "system/health.h"
#include "results/ktap.h"
#include "util/kversion.h"
#include "system/kernel_checkers.h"
#include "results/methods_agree.h"
#include "run/node_link.h"
#include "util/numparse.h"
#include "results/result.h"
#include "client/rigdev.h"
#include "scenario/scenario.h"
#include "scenario/selector.h"
#include "actions/action.h"
#include "actions/step.h"
#include "run/step_trace.h"
#include "actions/storage/storage.h"
#include "uapi/p2prig.h"

struct run_options {
	const char *file, *out_dir, *rig, *topology, *config;
	enum node_role role;		/* NODE_SINGLE unless --node */
	const char *peer;		/* --peer: the other node's address */
	bool has_oracle;		/* --oracle-seed: the host filled the BAR's backing */
	uint64_t oracle_seed;
};

/* Everything a run holds, so one function can release it. */
struct run {
	const struct run_options *opt;
	struct scenario sc;
	struct run_report report;
	struct ktap ktap;
	struct health_watch health;
	struct rigdev dev;
	struct p2prig_info info;
	struct pci_access *pacc;
	struct provider_state providers[SCENARIO_MAX_PROVIDERS];
	struct initiator_state initiators[SCENARIO_MAX_INITIATORS];
	struct storage_state storages[SCENARIO_MAX_STORAGES];
	struct nvme_inventory nvme;	/* what storage lines are resolved against */
	char skip_all[RESULT_TEXT_MAX];
	/* The doctor's prediction per provider and initiator; UNKNOWN: none. */
	struct prediction predictions[SCENARIO_MAX_PROVIDERS][SCENARIO_MAX_INITIATORS];
	struct node_peer peer;		/* a two-node run's link */
	bool linked;
};

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

static bool open_device(struct run *run)
{
	struct run_report *r = &run->report;
	int rc = rigdev_open(&run->dev, P2PRIG_DEVICE_PATH);

	if (rc) {
		snprintf(r->error, sizeof(r->error), "cannot open %s: %s (is p2prig.ko loaded?)",
			 P2PRIG_DEVICE_PATH, strerror(-rc));
		return false;
	}
	rc = rigdev_info(&run->dev, &run->info);
	if (rc) {
		snprintf(r->error, sizeof(r->error), "%s: P2PRIG_IOC_INFO failed: %s",
			 P2PRIG_DEVICE_PATH, strerror(-rc));
		return false;
	}
	if (run->info.uapi_version != P2PRIG_UAPI_VERSION) {
		snprintf(r->error, sizeof(r->error),
			 "%s speaks uapi version %u, this runner was built for version %u: "
			 "build the module and the runner from the same tree",
			 P2PRIG_DEVICE_PATH, run->info.uapi_version, P2PRIG_UAPI_VERSION);
		return false;
	}
	return true;
}

/* Whether a step maps or exports the provider's chunk through the module. */
static bool provider_needs_chunk(const struct scenario *sc, size_t provider)
{
	for (size_t i = 0; i < sc->n_steps; i++) {
		const struct step_action_ops *ops = step_action_of(&sc->steps[i]);

		if (ops && ops->uses_chunk && ops->uses_chunk(&sc->steps[i], provider))
			return true;
	}
	return false;
}

static void prepare_provider(struct run *run, size_t i)
{
	const struct scenario_provider *p = &run->sc.providers[i];
	struct provider_state *s = &run->providers[i];
	/* System RAM has no PCI device: its address stays zero. */
	if (p->kind->peer) {
		struct pci_dev *dev = selector_first_match(run->pacc, &p->selector);

		if (!dev) {
			s->unusable_verdict = VERDICT_SKIP;
			snprintf(s->unusable, sizeof(s->unusable), "no PCI device matches %s",
				 p->selector.text);
			return;
		}
		s->resolved = true;
		s->dev = dev;
		selector_address_uapi(dev, &s->pci);
		selector_address_text(dev, s->pci_text, sizeof(s->pci_text));
	}
	if (!(run->info.provider_mask & (1u << p->kind->uapi))) {
		s->unusable_verdict = VERDICT_SKIP;
		snprintf(s->unusable, sizeof(s->unusable),
			 "provider kind %s: not offered by the module (provider_mask 0x%x)",
			 p->kind->name, run->info.provider_mask);
		return;
	}
	/* A buffer of fio and nvme-copy steps only: their p2pmem is mapped from sysfs, not a chunk. */
	if (!provider_needs_chunk(&run->sc, i))
		return;
	int rc = rigdev_chunk_alloc(&run->dev, p->kind->uapi, &s->pci, p->size, &s->chunk);
	if (rc) {
		static struct step_report scratch;	/* large: not on the stack */

		memset(&scratch, 0, sizeof(scratch));
		char who[96];
		snprintf(who, sizeof(who), "provider %s (%s)", p->name, s->pci_text);
		step_ioctl_failed(&scratch, rc, who, "CHUNK_ALLOC");
		s->unusable_verdict = scratch.verdict;
		snprintf(s->unusable, sizeof(s->unusable), "%s", scratch.reason);
		return;
	}
	s->allocated = true;
}

/*
 * Storage lines against the NVMe inventory. A missing controller or
 * namespace leaves the storage unusable: its steps say why.
 */
static void prepare_storages(struct run *run)
{
	char why[RESULT_TEXT_MAX] = "";
	bool scanned;

	if (run->sc.n_storages == 0)
		return;
	scanned = nvme_inventory_scan(&run->nvme, why, sizeof(why)) == 0;
	for (size_t i = 0; i < run->sc.n_storages; i++)
		storage_resolve(scanned ? &run->nvme : NULL, why, &run->sc.storages[i],
				&run->storages[i]);
}

static void prepare_initiator(struct run *run, size_t i)
{
	const struct scenario_initiator *p = &run->sc.initiators[i];
	struct initiator_state *s = &run->initiators[i];
	struct pci_dev *dev = selector_first_match(run->pacc, &p->selector);

	if (!dev) {
		s->unusable_verdict = VERDICT_SKIP;
		snprintf(s->unusable, sizeof(s->unusable), "no PCI device matches %s",
			 p->selector.text);
		return;
	}
	s->resolved = true;
	s->dev = dev;
	selector_address_uapi(dev, &s->pci);
	selector_address_text(dev, s->pci_text, sizeof(s->pci_text));
}

/*
 * The doctor, before any step: the machine, and for every peer provider and
 * initiator a step pairs, what the kernel's p2pdma should decide. All of
 * it goes into result.json; each step compares it with what the kernel did.
 */
static void consult_doctor(struct run *run)
{
	struct doctor_system system;
	json_object *pairs = json_object_new_array();
	static struct doctor_pair pair;

	doctor_system_scan(run->pacc, &system);
	run->report.doctor = doctor_json(&system, NULL);
	for (size_t i = 0; i < run->sc.n_steps; i++) {
		/* Only steps that pair a provider with an initiator (transfer, dmabuf). */
		const struct step_action_ops *ops = step_action_of(&run->sc.steps[i]);
		size_t provider, initiator;

		if (!ops || !ops->pair || !ops->pair(&run->sc.steps[i], &provider, &initiator))
			continue;
		struct prediction *p = &run->predictions[provider][initiator];
		struct pci_dev *prov = run->providers[provider].dev;
		struct pci_dev *init = run->initiators[initiator].dev;

		if (!prov || !init || p->reason[0])
			continue;
		if (doctor_pair(run->pacc, prov, init, &pair)) {
			snprintf(p->reason, sizeof(p->reason), "the doctor could not read the path");
			continue;
		}
		/* enum doctor_map_type and enum p2prig_map_type both follow the kernel's. */
		p->map_type = (uint32_t)pair.prediction.map_type;
		p->host_route_unaccepted = pair.prediction.map_type == DOCTOR_MAP_BUS_ADDR &&
					   pair.prediction.host_route == DOCTOR_MAP_NOT_SUPPORTED;
		snprintf(p->host_route_text, sizeof(p->host_route_text), "%.255s",
			 pair.prediction.host_route_text);
		snprintf(p->reason, sizeof(p->reason), "%.255s", pair.prediction.reason);

		json_object *o = doctor_json(NULL, &pair);
		json_object *entry = json_object_new_object();
		json_object_object_add(entry, "provider",
				       json_object_new_string(run->sc.providers[provider].name));
		json_object_object_add(entry, "initiator",
				       json_object_new_string(run->sc.initiators[initiator].name));
		json_object_object_add(entry, "pair", json_object_get(json_object_object_get(o, "pair")));
		json_object_put(o);
		json_object_array_add(pairs, entry);
		printf("p2prig: doctor: %s -> %s: %s (%s)%s%s\n",
		       run->sc.providers[provider].name, run->sc.initiators[initiator].name,
		       doctor_map_type_name(pair.prediction.map_type), pair.prediction.reason,
		       pair.vlab_bus_addr_faults ? "; " : "", pair.vlab_bus_addr_faults ? pair.vlab_note : "");
	}
	json_object_object_add(run->report.doctor, "pairs", pairs);
	fflush(stdout);
}

static void predict_from_doctor(const struct step_env *env, size_t provider, size_t initiator,
				struct prediction *out)
{
	const struct run *run = env->predict_data;

	*out = run->predictions[provider][initiator];
	if (!out->reason[0])
		snprintf(out->reason, sizeof(out->reason), "no prediction for this pair");
}

/*
 * A two-node run meets the other runner first: if either cannot start,
 * both learn it at once rather than at their first rdma step.
 */
static bool open_link(struct run *run)
{
	const struct run_options *opt = run->opt;

	if (opt->role == NODE_SINGLE)
		return true;
	printf("p2prig: node %s: %s the %s at %s\n", node_role_name(opt->role),
	       opt->role == NODE_SERVER ? "waiting for" : "connecting to",
	       opt->role == NODE_SERVER ? "client" : "server", opt->peer);
	fflush(stdout);
	if (!node_peer_open(&run->peer, opt->role, opt->peer, PEER_LINK_PORT, &run->sc,
			    NODE_CONNECT_TIMEOUT_MS)) {
		snprintf(run->report.error, sizeof(run->report.error), "%s", run->peer.lost);
		return false;
	}
	run->linked = true;
	printf("p2prig: node %s: linked with the %s, same scenario\n", node_role_name(opt->role),
	       node_peer_other(&run->peer));
	fflush(stdout);
	return true;
}

/* Both runners walked every step; a peer gone by now costs nothing, so only say so. */
static void close_link(struct run *run)
{
	if (run->linked && !node_peer_barrier(&run->peer, "end", NODE_STEP_TIMEOUT_MS))
		printf("p2prig: node %s: %s\n", node_role_name(run->opt->role), run->peer.lost);
	node_peer_close(&run->peer);
	run->linked = false;
}

/* Opens the device and resolves and allocates; false when the run cannot go on. */
static bool prepare(struct run *run)
{
	if (!open_device(run))
		return false;
	run->pacc = pci_alloc();
	pci_init(run->pacc);
	pci_scan_bus(run->pacc);
	for (size_t i = 0; i < run->sc.n_providers; i++)
		prepare_provider(run, i);
	for (size_t i = 0; i < run->sc.n_initiators; i++)
		prepare_initiator(run, i);
	prepare_storages(run);
	consult_doctor(run);
	return true;
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

static void release(struct run *run)
{
	for (size_t i = 0; i < run->sc.n_providers; i++) {
		struct provider_state *s = &run->providers[i];
		int rc = s->allocated ? rigdev_chunk_free(&run->dev, s->chunk.handle) : 0;
		if (rc)
			fprintf(stderr, "p2prig: provider %s: CHUNK_FREE failed: %s\n",
				run->sc.providers[i].name, strerror(-rc));
		s->allocated = false;
	}
	rigdev_close(&run->dev);
	if (run->pacc)
		pci_cleanup(run->pacc);
	run->pacc = NULL;
}

static int run_scenario(const struct run_options *opt)
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

static void run_usage(FILE *to)
{
	fprintf(to, "usage: p2prig run FILE --out DIR [--rig NAME] [--topology TEXT] [--config NAME]\n"
		    "                  [--node server|client --peer ADDR] [--oracle-seed SEED]\n");
}

int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "rig", required_argument, NULL, 'r' },
		{ "topology", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ "node", required_argument, NULL, 'n' },
		{ "peer", required_argument, NULL, 'p' },
		{ "oracle-seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct run_options opt = { 0 };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:r:t:c:n:p:s:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			opt.out_dir = optarg;
			break;
		case 'r':
			opt.rig = optarg;
			break;
		case 't':
			opt.topology = optarg;
			break;
		case 'c':
			opt.config = optarg;
			break;
		case 'n':
			if (!node_role_parse(optarg, &opt.role)) {
				fprintf(stderr, "p2prig run: bad --node '%s' (expected server or client)\n",
					optarg);
				return 2;
			}
			break;
		case 'p':
			opt.peer = optarg;
			break;
		case 's':
			if (!parse_number(optarg, &opt.oracle_seed)) {
				fprintf(stderr, "p2prig run: bad --oracle-seed '%s' (expected decimal or 0x hex)\n",
					optarg);
				return 2;
			}
			opt.has_oracle = true;
			break;
		case 'h':
			run_usage(stdout);
			return 0;
		default:
			run_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc || !opt.out_dir) {
		if (!opt.out_dir)
			fprintf(stderr, "p2prig run: --out DIR is required\n");
		else
			fprintf(stderr, "p2prig run: expected exactly one scenario FILE\n");
		run_usage(stderr);
		return 2;
	}
	if ((opt.role != NODE_SINGLE) != (opt.peer != NULL)) {
		fprintf(stderr, "p2prig run: --node and --peer go together\n");
		run_usage(stderr);
		return 2;
	}
	struct in_addr addr;
	if (opt.peer && inet_pton(AF_INET, opt.peer, &addr) != 1) {
		fprintf(stderr, "p2prig run: bad --peer '%s' (expected an IPv4 address)\n", opt.peer);
		return 2;
	}
	opt.file = argv[optind];
	return run_scenario(&opt);
}
