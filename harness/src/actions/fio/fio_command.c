// SPDX-License-Identifier: GPL-2.0
/* fio's command line for a fio step. */
#include "actions/fio/fio_command.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numparse.h"

__attribute__((format(printf, 2, 3)))
static void arg(struct fio_command *cmd, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	cmd->argv = realloc(cmd->argv, (cmd->argc + 2) * sizeof(*cmd->argv));
	if (!cmd->argv)
		abort();
	cmd->argv[cmd->argc++] = s;
	cmd->argv[cmd->argc] = NULL;
}

void fio_job_name(char *buf, size_t size, bool write, uint64_t bs, uint32_t iodepth)
{
	char shown[SIZE_TEXT_MAX];

	format_size(bs, shown, sizeof(shown));
	snprintf(buf, size, "%s-%s-qd%" PRIu32, write ? "write" : "read", shown, iodepth);
}

static void job(struct fio_command *cmd, bool write, bool verify, uint64_t bs, uint32_t iodepth)
{
	char name[64];

	fio_job_name(name, sizeof(name), write, bs, iodepth);
	arg(cmd, "--name=%s", name);
	arg(cmd, "--rw=%s", write ? "write" : "read");
	arg(cmd, "--bs=%" PRIu64, bs);
	arg(cmd, "--iodepth=%" PRIu32, iodepth);
	if (write && verify)
		arg(cmd, "--do_verify=0");
	arg(cmd, "--stonewall");
}

void fio_command_build(const struct fio_command_input *in, struct fio_command *cmd)
{
	const struct fio_params *f = in->params;
	bool write_read = f->rw == FIO_RW_WRITE_READ;

	memset(cmd, 0, sizeof(*cmd));
	arg(cmd, "fio");
	arg(cmd, "--output-format=json");
	arg(cmd, "--output=%s", in->json_path);
	arg(cmd, "--filename=%s", in->device);
	arg(cmd, "--direct=1");
	arg(cmd, "--ioengine=%s", fio_engine_name(f->engine));
	arg(cmd, "--size=%" PRIu64, f->size);
	arg(cmd, "--offset=%" PRIu64, in->offset);
	if (write_read) {
		arg(cmd, "--verify=crc32c");
		/* fio would write a state file into its cwd; nothing needs it. */
		arg(cmd, "--verify_state_save=0");
	}
	if (in->iomem_path)
		arg(cmd, "--iomem=mmapshared:%s", in->iomem_path);
	for (size_t i = 0; i < io_matrix_count(&f->matrix); i++) {
		uint64_t bs;
		uint32_t depth;

		io_matrix_at(&f->matrix, i, &bs, &depth);
		if (write_read)
			job(cmd, true, true, bs, depth);
		job(cmd, false, write_read, bs, depth);
	}
}

/* Single-quotes a word unless it is made of characters no shell treats specially. */
static void put_word(FILE *f, const char *w)
{
	if (*w && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			   "-_=.,:/+@%") == strlen(w)) {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (; *w; w++) {
		if (*w == '\'')
			fputs("'\\''", f);
		else
			fputc(*w, f);
	}
	fputc('\'', f);
}

char *fio_command_text(const struct fio_command *cmd)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		abort();
	for (size_t i = 0; i < cmd->argc; i++) {
		if (i)
			fputc(' ', f);
		put_word(f, cmd->argv[i]);
	}
	fclose(f);
	return text;
}

void fio_command_free(struct fio_command *cmd)
{
	for (size_t i = 0; i < cmd->argc; i++)
		free(cmd->argv[i]);
	free(cmd->argv);
	memset(cmd, 0, sizeof(*cmd));
}
