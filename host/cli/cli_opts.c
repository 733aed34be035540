/* SPDX-License-Identifier: MIT */
/*
 * The option table: every option of irqlab is one row here, with its setter, its usage line and
 * the commands that accept it (git's and kvmtool's parse-options OPT_* arrays). cli.c parses
 * argv and writes the usage text from these rows; nothing else lists the options.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "abi/layout.h"
#include "cli.h"
#include "gdb.h"
#include "progress.h"

/* A setter is taken by address: a row cannot be built without one (`&NULL` does not compile). */
#define OPT_VALUE(name, arg, setter, verbs, help) { name, 0, arg, &setter, help, verbs, false }
#define OPT_FLAG(name, shrt, setter, verbs, help) { name, shrt, NULL, &setter, help, verbs, false }
#define OPT_WINS(name, shrt, setter, help)        { name, shrt, NULL, &setter, help, VERB_ALL, true }
#define OPT_GROUP(heading, verbs)                 { NULL, 0, NULL, NULL, heading, verbs, false }

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || end == s || *end || *out < lo || *out > hi ? -1 : 0;
}

/* The index of `val` in `names` (NULL-terminated), or -EINVAL with "--opt: 'v' is not 'a' or 'b'". */
static int choose(const char *opt, const char *val, const char *const *names, struct reason *why)
{
	char list[128] = "";
	size_t n = 0, len = 0;

	for (; names[n]; n++)
		if (!strcmp(val, names[n]))
			return (int)n;
	for (size_t i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s'%s'",
					!i ? "" : i + 1 == n ? " or " : ", ", names[i]);
	return failf(why, -EINVAL, "--%s: '%s' is not %s", opt, val, list);
}

static int set_cpus(struct opts *o, const char *val, struct reason *why)
{
	long v;

	if (parse_int(val, 1, CLI_MAX_CPUS, &v))
		return failf(why, -EINVAL, "--cpus: '%s' is not a number from 1 to %d (IRQLAB_MAX_CPUS: the guest's per-CPU slots)", val, CLI_MAX_CPUS);
	o->cpus = (int)v;
	return 0;
}

static int set_mem(struct opts *o, const char *val, struct reason *why)
{
	o->mem_size = cli_parse_size(val);
	o->mem_given = true;
	if (o->mem_size < LAYOUT_MEM_MIN || o->mem_size > LAYOUT_MEM_MAX || (o->mem_size & 0xFFF))
		return failf(why, -EINVAL, "--mem: '%s' is not a size from 4M to 3G (e.g. 64M, 1G)", val);
	return 0;
}

static int set_irqchip(struct opts *o, const char *val, struct reason *why)
{
	int i = choose("irqchip", val, (const char *const[]){ "kernel", "split", NULL }, why);

	o->split_irqchip = i == 1;
	return i < 0 ? i : 0;
}

static int set_timeout(struct opts *o, const char *val, struct reason *why)
{
	char *end;

	errno = 0;
	o->timeout_s = strtod(val, &end);
	if (errno || end == val || *end || !(o->timeout_s >= 0 && o->timeout_s <= 86400))
		return failf(why, -EINVAL, "--timeout: '%s' is not a number of seconds from 0 to 86400", val);
	return 0;
}

/* An empty pattern would select nothing, or everything: neither is what was meant. */
static int set_test(struct opts *o, const char *val, struct reason *why)
{
	size_t n = strlen(val);

	if (!n)
		return failf(why, -EINVAL, "--test: empty pattern (give suite, suite.test or a glob)");
	if (val[0] == ',' || val[n - 1] == ',' || strstr(val, ",,"))
		return failf(why, -EINVAL, "--test: '%s' has an empty pattern between its commas", val);
	o->tests = val;
	return 0;
}

static int set_list(struct opts *o, const char *val, struct reason *why)
{
	o->list = true;
	return 0;
}

