// SPDX-License-Identifier: GPL-2.0
/* The checkout and build of the kernel a run booted. */
#include "kcidb/kcidb_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcidb/kcidb.h"
#include "util/array_size.h"
#include "util/json_read.h"

#define BANNER_MAX 1024

void kcidb_add_text(json_object *obj, const char *key, const char *text)
{
	if (text && text[0])
		json_object_object_add(obj, key, json_object_new_string(text));
}

bool kcidb_has_id(json_object *list, const char *id)
{
	for (size_t i = 0; i < json_length(list); i++)
		if (strcmp(json_text(json_object_array_get_idx(list, i), "id", ""), id) == 0)
			return true;
	return false;
}

/* A copy of OBJ[KEY] in TO[KEY], when OBJ has it and it is not null. */
static void copy_field(json_object *to, const char *key, json_object *obj, const char *from)
{
	json_object *v = json_field(obj, from);

	if (v)
		json_object_object_add(to, key, json_object_get(v));
}

static bool is_commit_hash(const char *s)
{
	if (!s || strlen(s) != 40)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* "Linux version ..." from the run's dmesg.txt, "" without one. */
static void read_banner(const char *result_path, char *banner, size_t size)
{
	const char *slash = strrchr(result_path, '/');
	char path[4096], line[BANNER_MAX];
	FILE *f;

	banner[0] = '\0';
	snprintf(path, sizeof(path), "%.*sdmesg.txt", slash ? (int)(slash - result_path + 1) : 0,
		 result_path);
	f = fopen(path, "r");
	if (!f)
		return;
	for (int n = 0; n < 64 && fgets(line, sizeof(line), f); n++) {
		char *at = strstr(line, "Linux version ");

		if (at) {
			at[strcspn(at, "\r\n")] = '\0';
			snprintf(banner, size, "%s", at);
			break;
		}
	}
	fclose(f);
}

/* The banner's compiler: "Linux version R (BUILDER) (COMPILER, LINKER) ...". */
static void banner_compiler(const char *banner, char *out, size_t size)
{
	const char *at = strstr(banner, ") (");
	size_t n;

	out[0] = '\0';
	if (!at)
		return;
	at += 3;
	n = strcspn(at, ",");
	if (at[n] == ',')
		snprintf(out, size, "%.*s", (int)n, at);
}

/* x86_64 or arm64, as the running machine or the release's suffix says. */
static const char *architecture(const struct result_view *v, const char *release)
{
	static const struct {
		const char *suffix, *arch;
	} debian[] = { { "-amd64", "x86_64" }, { "-arm64", "arm64" } };
	const char *machine = json_text(json_field(json_field(v->root, "doctor"), "system"),
					"machine", NULL);
	size_t len = release ? strlen(release) : 0;

	if (machine && strcmp(machine, "aarch64") == 0)
		return "arm64";
	if (machine && strcmp(machine, "x86_64") == 0)
		return "x86_64";
	for (size_t i = 0; i < ARRAY_SIZE(debian); i++) {
		size_t n = strlen(debian[i].suffix);

		if (len > n && strcmp(release + len - n, debian[i].suffix) == 0)
			return debian[i].arch;
	}
	return NULL;
}

/* The checkout of a kernel the rig built; its identity into KEY. */
static json_object *built_checkout(json_object *kb, char *key, size_t size)
{
	json_object *c = json_object_new_object(), *misc = json_object_new_object();
	json_object *src = json_field(kb, "source"), *series = json_field(kb, "series");
	const char *kind = json_text(src, "kind", "unknown");
	const char *series_hash = json_text(series, "sha256_16", "");
	char comment[512];

	if (strcmp(kind, "tree") == 0) {
		const char *head = json_text(src, "head", "");

		if (is_commit_hash(head))
			kcidb_add_text(c, "git_commit_hash", head);
		kcidb_add_text(c, "git_commit_name", json_text(src, "describe", NULL));
		copy_field(misc, "tree_path", src, "path");
		copy_field(misc, "dirty", src, "dirty");
		copy_field(misc, "dirty_hash", src, "dirty_hash");
		snprintf(comment, sizeof(comment), "git tree %s", json_text(src, "describe", head));
		snprintf(key, size, "tree\n%s\n%s\n%s", head, json_text(src, "dirty_hash", ""),
			 series_hash);
	} else {
		kcidb_add_text(c, "tree_name", "debian");
		copy_field(misc, "source_package", src, "package");
		copy_field(misc, "source_version", src, "version");
		copy_field(misc, "source_sha256", src, "sha256");
		snprintf(comment, sizeof(comment), "Debian %s %s", json_text(src, "package", "?"),
			 json_text(src, "version", "?"));
		snprintf(key, size, "%s\n%s\n%s\n%s", kind, json_text(src, "package", ""),
			 json_text(src, "sha256", ""), series_hash);
	}
	json_object_object_add(misc, "source_kind", json_object_new_string(kind));
	if (json_object_is_type(series, json_type_object)) {
		json_object *s = json_object_new_object();

		copy_field(s, "sha256_16", series, "sha256_16");
		json_object_object_add(s, "patches",
				       json_object_new_int64((int64_t)json_length(
					       json_field(series, "patches"))));
		json_object_object_add(misc, "series", s);
	}
	kcidb_add_text(c, "comment", comment);
	json_object_object_add(c, "misc", misc);
	return c;
}

/* The checkout of a Debian binary kernel: only its release is known. */
static json_object *binary_checkout(const char *release, const char *banner, char *key,
				    size_t size)
{
	json_object *c = json_object_new_object(), *misc = json_object_new_object();
	const char *deb = strstr(banner, " Debian ");
	char comment[256];

	kcidb_add_text(c, "tree_name", "debian");
	snprintf(comment, sizeof(comment), "Debian's binary kernel %s", release);
	kcidb_add_text(c, "comment", comment);
	if (deb) {
		char version[128];

		snprintf(version, sizeof(version), "%s", deb + strlen(" Debian "));
		version[strcspn(version, " ")] = '\0';
		kcidb_add_text(misc, "debian_version", version);
	}
	kcidb_add_text(misc, "kernel_release", release);
	json_object_object_add(c, "misc", misc);
	snprintf(key, size, "debian-binary\n%s", release);
	return c;
}

static void add_checkout(json_object *doc, json_object *c, const char *origin, const char *key,
			 char *id, size_t size)
{
	json_object *list = json_field(doc, "checkouts");

	kcidb_id(id, size, origin, "checkout", key);
	if (kcidb_has_id(list, id)) {
		json_object_put(c);
		return;
	}
	json_object_object_add(c, "id", json_object_new_string(id));
	json_object_object_add(c, "origin", json_object_new_string(origin));
	json_object_object_add(c, "valid", json_object_new_boolean(1));
	json_object_array_add(list, c);
}

/* "debian" and the fragments the rig added: "debian+rig+debug". */
static void config_name(json_object *kb, char *out, size_t size)
{
	json_object *fragments = json_field(kb, "fragments");

	snprintf(out, size, "debian");
	for (size_t i = 0; i < json_length(fragments); i++) {
		const char *f = json_object_get_string(json_object_array_get_idx(fragments, i));
		size_t n = strlen(out);

		snprintf(out + n, size - n, "+%s", f ? f : "");
	}
}

void kcidb_add_kernel(json_object *doc, const struct result_view *v, const char *origin,
		      char *build_id, size_t size)
{
	json_object *kb = json_field(v->root, "kernel_build"), *build, *misc;
	const char *release = json_text(kb, "release", json_text(v->root, "kernel", "unknown"));
	const char *arch = architecture(v, release);
	char banner[BANNER_MAX], key[2048], checkout_id[KCIDB_ID_MAX], config[256], compiler[256];
	bool built = json_object_is_type(kb, json_type_object);
	json_object *c;

	read_banner(v->path, banner, sizeof(banner));
	c = built ? built_checkout(kb, key, sizeof(key))
		  : binary_checkout(release, banner, key, sizeof(key));
	add_checkout(doc, c, origin, key, checkout_id, sizeof(checkout_id));

	if (built) {
		snprintf(key, sizeof(key), "built\n%s", json_text(kb, "key", release));
		config_name(kb, config, sizeof(config));
		snprintf(compiler, sizeof(compiler), "%s", json_text(kb, "compiler", ""));
	} else {
		snprintf(key, sizeof(key), "debian-binary\n%s", release);
		snprintf(config, sizeof(config), "debian");
		banner_compiler(banner, compiler, sizeof(compiler));
	}
	kcidb_id(build_id, size, origin, "build", key);
	if (kcidb_has_id(json_field(doc, "builds"), build_id))
		return;
	build = json_object_new_object();
	misc = json_object_new_object();
	json_object_object_add(build, "id", json_object_new_string(build_id));
	json_object_object_add(build, "origin", json_object_new_string(origin));
	json_object_object_add(build, "checkout_id", json_object_new_string(checkout_id));
	kcidb_add_text(build, "architecture", arch);
	kcidb_add_text(build, "compiler", compiler);
	kcidb_add_text(build, "config_name", config);
	kcidb_add_text(build, "comment", built ? "built by the rig (harness/vlab/kbuild.sh)"
				       : "Debian's binary kernel package");
	if (built && kcidb_time_ok(json_text(kb, "built", NULL)))
		kcidb_add_text(build, "start_time", json_text(kb, "built", NULL));
	/* A kernel that booted into a run was built. */
	json_object_object_add(build, "status", json_object_new_string("PASS"));
	kcidb_add_text(misc, "kernel_release", release);
	if (built) {
		copy_field(misc, "key", kb, "key");
		copy_field(misc, "spec", kb, "spec");
		copy_field(misc, "fragments_sha256_16", kb, "fragments_sha256_16");
	}
	kcidb_add_text(misc, "linux_banner", banner);
	json_object_object_add(build, "misc", misc);
	json_object_array_add(json_field(doc, "builds"), build);
}
