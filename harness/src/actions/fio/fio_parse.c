// SPDX-License-Identifier: GPL-2.0
/* `step NAME fio ...` lines: their keys, and at the end of the file the names they give. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "actions/fio/fio.h"
#include "actions/storage/storage_parse.h"
#include "util/numparse.h"

/* Keys of `step NAME fio ...`, in the order the README lists them. */
enum fio_key { FK_STORAGE, FK_BUFFER, FK_SIZES, FK_IODEPTHS, FK_SIZE, FK_ENGINE, FK_RW, FK_OFFSET,
	       FK_TIMEOUT, FIO_KEYS };

static const char fio_key_list[] =
	"storage buffer sizes iodepths size [engine] [rw] [offset] [timeout]";

bool fio_parse_keys(struct parser *p, char **words, size_t n, struct scenario_step *step,
		    struct pending_step *pending)
{
	struct fio_params *f = &step->fio;
	const char *v[FIO_KEYS];
	bool ok = parser_read_keys(p, words, n, fio_key_list, FIO_KEYS, "fio steps", v);

	f->storage = f->buffer = SCENARIO_NO_INDEX;
	f->engine = FIO_ENGINE_LIBAIO;
	f->rw = FIO_RW_WRITE_READ;
	parser_keep_name(pending->storage, v[FK_STORAGE]);
	parser_keep_name(pending->provider, v[FK_BUFFER]);
	ok &= storage_read_matrix(p, v[FK_SIZES], v[FK_IODEPTHS], &f->matrix);
	if (v[FK_SIZE])
		ok &= storage_read_io_size(p, v[FK_SIZE], &f->matrix, UINT64_MAX, &f->size);
	if (v[FK_ENGINE] && !fio_engine_parse(v[FK_ENGINE], &f->engine))
		ok = parser_unknown(p, "fio engine", v[FK_ENGINE], "libaio or io_uring");
	if (v[FK_RW] && !fio_rw_parse(v[FK_RW], &f->rw))
		ok = parser_unknown(p, "rw", v[FK_RW], "write-read or read");
	if (v[FK_OFFSET])
		ok &= parser_read_offset(p, v[FK_OFFSET], &f->offset);
	if (v[FK_TIMEOUT]) {
		uint64_t s = 0;

		if (!parser_read_number(p, "timeout", v[FK_TIMEOUT], &s)) {
			ok = false;
		} else if (s < 1 || s > STORAGE_MAX_FIO_TIMEOUT) {
			ERROR(p, "timeout=%s is out of range (1 to %d seconds)", v[FK_TIMEOUT],
			      STORAGE_MAX_FIO_TIMEOUT);
			ok = false;
		} else {
			f->timeout_s = (uint32_t)s;
		}
	}
	return ok;
}

void fio_check_refs(struct parser *p, struct scenario_step *step,
		    const struct pending_step *pending)
{
	struct fio_params *f = &step->fio;
	bool buffer_ok;

	f->storage = storage_resolve_name(p, "storage", pending->storage);
	f->buffer = storage_resolve_buffer(p, pending->provider, &f->matrix, &buffer_ok);
	if (f->rw == FIO_RW_WRITE_READ)
		storage_check_scratch(p, step, f->storage, "rw=write-read writes before it reads");
	storage_check_fits(p, f->storage, "storage", f->offset, f->size);
}