static int set_format(struct opts *o, const char *val, struct reason *why)
{
	static const enum report_format fmt[] = { FMT_KTAP, FMT_JSON, FMT_TAP };
	int i = choose("format", val, (const char *const[]){ "ktap", "json", "tap", NULL }, why);

	o->fmt = fmt[i < 0 ? 0 : i];
	return i < 0 ? i : 0;
}

static int set_junit(struct opts *o, const char *val, struct reason *why)
{
	o->junit = val;
	return 0;
}

static int set_serial(struct opts *o, const char *val, struct reason *why)
{
	o->serial = !strcmp(val, "stderr") ? NULL : val;
	o->serial_given = true;
	return 0;
}

static int set_stats(struct opts *o, const char *val, struct reason *why)
{
	o->stats = true;
	return 0;
}

static int set_no_sandbox(struct opts *o, const char *val, struct reason *why)
{
	o->no_sandbox = true;
	return 0;
}

static int set_test_forbidden_syscall(struct opts *o, const char *val, struct reason *why)
{
	o->test_forbidden_syscall = true;
	return 0;
}

static int set_mce_banks(struct opts *o, const char *val, struct reason *why)
{
	long v;

	if (parse_int(val, 0, 32, &v))
		return failf(why, -EINVAL, "--mce-banks: '%s' is not a number from 0 to 32", val);
	o->mce_banks = (int)v;
	o->mce_banks_given = true;
	return 0;
}

static int set_cpu_vendor(struct opts *o, const char *val, struct reason *why)
{
	static const enum cpu_vendor vendors[] = { VENDOR_HOST, VENDOR_INTEL, VENDOR_AMD };
	int i = choose("cpu-vendor", val, (const char *const[]){ "host", "intel", "amd", NULL }, why);

	if (i < 0)
		return i;
	o->vendor = vendors[i];
	return 0;
}

static int set_inject_mce(struct opts *o, const char *val, struct reason *why)
{
	int r;

	if (o->ninject == CLI_MAX_INJECT)
		return failf(why, -EINVAL, "--inject-mce: at most %d injections", CLI_MAX_INJECT);
	r = mce_parse_spec(val, &o->inject[o->ninject], why);
	o->ninject += r == 0;
	return r;
}

static int set_append(struct opts *o, const char *val, struct reason *why)
{
	o->append = val;
	return 0;
}

static int set_initrd(struct opts *o, const char *val, struct reason *why)
{
	o->initrd = val;
	return 0;
}

static int set_exit_status(struct opts *o, const char *val, struct reason *why)
{
	int i = choose("exit-status", val, (const char *const[]){ "irqlab", "qemu", NULL }, why);

	o->qemu_status = i == 1;
	return i < 0 ? i : 0;
}

static int set_gdb(struct opts *o, const char *val, struct reason *why)
{
	char host[64];
	int port, r = gdb_parse_addr(val, host, sizeof(host), &port, why);

	o->gdb = r < 0 ? NULL : val;
	return r;
}

static int set_trace(struct opts *o, const char *val, struct reason *why)
{
	if (!*val)
		return failf(why, -EINVAL, "--trace: empty file name");
	o->trace = val;
	return 0;
}

static int set_progress(struct opts *o, const char *val, struct reason *why)
{
	o->progress = PROGRESS_ON;
	return 0;
}

static int set_quiet(struct opts *o, const char *val, struct reason *why)
{
	o->progress = PROGRESS_OFF;
	return 0;
}

static int set_help(struct opts *o, const char *val, struct reason *why)
{
	o->help = true;
	return 0;
}

static int set_version(struct opts *o, const char *val, struct reason *why)
{
	o->version = true;
	return 0;
}

#define RB (VERB_RUN | VERB_BOOT)

