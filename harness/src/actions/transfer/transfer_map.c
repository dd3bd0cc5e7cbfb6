// SPDX-License-Identifier: GPL-2.0
/*
 * A transfer step's mapping: MAP and UNMAP through the module, or for a
 * dmabuf step the export and import of a dma-buf; and the timed pairs,
 * warm-up ones apart as cold, then the steady ones the step reports.
 */
#include "actions/transfer/transfer_run.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/numparse.h"
#include "util/pattern.h"

/*
 * A dmabuf step's mapping: the module exports the region as a dma-buf and
 * the initiator imports it the way an RDMA driver does. What the import
 * returns is a mapping handle like MAP's.
 */
static int import_region(struct transfer_run *tr, struct p2prig_map *m)
{
	struct p2prig_import imp;
	int rc = rigdev_export(tr->env->dev, tr->prov->chunk.handle, tr->t->export_method->uapi,
			       tr->t->offset, tr->t->size, &tr->dmabuf_fd);

	if (rc)
		return rc;
	tr->out->dmabuf.exports++;
	rc = rigdev_import(tr->env->dev, tr->dmabuf_fd, tr->init_kind->uapi, &tr->init->pci,
			   P2PRIG_DIR_BIDIRECTIONAL, &imp);
	if (rc) {
		close(tr->dmabuf_fd);
		tr->dmabuf_fd = -1;
		return rc;
	}
	memset(m, 0, sizeof(*m));
	m->handle = imp.handle;
	m->dma_addr = imp.dma_addr;
	m->map_ns = imp.map_ns;
	m->flags = imp.flags;
	m->p2p_distance = tr->out->p2p_distance;
	return 0;
}

/*
 * Once the importer is gone, the exporter's counters must balance: every
 * attach detached, every map unmapped. They add up over the step.
 */
static int release_export(struct transfer_run *tr)
{
	struct p2prig_export_stats st;
	int rc = rigdev_export_stats(tr->env->dev, tr->dmabuf_fd, &st);
	struct step_report *out = tr->out;

	close(tr->dmabuf_fd);
	tr->dmabuf_fd = -1;
	if (rc)
		return rc;
	out->dmabuf.attaches += st.attaches;
	out->dmabuf.detaches += st.detaches;
	out->dmabuf.maps += st.maps;
	out->dmabuf.unmaps += st.unmaps;
	if (st.attaches != st.detaches || st.maps != st.unmaps || st.live_maps)
		out->dmabuf.balanced = false;
	return 0;
}

/* Every map call's figure, in call order, for the first few calls of the step. */
static void note_map_call(struct transfer_run *tr, uint64_t ns)
{
	struct cold_timings *c = &tr->out->cold;

	if (c->n_first_map_calls < RESULT_FIRST_MAP_CALLS)
		c->first_map_calls_ns[c->n_first_map_calls++] = ns;
}

/* Maps the region (m->map_ns: what the call took); the caller files the figure. */
int transfer_map_region(struct transfer_run *tr, struct p2prig_map *m)
{
	int rc;

	if (tr->dmabuf)
		rc = import_region(tr, m);
	else
		rc = rigdev_map(tr->env->dev, tr->prov->chunk.handle, tr->t->method->uapi,
				tr->init_kind->uapi, &tr->init->pci, P2PRIG_DIR_BIDIRECTIONAL,
				tr->t->offset, tr->t->size, m);
	if (rc == 0)
		note_map_call(tr, m->map_ns);
	return rc;
}

int transfer_unmap_region(struct transfer_run *tr, uint32_t mapping, uint64_t *ns)
{
	int rc = rigdev_unmap(tr->env->dev, mapping, ns);

	if (tr->dmabuf && tr->dmabuf_fd >= 0) {
		int stats_rc = release_export(tr);
		rc = rc ? rc : stats_rc;
	}
	return rc;
}

/* COUNT map/unmap pairs, their figures into MAP and UNMAP. */
static bool timed_pairs(struct transfer_run *tr, uint32_t count, struct samples *map,
			struct samples *unmap, const char *what)
{
	char call[32];

	for (uint32_t i = 0; i < count; i++) {
		struct p2prig_map m;
		uint64_t ns;
		int rc = transfer_map_region(tr, &m);
		if (rc) {
			snprintf(call, sizeof(call), "MAP (%s)", what);
			step_ioctl_failed(tr->out, rc, tr->who_method, call);
			return false;
		}
		samples_add(map, m.map_ns);
		rc = transfer_unmap_region(tr, m.handle, &ns);
		if (rc) {
			snprintf(call, sizeof(call), "UNMAP (%s)", what);
			step_ioctl_failed(tr->out, rc, tr->who_method, call);
			return false;
		}
		samples_add(unmap, ns);
	}
	return true;
}

/*
 * The timing: the trace off (its tracepoints would be inside every figure),
 * then the warm-up pairs, which pay the IOVA allocator's and the page
 * tables' cold start, then the steady pairs the step reports.
 */
bool transfer_time_mapping(struct transfer_run *tr, char *progress, size_t progress_size)
{
	const struct step_env *env = tr->env;

	if (env->trace_off)
		env->trace_off(env->trace_data);
	if (!timed_pairs(tr, tr->t->warmup, &tr->cold_map_ns, &tr->cold_unmap_ns, "warm-up") ||
	    !timed_pairs(tr, tr->t->map_repeat, &tr->map_ns, &tr->unmap_ns, "repeat"))
		return false;
	struct stats_summary map = stats_summarise(tr->map_ns.values, tr->map_ns.n);
	struct stats_summary unmap = stats_summarise(tr->unmap_ns.values, tr->unmap_ns.n);
	step_progress(progress, progress_size, "map/unmap x%zu after %u warm-up, p50 %" PRIu64
		      "/%" PRIu64 " ns", tr->map_ns.n, tr->t->warmup, map.p50, unmap.p50);
	return true;
}
