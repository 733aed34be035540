/* SPDX-License-Identifier: MIT */
/* The option table (host/cli/cli_opts.c) that drives both cli_parse and the usage text: every row is
 * whole, the usage text shows every option under a heading that tells the truth about which
 * commands take it, and docs/cli.md (argv[1]) documents every option. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tap.h"

/* A row without a help line is a test-only option (docs/cli.md): it stays out of --help. */
#define TEST_ONLY(r) (!(r)->help)

/* Every option row has a setter, a usage line and at least one command; headings have no
 * setter; names and short names are unique. */
static void test_rows(void)
{
	size_t options = 0, bad = 0;

	for (size_t i = 0; i < cli_noptions; i++) {
		const struct cli_option *r = &cli_options[i];

		if (!r->name) {
			ok(!r->set && r->help && *r->help && r->verbs, "heading '%s': text and commands, no setter",
			   r->help ? r->help : "(null)");
			continue;
		}
		options++;
		bad += !ok(r->set != NULL, "--%s has a setter", r->name);
		bad += !ok(TEST_ONLY(r) || (*r->help && r->help[strlen(r->help) - 1] != '\n'),
			   "--%s has a usage line (or is test-only)", r->name);
		bad += !ok(r->verbs && !(r->verbs & ~VERB_ALL), "--%s: accepted by some command", r->name);
		bad += !ok(r->name[0] && r->name[0] != '-' && !strchr(r->name, '='), "--%s: a plain name", r->name);
		for (size_t k = 0; k < i; k++) {
			const struct cli_option *q = &cli_options[k];

			if (q->name && (!strcmp(q->name, r->name) || (r->short_name && q->short_name == r->short_name)))
				bad += !ok(false, "--%s and --%s: names collide", q->name, r->name);
		}
	}
	ok(options >= 18, "the table holds the 18 options irqlab had when it was made (%zu)", options);
	ok(cli_options[0].name == NULL, "the usage text starts with a heading");
	is_int((long long)bad, 0, "no row is incomplete");
}

/* A heading says which commands its options belong to: each option takes exactly those. */
static void test_headings(void)
{
	const struct cli_option *heading = NULL;

	for (size_t i = 0; i < cli_noptions; i++) {
		if (!cli_options[i].name)
			heading = &cli_options[i];
		else if (heading)
			is_int(cli_options[i].verbs, heading->verbs, "--%s: the commands of heading '%s'",
			       cli_options[i].name, heading->help);
	}
}

static char *usage_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cli_write_usage(f);
	fclose(f);
	return buf;
}

/* The usage text is generated from the rows: each option and its value name appears, lines
 * stay within 100 columns. */
static void test_usage(void)
{
	char *text = usage_text(), want[96];
	size_t longest = 0;

	like_str(text, "usage: irqlab [run] [options] [IMAGE]\n", "usage text: synopsis first");
	for (size_t i = 0; i < cli_noptions; i++) {
		const struct cli_option *r = &cli_options[i];

		if (!r->name) {
			snprintf(want, sizeof(want), "\n%s\n", r->help);
			like_str(text, want, "usage text: heading '%s'", r->help);
			continue;
		}
		snprintf(want, sizeof(want), "--%s%s%s ", r->name, r->arg ? " " : "", r->arg ? r->arg : "");
		if (TEST_ONLY(r)) {
			ok(!strstr(text, want), "usage text: test-only '%s' left out", want);
			continue;
		}
		like_str(text, want, "usage text: '%s'", want);
		snprintf(want, sizeof(want), "%.*s", (int)strcspn(r->help, "\n"), r->help);
		like_str(text, want, "usage text: --%s's help", r->name);
	}
	like_str(text, "  -h, --help          this text", "usage text: -h beside --help, help at column 22");
	for (char *p = text; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != '\0'))
		if (strcspn(p, "\n") > longest)
			longest = strcspn(p, "\n");
	ok(longest <= 100, "usage text: lines within 100 columns (longest %zu)", longest);
	free(text);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* docs/cli.md documents every option in its table as "| `--name ...". */
static void test_docs(const char *path)
{
	char *doc = read_file(path), want[96];

	if (!ok(doc != NULL, "read %s", path))
		return;
	for (size_t i = 0; i < cli_noptions; i++) {
		if (!cli_options[i].name)
			continue;
		snprintf(want, sizeof(want), "`--%s", cli_options[i].name);
		like_str(doc, want, "docs/cli.md documents --%s", cli_options[i].name);
	}
	free(doc);
}

int main(int argc, char **argv)
{
	test_rows();
	test_headings();
	test_usage();
	if (argc > 1)
		test_docs(argv[1]);
	return done_testing();
}
