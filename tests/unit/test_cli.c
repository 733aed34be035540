/* SPDX-License-Identifier: MIT */
/* cli_parse and cli_parse_size: defaults, every option as `--opt v` and `--opt=v`, and each
 * bad value with its exact message. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/layout.h"
#include "cli.h"
#include "tap.h"

static struct opts o;
static struct reason why;
static const char *const err = why.text;

/* Parse a NULL-terminated argument list after "irqlab": 0 or -EINVAL. */
static int parse(const char *const *args)
{
	char *argv[32] = { "irqlab" };
	int argc = 1;

	while (*args && argc < 31)
		argv[argc++] = (char *)*args++;
	why.text[0] = '\0';
	return cli_parse(argc, argv, &o, &why);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The --cpus limit is the ABI's (include/abi/pvport.h); the messages spell it out. */
#define CPUS_MAX_S  "1024"
#define CPUS_OVER_S "1025"
#define CPUS_RANGE  CPUS_MAX_S " (IRQLAB_MAX_CPUS: the guest's per-CPU slots)"
_Static_assert(CLI_MAX_CPUS == IRQLAB_MAX_CPUS && IRQLAB_MAX_CPUS == 1024, "CPUS_MAX_S, CPUS_OVER_S");

static void bad(const char *const *args, const char *want, const char *label)
{
	is_int(parse(args), -EINVAL, "%s: rejected", label);
	is_str(err, want, "%s: message", label);
}

static void test_defaults(void)
{
	is_int(parse(ARGS("run")), 0, "defaults: `irqlab run` parses");
	ok(o.cpus == 2 && o.mem_size == LAYOUT_MEM_DEFAULT && !o.split_irqchip && o.timeout_s == 30.0 &&
	   !o.tests && !o.list && o.fmt == FMT_KTAP && !o.junit && !o.serial && !o.image && !o.help && !o.version,
	   "defaults: 2 cpus, 64M, kernel irqchip, 30 s, all tests, ktap, serial to stderr, built-in guest");
	is_int(parse(ARGS("guest.elf")), 0, "an image alone parses");
	is_str(o.image, "guest.elf", "... image path kept");
	is_int(o.cpus, 2, "... run's default: 2 vCPUs, SMP exercised");
	is_int(parse(ARGS("boot", "mb.elf")), 0, "boot IMAGE parses");
	is_int(o.cpus, 1, "... boot's default: 1 vCPU, as QEMU's -smp");
	is_int(parse(ARGS("check")), 0, "check parses");
	is_int(o.cpus, 2, "... check's default: 2 vCPUs, cross-CPU checks run");
	is_int(parse(ARGS("check", "--cpus", "1")), 0, "check --cpus 1 parses");
	is_int(o.cpus, 1, "... and is kept");
	is_int(parse(ARGS("boot", "--cpus=4", "mb.elf")), 0, "boot --cpus=4 parses");
	is_int(o.cpus, 4, "... and is kept");
	is_int(parse(ARGS("run", "--list", "x.elf")), 0, "run --list IMAGE parses");
	ok(o.list && !strcmp(o.image, "x.elf"), "... list set, image kept");
	parse(ARGS("-h"));
	ok(o.help, "-h sets help");
	parse(ARGS("--help"));
	ok(o.help, "--help sets help");
	parse(ARGS("--version"));
	ok(o.version, "--version sets version");
}

/* `--name value` and `--name=value` must give the same result; `check` inspects it. */
static void both_forms(const char *name, const char *value, bool (*check)(void), const char *label)
{
	char joined[128], flag[64];

	snprintf(joined, sizeof(joined), "--%s=%s", name, value);
	snprintf(flag, sizeof(flag), "--%s", name);
	is_int(parse(ARGS(flag, value)), 0, "--%s %s parses", name, value);
	ok(check(), "--%s %s: %s", name, value, label);
	is_int(parse(ARGS(joined)), 0, "%s parses", joined);
	ok(check(), "%s: %s", joined, label);
}

static bool cpus_4(void) { return o.cpus == 4; }
static bool cpus_max(void) { return o.cpus == CLI_MAX_CPUS; }
static bool mem_128m(void) { return o.mem_size == 128ull << 20; }
static bool mem_3g(void) { return o.mem_size == 3ull << 30; }
static bool mem_4m(void) { return o.mem_size == 4ull << 20; }
static bool split(void) { return o.split_irqchip; }
static bool kernel(void) { return !o.split_irqchip; }
static bool timeout_2_5(void) { return o.timeout_s == 2.5; }
static bool timeout_0(void) { return o.timeout_s == 0; }
static bool tests_ab(void) { return o.tests && !strcmp(o.tests, "apic.*,timer"); }
static bool fmt_json(void) { return o.fmt == FMT_JSON; }
static bool fmt_ktap(void) { return o.fmt == FMT_KTAP; }
static bool junit_f(void) { return o.junit && !strcmp(o.junit, "out.xml"); }
static bool serial_stdout(void) { return o.serial && !strcmp(o.serial, "-"); }
static bool serial_none(void) { return o.serial && !strcmp(o.serial, "none"); }
static bool serial_stderr(void) { return !o.serial; }
static bool serial_file(void) { return o.serial && !strcmp(o.serial, "log.txt"); }

static void test_options(void)
{
	both_forms("cpus", "4", cpus_4, "4 vCPUs");
	both_forms("cpus", CPUS_MAX_S, cpus_max, "the maximum");
	both_forms("mem", "128M", mem_128m, "128 MiB");
	both_forms("mem", "3G", mem_3g, "3 GiB");
	both_forms("mem", "4", mem_4m, "plain number = MiB");
	both_forms("irqchip", "split", split, "split irqchip");
	both_forms("irqchip", "kernel", kernel, "kernel irqchip");
	both_forms("timeout", "2.5", timeout_2_5, "2.5 s");
	both_forms("timeout", "0", timeout_0, "no limit");
	both_forms("test", "apic.*,timer", tests_ab, "patterns kept");
	both_forms("format", "json", fmt_json, "json");
	both_forms("format", "ktap", fmt_ktap, "ktap");
	both_forms("junit", "out.xml", junit_f, "junit path");
	both_forms("serial", "-", serial_stdout, "stdout");
	both_forms("serial", "none", serial_none, "dropped");
	both_forms("serial", "stderr", serial_stderr, "stderr is the default (NULL)");
	both_forms("serial", "log.txt", serial_file, "a file");
	bad(ARGS("--test="), "--test: empty pattern (give suite, suite.test or a glob)", "--test= (empty)");
	bad(ARGS("--test", ""), "--test: empty pattern (give suite, suite.test or a glob)", "--test ''");
	bad(ARGS("--test", "a,,b"), "--test: 'a,,b' has an empty pattern between its commas", "--test a,,b");
	bad(ARGS("--test", ",a"), "--test: ',a' has an empty pattern between its commas", "--test ,a");
	bad(ARGS("--test=a,"), "--test: 'a,' has an empty pattern between its commas", "--test=a,");
	bad(ARGS("check", "--test", ","), "--test: ',' has an empty pattern between its commas", "check --test ,");
	is_int(parse(ARGS("--cpus", "2", "--cpus=3")), 0, "repeated option parses");
	is_int(o.cpus, 3, "... the last one wins");
}

static void test_bad_values(void)
{
	bad(ARGS("--cpus", "0"), "--cpus: '0' is not a number from 1 to " CPUS_RANGE, "--cpus 0");
	bad(ARGS("--cpus=" CPUS_OVER_S), "--cpus: '" CPUS_OVER_S "' is not a number from 1 to " CPUS_RANGE, "--cpus=IRQLAB_MAX_CPUS+1");
	bad(ARGS("--cpus", "two"), "--cpus: 'two' is not a number from 1 to " CPUS_RANGE, "--cpus two");
	bad(ARGS("--cpus=1x"), "--cpus: '1x' is not a number from 1 to " CPUS_RANGE, "--cpus=1x");
	bad(ARGS("--cpus="), "--cpus: '' is not a number from 1 to " CPUS_RANGE, "--cpus=");
	bad(ARGS("--cpus", "99999999999999999999"), "--cpus: '99999999999999999999' is not a number from 1 to " CPUS_RANGE,
	    "--cpus overflowing long");
	bad(ARGS("--mem", "1M"), "--mem: '1M' is not a size from 4M to 3G (e.g. 64M, 1G)", "--mem 1M");
	bad(ARGS("--mem=4G"), "--mem: '4G' is not a size from 4M to 3G (e.g. 64M, 1G)", "--mem=4G");
	bad(ARGS("--mem", "lots"), "--mem: 'lots' is not a size from 4M to 3G (e.g. 64M, 1G)", "--mem lots");
	bad(ARGS("--mem=4097K"), "--mem: '4097K' is not a size from 4M to 3G (e.g. 64M, 1G)", "--mem not page-sized");
	bad(ARGS("--irqchip", "user"), "--irqchip: 'user' is not 'kernel' or 'split'", "--irqchip user");
	bad(ARGS("--timeout", "-1"), "--timeout: '-1' is not a number of seconds from 0 to 86400", "--timeout -1");
	bad(ARGS("--timeout=86401"), "--timeout: '86401' is not a number of seconds from 0 to 86400", "--timeout=86401");
	bad(ARGS("--timeout", "nan"), "--timeout: 'nan' is not a number of seconds from 0 to 86400", "--timeout nan");
	bad(ARGS("--timeout", "5s"), "--timeout: '5s' is not a number of seconds from 0 to 86400", "--timeout 5s");
	bad(ARGS("--format", "xml"), "--format: 'xml' is not 'ktap', 'json' or 'tap'", "--format xml");
	bad(ARGS("--cpus"), "--cpus needs a value", "--cpus without a value");
	bad(ARGS("x.elf", "--junit"), "--junit needs a value", "--junit without a value");
}

static void test_bad_syntax(void)
{
	bad(ARGS("--frobnicate"), "unknown option '--frobnicate' (irqlab --help lists them)", "unknown long option");
	bad(ARGS("-x"), "unknown option '-x' (irqlab --help lists them)", "unknown short option");
	bad(ARGS("--cpu=2"), "unknown option '--cpu=2' (irqlab --help lists them)", "prefix of an option");
	bad(ARGS("--cpusx", "2"), "unknown option '--cpusx' (irqlab --help lists them)", "option with a suffix");
	bad(ARGS("--list=yes"), "unknown option '--list=yes' (irqlab --help lists them)", "value for a flag");
	bad(ARGS("a.elf", "b.elf"), "more than one image given ('a.elf' and 'b.elf')", "two images");
	bad(ARGS("a.elf", "run"), "more than one image given ('a.elf' and 'run')", "`run` only first");
}

static bool stats(void) { return o.stats; }
static bool append_args(void) { return o.append && !strcmp(o.append, "a=1 b"); }
static bool initrd_env(void) { return o.initrd && !strcmp(o.initrd, "env.txt"); }
static bool status_qemu(void) { return o.qemu_status; }
static bool status_irqlab(void) { return !o.qemu_status; }
static bool banks_0(void) { return o.mce_banks == 0 && o.mce_banks_given; }
static bool banks_32(void) { return o.mce_banks == 32 && o.mce_banks_given; }
static bool inject_1(void)
{
	return o.ninject == 1 && o.inject[0].m.cpu == 1 && o.inject[0].m.bank == 2 &&
	       o.inject[0].m.status == 0xB000000000000000ull && o.inject[0].after_ms == 50;
}

/* Options of the multiboot and machine-check features, and the subcommands. */
static void test_more_options(void)
{
	is_int(parse(ARGS("--stats")), 0, "--stats parses");
	ok(stats(), "--stats set");
	both_forms("append", "a=1 b", append_args, "kernel arguments kept");
	both_forms("initrd", "env.txt", initrd_env, "module path kept");
	both_forms("exit-status", "qemu", status_qemu, "QEMU-style status");
	both_forms("exit-status", "irqlab", status_irqlab, "irqlab status");
	both_forms("mce-banks", "0", banks_0, "no banks");
	both_forms("mce-banks", "32", banks_32, "32 banks");
	both_forms("inject-mce", "cpu=1,bank=2,status=0xB000000000000000,after=50", inject_1, "one injection");
	bad(ARGS("--exit-status", "bash"), "--exit-status: 'bash' is not 'irqlab' or 'qemu'", "--exit-status bash");
	bad(ARGS("--mce-banks=33"), "--mce-banks: '33' is not a number from 0 to 32", "--mce-banks=33");
	bad(ARGS("--inject-mce", "cpu=1,bank=2"), "--inject-mce: cpu, bank and status are required",
	    "--inject-mce without status");
	bad(ARGS("--inject-mce", "cpu=1,bank=2,status=1,color=3"),
	    "--inject-mce: bad field 'color=3' (keys: cpu bank status addr misc mcg after)", "--inject-mce unknown key");
	bad(ARGS("--inject-mce", "cpu=0x100000000,bank=0,status=1"),
	    "--inject-mce: bad field 'cpu=0x100000000' (keys: cpu bank status addr misc mcg after)",
	    "--inject-mce cpu beyond 32 bits");
	is_int(parse(ARGS("--inject-mce=cpu=0,bank=0,status=1", "--inject-mce", "cpu=0,bank=1,status=1")), 0,
	       "two --inject-mce parse");
	is_int(o.ninject, 2, "... both kept in order");

	is_int(parse(ARGS("boot", "mb.elf")), 0, "`irqlab boot IMAGE` parses");
	ok(o.boot && !o.check && o.mem_size == CLI_BOOT_DEFAULT_MEM, "boot: multiboot, 128 MiB default");
	is_int(parse(ARGS("boot", "--mem", "64M", "mb.elf")), 0, "boot --mem 64M parses");
	is_int((long long)o.mem_size, 64ll << 20, "boot: --mem wins over its default");
	bad(ARGS("boot"), "irqlab boot needs an IMAGE (a multiboot kernel)", "boot without an image");
	is_int(parse(ARGS("check")), 0, "`irqlab check` parses");
	ok(o.check && !o.boot, "check: flag set");
}

/* Each command takes only the options its heading in the usage text lists. */
static void test_verbs(void)
{
	bad(ARGS("check", "--list"), "--list is not an option of irqlab check (irqlab --help lists them)",
	    "check --list");
	bad(ARGS("check", "--serial", "x"), "--serial is not an option of irqlab check (irqlab --help lists them)",
	    "check --serial");
	bad(ARGS("check", "--inject-mce=cpu=0,bank=0,status=1"),
	    "--inject-mce is not an option of irqlab check (irqlab --help lists them)", "check --inject-mce");
	bad(ARGS("check", "--exit-status", "qemu"),
	    "--exit-status is not an option of irqlab check (irqlab --help lists them)", "check --exit-status");
	is_int(parse(ARGS("check", "--cpus", "3", "--mem=128M", "--irqchip", "split", "--timeout", "5", "--test",
			  "check.*", "--format", "json", "--junit", "j.xml", "--mce-banks", "4", "--cpu-vendor", "amd")),
	       0, "check takes the options of run, boot and check");
	ok(o.check && o.verb == VERB_CHECK && o.cpus == 3 && o.split_irqchip && !strcmp(o.tests, "check.*"),
	   "... and keeps them");
	is_int(parse(ARGS("boot", "--list", "--stats", "--serial", "none", "mb.elf")), 0, "boot takes --list, --stats");
	ok(o.boot && o.verb == VERB_BOOT && o.list && o.stats, "... and keeps them");
	is_int(parse(ARGS("x.elf")), 0, "no command is run");
	is_int(o.verb, VERB_RUN, "... verb run");
}

/* --help and --version act whatever else is on the line (docs/cli.md). */
static void test_wins(void)
{
	is_int(parse(ARGS("--bogus", "--version")), 0, "--bogus --version: no error");
	ok(o.version, "... version set");
	is_int(parse(ARGS("--cpus", "0", "--help")), 0, "--cpus 0 --help: no error");
	ok(o.help, "... help set");
	is_int(parse(ARGS("boot", "-h")), 0, "boot -h: no error without an image");
	ok(o.help, "... help set");
	is_int(parse(ARGS("check", "--list", "--version")), 0, "check --list --version: no error");
	ok(o.version, "... version set");
	is_int(parse(ARGS("--test", "--version")), 0, "--test --version: --version is not taken as a pattern");
	ok(o.version && !o.tests, "... version set, no pattern");
	is_int(parse(ARGS("help")), 0, "`irqlab help` parses");
	ok(o.help, "... as --help");
	is_int(parse(ARGS("help", "--bogus", "x", "y")), 0, "`irqlab help` with anything after it");
	ok(o.help, "... still --help");
	bad(ARGS("x.elf", "help"), "more than one image given ('x.elf' and 'help')", "help only first");
	bad(ARGS("--help=x"), "unknown option '--help=x' (irqlab --help lists them)", "--help=x");
	bad(ARGS("-hh"), "unknown option '-hh' (irqlab --help lists them)", "-hh");
}

static void test_parse_size(void)
{
	static const struct { const char *s; uint64_t want; } cases[] = {
		{ "64", 64ull << 20 }, { "64M", 64ull << 20 }, { "64m", 64ull << 20 }, { "512K", 512ull << 10 },
		{ "512k", 512ull << 10 }, { "1G", 1ull << 30 }, { "2g", 2ull << 30 }, { "64MiB", 64ull << 20 },
		{ "64MB", 64ull << 20 }, { "1GiB", 1ull << 30 }, { "4KB", 4096 },
		{ "17179869183G", (17179869183ull) << 30 },
		{ "", 0 }, { NULL, 0 }, { "-1", 0 }, { "+1", 0 }, { " 64", 0 }, { "64 M", 0 }, { "64MM", 0 },
		{ "0x10", 0 }, { "64T", 0 }, { "64Mi", 64ull << 20 }, { "64B", 0 }, { "64iB", 0 }, { "64MiBB", 0 },
		{ "17179869184G", 0 }, { "18446744073709551616", 0 }, { "18446744073709551615", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int((long long)cli_parse_size(cases[i].s), (long long)cases[i].want, "cli_parse_size(%s%s%s)",
		       cases[i].s ? "\"" : "", cases[i].s ? cases[i].s : "NULL", cases[i].s ? "\"" : "");
}

int main(void)
{
	test_defaults();
	test_options();
	test_bad_values();
	test_bad_syntax();
	test_more_options();
	test_verbs();
	test_wins();
	test_parse_size();
	return done_testing();
}
