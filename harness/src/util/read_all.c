// SPDX-License-Identifier: GPL-2.0
/* Reading a stream to its end, into memory. */
#include "util/read_all.h"

#include <stdlib.h>

char *read_all_and_close(FILE *f, size_t *size, bool *read_error)
{
	char *text = NULL;
	FILE *mem = open_memstream(&text, size);
	char chunk[8192];
	size_t n;

	if (!mem)
		abort();
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	*read_error = ferror(f) != 0;
	fclose(f);
	fclose(mem);
	return text;
}
