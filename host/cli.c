/* SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/layout.h"

const char cli_usage[] =
	"usage: irqlab [run] [options] [IMAGE]\n"
	"       irqlab boot [options] IMAGE\n"
	"       irqlab check [--format ktap|json] [--timeout SEC] [IMAGE]\n"
	"Run an x86-64 test kernel (default: the built-in guest) under KVM and report KTAP;\n"
	"`boot` (or `run` with a multiboot image) starts a multiboot v1 kernel the way QEMU's\n"
	"-kernel does, with its serial output on stdout. `check` reports this KVM's capabilities\n"
	"and runs each architectural check in a VM of its own (docs/check.md).\n"
	"\n"
	"  --cpus N            vCPUs (default 1); APs wait for INIT from the guest\n"
	"  --mem SIZE          guest RAM, e.g. 64M or 1G (default 64M)\n"
	"  --irqchip MODE      kernel (default) or split (LAPIC in KVM, IOAPIC/PIC in irqlab)\n"
	"  --timeout SEC       end a hung guest after SEC seconds (default 30; 0 = never)\n"
	"  --test PATTERNS     run only tests matching comma-separated globs on suite or suite.test\n"
	"  --list              list the image's tests (suite.test) and exit\n"
	"  --format FMT        ktap (default) or json on stdout\n"
	"  --junit FILE        also write a JUnit XML report\n"
	"  --serial DEST       guest COM1 output: stderr (default), - for stdout, none, or a file\n"
	"  --stats             timing and memory figures on stderr (bench/bench.py reads them)\n"
	"  --mce-banks N       machine-check banks per vCPU (default 10, 0 = no MCE)\n"
	"  --cpu-vendor V      CPUID vendor the guest sees: host (default), intel or amd\n"
	"  --inject-mce SPEC   cpu=N,bank=N,status=X[,addr=X,misc=X,mcg=X,after=MS]: inject a\n"
	"                      machine check MS ms after start (repeatable; docs/cli.md)\n"
	"  --no-sandbox        no seccomp filter, capabilities kept: for debugging (docs/security.md)\n"
	"multiboot kernels:\n"
	"  --append ARGS       kernel command line after argv[0] (the image name)\n"
	"  --initrd FILE       one multiboot module, e.g. a KEY=VALUE environment file\n"
	"  --exit-status MODE  irqlab (default: 0 pass, 1 fail, 77 skip, 3 crash/timeout) or\n"
	"                      qemu (QEMU's own: (v<<1)|1 from debug-exit, 0 crash, 124 timeout)\n"
	"  -h, --help          this text;  --version  irqlab's version\n"
	"\n"
	"Exit status: 0 passed, 1 a test failed, 2 usage or input error, 3 guest crashed,\n"
	"broke the protocol or timed out, 77 skipped (no usable /dev/kvm or capability).\n";

__attribute__((format(printf, 3, 4)))
static enum cli_result fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return CLI_ERROR;
}

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

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || end == s || *end || *out < lo || *out > hi ? -1 : 0;
}

static enum cli_result set_value(struct opts *o, const char *name, const char *val, char *err, size_t n)
{
	long v;
	char *end;

	if (!strcmp(name, "cpus")) {
		if (parse_int(val, 1, CLI_MAX_CPUS, &v))
			return fail(err, n, "--cpus: '%s' is not a number from 1 to %d", val, CLI_MAX_CPUS);
		o->cpus = (int)v;
	} else if (!strcmp(name, "mem")) {
		o->mem_size = cli_parse_size(val);
		o->mem_given = true;
		if (o->mem_size < LAYOUT_MEM_MIN || o->mem_size > LAYOUT_MEM_MAX || (o->mem_size & 0xFFF))
			return fail(err, n, "--mem: '%s' is not a size from 4M to 3G (e.g. 64M, 1G)", val);
	} else if (!strcmp(name, "irqchip")) {
		if (strcmp(val, "kernel") && strcmp(val, "split"))
			return fail(err, n, "--irqchip: '%s' is not 'kernel' or 'split'", val);
		o->split_irqchip = !strcmp(val, "split");
	} else if (!strcmp(name, "timeout")) {
		errno = 0;
		o->timeout_s = strtod(val, &end);
		if (errno || end == val || *end || !(o->timeout_s >= 0 && o->timeout_s <= 86400))
			return fail(err, n, "--timeout: '%s' is not a number of seconds from 0 to 86400", val);
	} else if (!strcmp(name, "test")) {
		o->tests = val;
	} else if (!strcmp(name, "format")) {
		if (strcmp(val, "ktap") && strcmp(val, "json"))
			return fail(err, n, "--format: '%s' is not 'ktap' or 'json'", val);
		o->fmt = !strcmp(val, "json") ? FMT_JSON : FMT_KTAP;
	} else if (!strcmp(name, "junit")) {
		o->junit = val;
	} else if (!strcmp(name, "mce-banks")) {
		if (parse_int(val, 0, 32, &v))
			return fail(err, n, "--mce-banks: '%s' is not a number from 0 to 32", val);
		o->mce_banks = (int)v;
		o->mce_banks_given = true;
	} else if (!strcmp(name, "inject-mce")) {
		if (o->ninject == CLI_MAX_INJECT)
			return fail(err, n, "--inject-mce: at most %d injections", CLI_MAX_INJECT);
		if (mce_parse_spec(val, &o->inject[o->ninject], err, n))
			return CLI_ERROR;
		o->ninject++;
	} else if (!strcmp(name, "append")) {
		o->append = val;
	} else if (!strcmp(name, "initrd")) {
		o->initrd = val;
	} else if (!strcmp(name, "cpu-vendor")) {
		if (strcmp(val, "host") && strcmp(val, "intel") && strcmp(val, "amd"))
			return fail(err, n, "--cpu-vendor: '%s' is not 'host', 'intel' or 'amd'", val);
		o->vendor = !strcmp(val, "intel") ? VENDOR_INTEL : !strcmp(val, "amd") ? VENDOR_AMD : VENDOR_HOST;
	} else if (!strcmp(name, "exit-status")) {
		if (strcmp(val, "irqlab") && strcmp(val, "qemu"))
			return fail(err, n, "--exit-status: '%s' is not 'irqlab' or 'qemu'", val);
		o->qemu_status = !strcmp(val, "qemu");
	} else {
		o->serial = !strcmp(val, "stderr") ? NULL : val;
		o->serial_given = true;
	}
	return CLI_OK;
}

static const char *const valued[] = { "cpus", "mem", "irqchip", "timeout", "test", "format", "junit",
				      "serial", "append", "initrd", "exit-status", "mce-banks", "inject-mce",
				      "cpu-vendor" };

static enum cli_result parse_option(struct opts *o, int argc, char **argv, int *i, char *err, size_t n)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);

	if (!strcmp(argv[*i], "-h") || !strcmp(arg, "help"))
		return o->help = true, CLI_OK;
	if (!strcmp(arg, "version"))
		return o->version = true, CLI_OK;
	if (!strcmp(arg, "list"))
		return o->list = true, CLI_OK;
	if (!strcmp(arg, "stats"))
		return o->stats = true, CLI_OK;
	if (!strcmp(arg, "no-sandbox"))
		return o->no_sandbox = true, CLI_OK;
	if (!strcmp(arg, "test-forbidden-syscall"))   /* test-only, not in --help */
		return o->test_forbidden_syscall = true, CLI_OK;
	for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++) {
		if (strlen(valued[k]) != len || strncmp(arg, valued[k], len))
			continue;
		if (!eq && *i + 1 >= argc)
			return fail(err, n, "--%s needs a value", valued[k]);
		return set_value(o, valued[k], eq ? eq + 1 : argv[++*i], err, n);
	}
	return fail(err, n, "unknown option '%s' (irqlab --help lists them)", argv[*i]);
}

