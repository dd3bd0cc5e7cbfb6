// SPDX-License-Identifier: GPL-2.0
/* The NVMe inventory as JSON; field names are documented in results/README.md. */
#include "system/nvme_inventory.h"

#include <inttypes.h>
#include <stdio.h>

#include <json.h>

#include "util/array_size.h"
#include "util/json_write.h"

/* Registers as "0x..." text: CAP does not fit a JSON number exactly everywhere. */
static json_object *register_text(uint64_t value, int digits)
{
	char text[24];

	snprintf(text, sizeof(text), "0x%0*" PRIx64, digits, value);
	return json_object_new_string(text);
}

static json_object *id_text(uint16_t id)
{
	char text[8];

	snprintf(text, sizeof(text), "%04x", id);
	return json_object_new_string(text);
}

static void add_bool(json_object *o, const char *key, bool value)
{
	json_object_object_add(o, key, json_object_new_boolean(value));
}

static json_object *cmb_json(const struct nvme_cmb_info *cmb)
{
	json_object *o = json_object_new_object();

	add_bool(o, "present", cmb->present);
	json_object_object_add(o, "cmbloc", register_text(cmb->cmbloc, 8));
	json_object_object_add(o, "cmbsz", register_text(cmb->cmbsz, 8));
	json_object_object_add(o, "bar", json_object_new_int((int32_t)cmb->bir));
	json_object_object_add(o, "szu", json_object_new_int((int32_t)cmb->szu));
	add_bool(o, "size_unit_reserved", cmb->size_unit_reserved);
	json_object_object_add(o, "size_unit_bytes", jw_count(cmb->size_unit_bytes));
	json_object_object_add(o, "size_bytes", jw_count(cmb->size_bytes));
	json_object_object_add(o, "offset_bytes", jw_count(cmb->offset_bytes));
	add_bool(o, "sqs", cmb->sqs);
	add_bool(o, "cqs", cmb->cqs);
	add_bool(o, "lists", cmb->lists);
	add_bool(o, "rds", cmb->rds);
	add_bool(o, "wds", cmb->wds);
	return o;
}

static json_object *pmr_json(const struct nvme_pmr_info *pmr)
{
	json_object *o = json_object_new_object();

	add_bool(o, "present", pmr->present);
	json_object_object_add(o, "pmrcap", register_text(pmr->pmrcap, 8));
	json_object_object_add(o, "bar", json_object_new_int((int32_t)pmr->bir));
	add_bool(o, "rds", pmr->rds);
	add_bool(o, "wds", pmr->wds);
	return o;
}

static json_object *ns_json(const struct nvme_ns_info *ns)
{
	const struct jw_count_field numbers[] = {
		{ "nsid", ns->nsid }, { "size_bytes", ns->size_bytes },
		{ "lba_bytes", ns->lba_bytes },
	};
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(ns->name));
	json_object_object_add(o, "dev", json_object_new_string(ns->dev_path));
	return jw_add_counts(o, numbers, ARRAY_SIZE(numbers));
}

static json_object *registers_json(const struct nvme_ctrl_info *c)
{
	json_object *o = json_object_new_object();

	add_bool(o, "read", c->regs_read);
	json_object_object_add(o, "error", jw_text(c->regs_read ? NULL : c->regs_error));
	json_object_object_add(o, "cap", c->regs_read ? register_text(c->cap, 16) : NULL);
	json_object_object_add(o, "cmb_source", jw_text(c->cmb_source));
	return o;
}

static json_object *ctrl_json(const struct nvme_ctrl_info *c)
{
	const struct jw_text_field identity[] = {
		{ "transport", c->transport }, { "address", c->address }, { "serial", c->serial },
		{ "model", c->model }, { "firmware", c->firmware },
	};
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(c->name));
	jw_add_texts(o, identity, ARRAY_SIZE(identity));
	add_bool(o, "identified", c->identified);
	json_object_object_add(o, "identify_error",
			       jw_text(c->identified ? NULL : c->identify_error));
	json_object_object_add(o, "vid", c->identified ? id_text(c->vid) : NULL);
	json_object_object_add(o, "ssvid", c->identified ? id_text(c->ssvid) : NULL);
	json_object_object_add(o, "mdts_bytes", json_object_new_int64(c->mdts_bytes));
	json_object_object_add(o, "registers", registers_json(c));
	/* null: not known (registers unread and no sysfs attribute). */
	json_object_object_add(o, "cmb", c->cmb_source[0] ? cmb_json(&c->cmb) : NULL);
	json_object_object_add(o, "pmr", c->regs_read ? pmr_json(&c->pmr) : NULL);
	JW_ADD_ARRAY(o, "namespaces", c->ns, c->n_ns, ns_json);
	return o;
}

struct json_object *nvme_inventory_json(const struct nvme_inventory *inv)
{
	json_object *o = json_object_new_object();

	JW_ADD_ARRAY(o, "controllers", inv->ctrls, inv->n_ctrls, ctrl_json);
	return o;
}
