// SPDX-License-Identifier: GPL-2.0
/*
 * p2prig scan-log: the health watch applied to a saved kernel log. The
 * runner watches the log while steps run; the host applies the same rules
 * to dmesg.txt afterwards, which also covers the module's unload. Given a
 * scenario, only lines after its run's marker count and its allow-dmesg
 * lines excuse; without one (the module's own tests) the whole log counts.
 * Between the markers of the rig's own kmemleak scan (health.h), what
 * kmemleak says is the host's debug-checkers check's to judge.
 *
 * --checkers prints only what the kernel's debug checkers reported, each
 * report as its first line, named ("[dma-debug] DMA-API: ..."), and up to
 * SCANLOG_REPORT_LINES of the lines after it, indented by two spaces, with
 * register dumps and the like left out: what the host quotes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "system/health.h"
#include "scenario/scenario.h"
#include "util/strlist.h"

#define SCANLOG_MARKER "p2prig: begin scenario"
/* A report's lines shown, and how far after its first line they are looked for. */
#define SCANLOG_REPORT_LINES 14
#define SCANLOG_REPORT_SCAN 80

/*
 * "[   12.345678] text" -> "text"; a kernel with PRINTK_CALLER (the debug
 * kernel's) has the caller after the time, "[   12.345678] [   T81] text".
 * A log saved with `dmesg -r` (or `p2prig kmsg`) has each record's priority
 * first, "<3>[   12.345678] text": *prio gets it, else HEALTH_PRIO_UNKNOWN.
 * Other lines are taken whole.
 */
static const char *scanlog_text(const char *line, int *prio)
{
	const char *text, *p;
	size_t digits;
	char *end;
	long n;

	*prio = HEALTH_PRIO_UNKNOWN;
	if (line[0] == '<' && line[1] >= '0' && line[1] <= '9') {
		n = strtol(line + 1, &end, 10);
		if (*end == '>' && n <= 1023) {
			*prio = (int)n;
			line = end + 1;
		}
	}
	if (line[0] != '[' || !(text = strchr(line, ']')))
		return line;
	text += 1 + strspn(text + 1, " ");
	if (text[0] != '[')
		return text;
	p = text + 1 + strspn(text + 1, " ");
	if (*p != 'T' && *p != 'C')
		return text;
	digits = strspn(p + 1, "0123456789");
	if (!digits || p[1 + digits] != ']')
		return text;
	p += 2 + digits;
	return p + strspn(p, " ");
}

/* Lines of a report that say nothing about what went wrong. */
static bool scanlog_noise(const char *text)
{
	static const char *const prefixes[] = {
		"------------[ cut here", "Modules linked in:", "CPU: ", "Tainted: ",
		"Hardware name:", "RIP: ", "Code: ", "RSP: ", "RAX: ", "RDX: ", "RBP: ",
		"R10: ", "R13: ", "FS: ", "CS: ", "CR2: ", "DR0: ", "DR3: ", "PKRU: ",
		"<TASK>", "</TASK>", "<IRQ>", "</IRQ>", "irq event stamp:", "hardirqs last",
		"softirqs last", "? ",
	};

	/* Empty, or a rule of dashes or equals signs (KASAN's, lockdep's). */
	if (text[strspn(text, "-=")] == '\0')
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(text, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static bool scanlog_rig_marker(const char *text)
{
	return strstr(text, SCANLOG_MARKER) || strstr(text, HEALTH_LEAK_SCAN_BEGIN) ||
	       strstr(text, HEALTH_LEAK_SCAN_END);
}

/*
 * The lines after a checker's first line, up to the next report or rig
 * marker. A WARN's report ends at "---[ end trace"; dma-debug then prints
 * where the mapping was made ("DMA-API: Mapped at:"), which belongs to it.
 */
static void scanlog_print_report(const struct strlist *lines, size_t first)
{
	size_t shown = 0;

	for (size_t i = first; i < lines->n && i < first + SCANLOG_REPORT_SCAN; i++) {
		int prio;
		const char *text = scanlog_text(lines->items[i], &prio);

		if (shown == SCANLOG_REPORT_LINES || health_text_checker(text) ||
		    scanlog_rig_marker(text))
			return;
		if (strstr(text, "---[ end trace")) {
			if (i + 1 < lines->n &&
			    strstr(lines->items[i + 1], "DMA-API: Mapped at:"))
				continue;
			return;
		}
		if (scanlog_noise(text))
			continue;
		printf("  %s\n", text);
		shown++;
	}
}

static int scanlog_read(const char *path, struct strlist *lines)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	FILE *log = fopen(path, "r");

	if (!log) {
		perror(path);
		return -1;
	}
	while ((n = getline(&line, &size, log)) >= 0) {
		line[strcspn(line, "\r\n")] = '\0';
		strlist_add(lines, line);
	}
	free(line);
	fclose(log);
	return 0;
}

int cmd_scan_log(int argc, char **argv)
{
	struct scenario sc = { 0 };
	struct strlist lines = { 0 };
	char finding[1100];
	bool after_marker, in_leak_scan = false, checkers = false;
	unsigned int found = 0;

	if (argc >= 2 && !strcmp(argv[1], "--checkers")) {
		checkers = true;
		argc--;
		argv++;
	}
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: p2prig scan-log [--checkers] DMESG_FILE [SCENARIO_FILE]\n");
		return 2;
	}
	after_marker = argc == 2;
	if (argc == 3 && scenario_parse_file(argv[2], &sc)) {
		scenario_print_errors(&sc, stderr);
		scenario_free(&sc);
		return 2;
	}
	if (scanlog_read(argv[1], &lines)) {
		scenario_free(&sc);
		return 2;
	}
	for (size_t i = 0; i < lines.n; i++) {
		int prio;
		const char *text = scanlog_text(lines.items[i], &prio);
		const char *checker;
		bool lost = strstr(text, HEALTH_LOST_RECORDS) != NULL;

		/* What was lost may have held the marker: the rest counts. */
		if (strstr(text, SCANLOG_MARKER) || lost)
			after_marker = true;
		if (strstr(text, HEALTH_LEAK_SCAN_BEGIN))
			in_leak_scan = true;
		else if (strstr(text, HEALTH_LEAK_SCAN_END))
			in_leak_scan = false;
		/* Lost records are a finding: no allow-dmesg excuses what nobody read. */
		if (!after_marker || (!lost && (!health_line_is_suspect(prio, text) ||
						health_text_is_allowed(text, sc.allows, sc.n_allows))))
			continue;
		checker = health_text_checker(text);
		if (in_leak_scan && checker && !strcmp(checker, "kmemleak"))
			continue;
		if (checkers && !checker)
			continue;
		health_finding_text(text, finding, sizeof(finding));
		printf("%s\n", finding);
		found++;
		if (checkers)
			scanlog_print_report(&lines, i + 1);
	}
	strlist_free(&lines);
	scenario_free(&sc);
	if (!after_marker && !checkers) {
		fprintf(stderr, "%s: no \"%s\" marker: the runner never started\n", argv[1],
			SCANLOG_MARKER);
		return 1;
	}
	return found ? 1 : 0;
}