enum cli_result cli_parse(int argc, char **argv, struct opts *o, char *err, size_t errlen)
{
	int i = 1;

	*o = (struct opts){ .cpus = 1, .mem_size = LAYOUT_MEM_DEFAULT, .timeout_s = CLI_DEFAULT_TIMEOUT_S,
			    .mce_banks = MCE_DEFAULT_BANKS };
	if (i < argc && (!strcmp(argv[i], "run") || !strcmp(argv[i], "boot") || !strcmp(argv[i], "check"))) {
		o->boot = !strcmp(argv[i], "boot");
		o->check = !strcmp(argv[i++], "check");
	}
	for (; i < argc; i++) {
		enum cli_result r;

		if (argv[i][0] != '-' || !strcmp(argv[i], "-")) {
			if (o->image)
				return fail(err, errlen, "more than one image given ('%s' and '%s')", o->image, argv[i]);
			o->image = argv[i];
			continue;
		}
		if (argv[i][1] != '-' && strcmp(argv[i], "-h"))
			return fail(err, errlen, "unknown option '%s' (irqlab --help lists them)", argv[i]);
		r = parse_option(o, argc, argv, &i, err, errlen);
		if (r != CLI_OK)
			return r;
	}
	if (o->boot && !o->image && !o->help && !o->version)
		return fail(err, errlen, "irqlab boot needs an IMAGE (a multiboot kernel)");
	if (o->boot && !o->mem_given)
		o->mem_size = CLI_BOOT_DEFAULT_MEM;
	return CLI_OK;
}
