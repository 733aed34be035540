/* SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/layout.h"
#include "util.h"

uint64_t cli_parse_size(const char *s)
{
	char *end;
	const char *unit;
	unsigned long long v;
	uint64_t mult = 1ull << 20;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return 0;
	unit = end;
	switch (*end) {
	case 'K': case 'k': mult = 1ull << 10; end++; break;
	case 'M': case 'm': mult = 1ull << 20; end++; break;
	case 'G': case 'g': mult = 1ull << 30; end++; break;
	default: break;
	}
	if (end > unit && (*end == 'i' || *end == 'B'))   /* KiB, MB...: "64B" is not 64 MiB */
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v > UINT64_MAX / mult)
		return 0;
	return v * mult;
}

static const char usage_head[] =
	"usage: irqlab [run] [options] [IMAGE]\n"
	"       irqlab boot [options] IMAGE\n"
	"       irqlab check [options] [IMAGE]\n"
	"Run an x86-64 test kernel (default: the built-in guest) under KVM and report KTAP;\n"
	"`boot` (or `run` with a multiboot image) starts a multiboot v1 kernel the way QEMU's\n"
	"-kernel does, with its serial output on stdout. `check` reports this KVM's capabilities\n"
	"and runs each architectural check in a VM of its own (docs/check.md).\n";

static const char usage_tail[] =
	"--help and --version act whatever else is on the line.\n"
	"Exit status: 0 passed, 1 a test failed, 2 usage or input error, 3 guest crashed,\n"
	"broke the protocol or timed out, 77 skipped (no usable /dev/kvm or capability).\n";

#define USAGE_COLUMN 22  /* where the help text of an option starts */

static void write_row(FILE *out, const struct cli_option *opt)
{
	char left[64];
	int n;

	if (!opt->name) {
		fprintf(out, "\n%s\n", opt->help);
		return;
	}
	if (opt->short_name)
		n = snprintf(left, sizeof(left), "  -%c, --%s", opt->short_name, opt->name);
	else
		n = snprintf(left, sizeof(left), "  --%s%s%s", opt->name, opt->arg ? " " : "", opt->arg ? opt->arg : "");
	fprintf(out, "%s%*s", left, n < USAGE_COLUMN ? USAGE_COLUMN - n : 1, "");
	for (const char *p = opt->help;; p++) {
		size_t len = strcspn(p, "\n");

		fprintf(out, "%.*s\n", (int)len, p);
		p += len;
		if (!*p)
			break;
		fprintf(out, "%*s", USAGE_COLUMN, "");
	}
}

void cli_write_usage(FILE *out)
{
	fputs(usage_head, out);
	for (size_t i = 0; i < cli_noptions; i++)
		if (cli_options[i].help)          /* no help line: a test-only option */
			write_row(out, &cli_options[i]);
	fputs("\n", out);
	fputs(usage_tail, out);
}

const char *cli_verb_name(enum cli_verb v)
{
	return v == VERB_BOOT ? "boot" : v == VERB_CHECK ? "check" : "run";
}

/* The row for argv[i]: "--name", "--name=value" (value rows only) or "-x". *val: after '='. */
static const struct cli_option *lookup(const char *arg, const char **val)
{
	const char *name = arg + 2, *eq = strchr(arg, '=');
	size_t len;

	*val = NULL;
	if (arg[0] != '-' || !arg[1])
		return NULL;  /* "-" is an image name, not an option */
	len = arg[1] != '-' ? 0 : eq ? (size_t)(eq - name) : strlen(name);
	for (size_t i = 0; i < cli_noptions; i++) {
		const struct cli_option *opt = &cli_options[i];

		if (!opt->name)
			continue;
		if (arg[1] != '-') {
			if (opt->short_name && arg[1] == opt->short_name && !arg[2])
				return opt;
			continue;
		}
		if (strlen(opt->name) != len || strncmp(name, opt->name, len) || (eq && !opt->arg))
			continue;
		*val = eq ? eq + 1 : NULL;
		return opt;
	}
	return NULL;
}

/* --help and --version act whatever else is on the line, even a bad option before them. */
static bool winner(int argc, char **argv, struct opts *o)
{
	const char *val;

	for (int i = 1; i < argc; i++) {
		const struct cli_option *opt = lookup(argv[i], &val);

		if (opt && opt->wins && !val) {
			opt->set(o, NULL, NULL);
			return true;
		}
	}
	return false;
}

static int parse_option(struct opts *o, int argc, char **argv, int *i, struct reason *why)
{
	const char *val;
	const struct cli_option *opt = lookup(argv[*i], &val);

	if (!opt)
		return failf(why, -EINVAL, "unknown option '%s' (irqlab --help lists them)", argv[*i]);
	if (!(opt->verbs & o->verb))
		return failf(why, -EINVAL, "--%s is not an option of irqlab %s (irqlab --help lists them)",
			     opt->name, cli_verb_name(o->verb));
	if (opt->arg && !val) {
		if (*i + 1 >= argc)
			return failf(why, -EINVAL, "--%s needs a value", opt->name);
		val = argv[++*i];
	}
	return opt->set(o, val, why);
}

static int first_arg(int argc, char **argv, struct opts *o)
{
	static const struct { const char *name; enum cli_verb verb; } verbs[] = {
		{ "run", VERB_RUN }, { "boot", VERB_BOOT }, { "check", VERB_CHECK },
	};

	o->verb = VERB_RUN;
	if (argc > 1 && !strcmp(argv[1], "help")) {  /* `irqlab help` is `irqlab --help` */
		o->help = true;
		return 2;
	}
	for (size_t k = 0; argc > 1 && k < sizeof(verbs) / sizeof(verbs[0]); k++)
		if (!strcmp(argv[1], verbs[k].name)) {
			o->verb = verbs[k].verb;
			return 2;
		}
	return 1;
}

int cli_parse(int argc, char **argv, struct opts *o, struct reason *why)
{
	int i;

	*o = (struct opts){ .cpus = CLI_DEFAULT_CPUS, .mem_size = LAYOUT_MEM_DEFAULT, .timeout_s = CLI_DEFAULT_TIMEOUT_S,
			    .mce_banks = MCE_DEFAULT_BANKS };
	i = first_arg(argc, argv, o);
	if (o->verb == VERB_BOOT)
		o->cpus = CLI_BOOT_DEFAULT_CPUS;
	o->boot = o->verb == VERB_BOOT;
	o->check = o->verb == VERB_CHECK;
	if (o->help || winner(argc, argv, o))
		return 0;
	for (; i < argc; i++) {
		int r;

		if (argv[i][0] != '-' || !strcmp(argv[i], "-")) {
			if (o->image)
				return failf(why, -EINVAL, "more than one image given ('%s' and '%s')", o->image, argv[i]);
			o->image = argv[i];
			continue;
		}
		r = parse_option(o, argc, argv, &i, why);
		if (r < 0)
			return r;
	}
	if (o->boot && !o->image)
		return failf(why, -EINVAL, "irqlab boot needs an IMAGE (a multiboot kernel)");
	if (o->boot && !o->mem_given)
		o->mem_size = CLI_BOOT_DEFAULT_MEM;
	return 0;
}