const struct cli_option cli_options[] = {
	OPT_GROUP("options of run, boot and check:", VERB_ALL),
	OPT_VALUE("cpus", "N", set_cpus, VERB_ALL, "vCPUs (default 2; boot: 1); APs wait for INIT from the guest"),
	OPT_VALUE("mem", "SIZE", set_mem, VERB_ALL, "guest RAM, e.g. 64M or 1G (default 64M)"),
	OPT_VALUE("irqchip", "MODE", set_irqchip, VERB_ALL,
		  "kernel (default) or split (LAPIC in KVM, IOAPIC/PIC in irqlab)"),
	OPT_VALUE("timeout", "SEC", set_timeout, VERB_ALL, "end a hung guest after SEC seconds (default 30; 0 = never)"),
	OPT_VALUE("test", "PATTERNS", set_test, VERB_ALL,
		  "run only tests matching comma-separated globs on suite or suite.test"),
	OPT_VALUE("format", "FMT", set_format, VERB_ALL, "ktap (default), json, or tap (TAP 13, nested lines as comments)"),
	OPT_VALUE("junit", "FILE", set_junit, VERB_ALL, "also write a JUnit XML report"),
	OPT_VALUE("mce-banks", "N", set_mce_banks, VERB_ALL, "machine-check banks per vCPU (default 10, 0 = no MCE)"),
	OPT_VALUE("cpu-vendor", "V", set_cpu_vendor, VERB_ALL, "CPUID vendor the guest sees: host (default), intel or amd"),
	OPT_FLAG("no-sandbox", 0, set_no_sandbox, VERB_ALL, "no seccomp filter, capabilities kept: for debugging (docs/security.md)"),
	OPT_FLAG("test-forbidden-syscall", 0, set_test_forbidden_syscall, VERB_ALL, NULL),
	OPT_VALUE("trace", "FILE", set_trace, VERB_ALL, "write a timeline of the run (Chrome trace JSON: Perfetto,\n"
		  "chrome://tracing; docs/trace.md)"),
	OPT_FLAG("progress", 0, set_progress, VERB_ALL, "a progress line on stderr even when it is not a terminal"),
	OPT_FLAG("quiet", 'q', set_quiet, VERB_ALL, "no progress line, even on a terminal (default: one when stderr is a tty)"),
	OPT_GROUP("run and boot:", RB),
	OPT_FLAG("list", 0, set_list, RB, "list the image's tests (suite.test) and exit"),
	OPT_VALUE("serial", "DEST", set_serial, RB, "guest COM1 output: stderr (default), - for stdout, none, or a file"),
	OPT_FLAG("stats", 0, set_stats, RB, "timing and memory figures on stderr (bench/bench.py reads them)"),
	OPT_VALUE("inject-mce", "SPEC", set_inject_mce, RB, "cpu=N,bank=N,status=X[,addr=X,misc=X,mcg=X,after=MS]: inject a\n"
		  "machine check MS ms after start (repeatable; docs/cli.md)"),
	OPT_VALUE("gdb", "[HOST:]PORT", set_gdb, RB, "wait for gdb on HOST (127.0.0.1):PORT before the first\n"
		  "instruction; --timeout is off (docs/gdb.md)"),
	OPT_GROUP("multiboot kernels (run and boot):", RB),
	OPT_VALUE("append", "ARGS", set_append, RB, "kernel command line after argv[0] (the image name)"),
	OPT_VALUE("initrd", "FILE", set_initrd, RB, "one multiboot module, e.g. a KEY=VALUE environment file"),
	OPT_VALUE("exit-status", "MODE", set_exit_status, RB,
		  "irqlab (default: 0 pass, 1 fail, 77 skip, 3 crash/timeout) or\n"
		  "qemu (QEMU's own: (v<<1)|1 from debug-exit, 0 crash, 124 timeout)"),
	OPT_GROUP("anywhere on the line:", VERB_ALL),
	OPT_WINS("help", 'h', set_help, "this text (also `irqlab help`)"),
	OPT_WINS("version", 0, set_version, "irqlab's version"),
};

const size_t cli_noptions = sizeof(cli_options) / sizeof(cli_options[0]);
