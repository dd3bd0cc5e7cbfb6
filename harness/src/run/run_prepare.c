// SPDX-License-Identifier: GPL-2.0
/*
 * Before the steps and after them: the device opened, providers and
 * initiators resolved on the PCI bus and chunks allocated, storages
 * resolved against the NVMe inventory, the doctor's predictions, the link
 * of a two-node run; and all of it released.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/action.h"
#include "doctor/doctor.h"
#include "run/run_internal.h"
#include "scenario/selector.h"
#include "uapi/p2prig.h"

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

/*
 * The first PCI function SELECTOR matches, its address filled in; NULL
 * when none does, the reason in UNUSABLE (RESULT_TEXT_MAX) and a skip.
 */
static struct pci_dev *resolve_function(struct run *run, const struct selector *selector,
					struct p2prig_pci_addr *pci,
					char pci_text[PCI_ADDRESS_TEXT_MAX],
					enum step_verdict *verdict, char unusable[RESULT_TEXT_MAX])
{
	struct pci_dev *dev = selector_first_match(run->pacc, selector);

	if (!dev) {
		*verdict = VERDICT_SKIP;
		snprintf(unusable, RESULT_TEXT_MAX, "no PCI device matches %s", selector->text);
		return NULL;
	}
	selector_address_uapi(dev, pci);
	selector_address_text(dev, pci_text, PCI_ADDRESS_TEXT_MAX);
	return dev;
}

static void prepare_provider(struct run *run, size_t i)
{
	const struct scenario_provider *p = &run->sc.providers[i];
	struct provider_state *s = &run->providers[i];
	/* System RAM has no PCI device: its address stays zero. */
	if (p->kind->peer) {
		s->dev = resolve_function(run, &p->selector, &s->pci, s->pci_text,
					  &s->unusable_verdict, s->unusable);
		if (!s->dev)
			return;
		s->resolved = true;
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

	s->dev = resolve_function(run, &p->selector, &s->pci, s->pci_text, &s->unusable_verdict,
				  s->unusable);
	s->resolved = s->dev != NULL;
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

void predict_from_doctor(const struct step_env *env, size_t provider, size_t initiator,
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
bool open_link(struct run *run)
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
void close_link(struct run *run)
{
	if (run->linked && !node_peer_barrier(&run->peer, "end", NODE_STEP_TIMEOUT_MS))
		printf("p2prig: node %s: %s\n", node_role_name(run->opt->role), run->peer.lost);
	node_peer_close(&run->peer);
	run->linked = false;
}

/* Opens the device and resolves and allocates; false when the run cannot go on. */
bool prepare(struct run *run)
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

void release(struct run *run)
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
