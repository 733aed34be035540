/* SPDX-License-Identifier: MIT */
/* Known-defect files (host/report/platform.c, docs/platforms.md): parsing, which platform lines apply,
 * errors with file:line, lookups by suite.test glob, the shape of this host's signature, and
 * the shipped platforms/ files. Usage: test_platform PLATFORMS_DIR. */
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "platform.h"
#include "util.h"
#include "tap.h"

#define SIG "kvm_pvm/AuthenticAMD/6.18/nested"

static struct platform p;
static struct reason why;
#define err why.text

/* Parse `text` for SIG into a fresh `p`; returns platform_parse's result. */
static int parse(const char *text)
{
	memset(&p, 0, sizeof(p));
	strcpy(err, "(none)");
	return platform_parse(&p, SIG, text, "t.expect", &why);
}

static void test_parse_basic(void)
{
	is_int(parse("platform kvm_pvm/*\nxfail mce.uc /dropped/  UC lost\n"
		     "xfail ioapic.level  /delivered [2-9] times \\(at \\/ twice\\)/ twice   every time\n"), 2,
	       "matching platform: two expectations");
	is_str(p.sig, SIG, "the signature is kept");
	is_str(p.expect[0].test, "mce.uc", "first: xfail mce.uc");
	is_str(p.expect[0].pattern, "dropped", "first: its pattern");
	is_str(p.expect[0].reason, "UC lost", "first: reason without the separating blanks");
	is_str(p.expect[1].pattern, "delivered [2-9] times \\(at / twice\\)", "second: \\/ is a literal slash");
	is_str(p.expect[1].reason, "twice   every time", "second: reason keeps inner spaces");
	is_str(p.expect[1].file, "t.expect", "expectations record their file");
	is_int(parse("platform *\nxfail check.movbe /raised #UD instead/ movbe raises #UD although advertised\n"), 1,
	       "'#' inside a word is not a comment");
	is_str(p.expect[0].pattern, "raised #UD instead", "... in the pattern");
	is_str(p.expect[0].reason, "movbe raises #UD although advertised", "... nor in the reason");
	is_int(parse("platform kvm_intel/*\nxfail mce.uc /x/ reason\n"), 0, "other platform: nothing taken");
	is_int(parse("platform kvm_pvm/AuthenticAMD/6.18\nxfail a.b /x/ r\n"), 0, "glob without /nested does not match");
	is_int(parse("platform */nested\nxfail a.b /x/ r\n"), 1, "glob */nested matches");
	is_int(parse("platform kvm_pvm/*/6.1[0-9]/*\nxfail a.b /x/ r\n"), 1, "bracket glob on the kernel version matches");
	is_int(parse("xfail a.b /x/ before any platform line\n"), 0, "lines before any platform line are not taken");
}

static void test_parse_sections(void)
{
	is_int(parse("platform kvm_intel/*\nxfail a.x /x/ r1\nplatform */nested\nxfail a.y /x/ r2\n"
		     "platform kvm_amd/*\nxfail a.z /x/ r3\nplatform kvm_pvm/*\nxfail a.w /x/ r4\n"), 2,
	       "several platform sections: only the matching ones count");
	ok(!strcmp(p.expect[0].test, "a.y") && !strcmp(p.expect[1].test, "a.w"), "taken: a.y then a.w, in file order");
	is_int(parse("# header comment\n\n   # indented comment\n\tplatform kvm_pvm/*   # trailing\n"
		     "xfail\tc.d\t/x/\treason here   # a comment after the reason\n  \n"), 1,
	       "comments, blank lines, tabs and indentation");
	is_str(p.expect[0].test, "c.d", "tab-separated test glob");
	is_str(p.expect[0].reason, "reason here", "trailing comment and blanks cut from the reason");
	is_int(parse(""), 0, "empty file: no expectations");
}

static void test_parse_errors(void)
{
	is_int(parse("platform *\nxfail a.b /x/\n"), -EINVAL, "missing reason: error");
	is_str(err, "t.expect:2: xfail a.b needs a reason", "missing reason: file:line and what");
	is_int(parse("platform *\nxfail a.b /x/   # only a comment\n"), -EINVAL, "reason that is only a comment: error");
	is_int(parse("platform kvm_intel/*\n\n# c\nxfail a.b /x/\n"), -EINVAL,
	       "missing reason under another platform: still an error");
	is_str(err, "t.expect:4: xfail a.b needs a reason", "blank and comment lines are counted in file:line");
	is_int(parse("platform *\nxfail a.b reason without a pattern\n"), -EINVAL, "missing pattern: error");
	is_str(err, "t.expect:2: a.b needs /PATTERN/, the failure text it expects, before the reason",
	       "missing pattern: says what is needed");
	is_int(parse("platform *\nxfail a.b /unclosed reason\n"), -EINVAL, "unclosed pattern: error");
	is_int(parse("platform *\nxfail a.b // reason\n"), -EINVAL, "empty pattern: error");
	is_int(parse("platform *\nxfail a.b /(/ reason\n"), -EINVAL, "pattern that does not compile: error");
	like_str(err, "t.expect:2: a.b: bad pattern /(/: ", "... with regerror's words");
	is_int(parse("platform *\nflaky a.b /x/ may fail\n"), -EINVAL, "flaky is retired: error");
	is_str(err, "t.expect:2: 'flaky' is retired: a test either holds or has a recorded defect "
	       "(xfail with the /PATTERN/ its failure prints)", "flaky: the message says why and what instead");
	is_int(parse("platform *\nxpass a.b reason\n"), -EINVAL, "unknown keyword: error");
	is_str(err, "t.expect:2: unknown keyword 'xpass'", "unknown keyword: named with file:line");
	is_int(parse("platform\n"), -EINVAL, "keyword without a value: error");
	is_str(err, "t.expect:1: expected 'platform GLOB' or 'xfail SUITE.TEST /PATTERN/ REASON'",
	       "keyword without a value: message");
}

static void test_parse_too_many(void)
{
	char *text = malloc(64 * (EXPECT_MAX + 2)), *at = text;

	at += sprintf(at, "platform *\n");
	for (int i = 0; i <= EXPECT_MAX; i++)
		at += sprintf(at, "xfail s.t%d /x/ reason %d\n", i, i);
	is_int(parse(text), -EINVAL, "%d expectations: error", EXPECT_MAX + 1);
	is_str(err, "t.expect:66: more than 64 expectations", "too many: file:line of the first one too many");
	text[strlen(text) - strlen("xfail s.t64 /x/ reason 64\n")] = '\0';
	is_int(parse(text), EXPECT_MAX, "exactly %d expectations: accepted", EXPECT_MAX);
	free(text);
}

static void test_lookup(void)
{
	const struct expectation *e;

	parse("platform *\nxfail mce.disabled_bank /x/  first\nxfail ioapic.level_* /x/  second\n"
	      "xfail *.storm /x/  third\nxfail check.sse[0-9]* /x/  fourth\nxfail mce.* /x/  fifth\n");
	e = platform_lookup(&p, "mce", "disabled_bank");
	ok(e && !strcmp(e->reason, "first"), "literal suite.test found");
	e = platform_lookup(&p, "mce", "uc");
	ok(e && !strcmp(e->reason, "fifth"), "mce.* matches mce.uc");
	e = platform_lookup(&p, "ioapic", "level_once");
	ok(e && !strcmp(e->reason, "second"), "ioapic.level_* matches ioapic.level_once");
	e = platform_lookup(&p, "ipi", "storm");
	ok(e && !strcmp(e->reason, "third"), "*.storm matches ipi.storm");
	e = platform_lookup(&p, "check", "sse2_movq");
	ok(e && !strcmp(e->reason, "fourth"), "check.sse[0-9]* matches check.sse2_movq");
	ok(platform_lookup(&p, "check", "sse") == NULL, "check.sse[0-9]* does not match check.sse");
	ok(platform_lookup(&p, "mcex", "uc") == NULL, "mce.* does not match mcex.uc");
	ok(platform_lookup(&p, "ioapic", "edge") == NULL, "ioapic.edge matches nothing");
	ok(platform_lookup(&p, "storm", "x") == NULL, "*.storm does not match storm.x");
	ok(platform_lookup(NULL, "mce", "uc") == NULL, "no platform: NULL");
}

/* The loaded KVM vendor module, from /sys/module ("kvm" if none of the known ones). */
static const char *kvm_module(void)
{
	static const char *const mods[] = { "kvm_intel", "kvm_amd", "kvm_pvm" };
	const char *found = "kvm";
	char path[64];

	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", mods[i]);
		if (access(path, F_OK) == 0)
			found = mods[i];
	}
	return found;
}

/* Whether /proc/cpuinfo's flags hold `hypervisor` (CPUID.1:ECX[31]: this host is a guest). */
static bool host_is_guest(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool yes = false;

	while (f && !yes && fgets(line, sizeof(line), f))
		yes = !strncmp(line, "flags", 5) && strstr(line, " hypervisor");
	if (f)
		fclose(f);
	return yes;
}

static void test_signature(void)
{
	char sig[PLATFORM_SIG_MAX], small[8], want[32];
	struct utsname u;
	regex_t re;
	int major = 0, minor = 0;

	platform_signature(sig, sizeof(sig));
	regcomp(&re, "^kvm(_intel|_amd|_pvm)?/[^/ ]+/[0-9]+[.][0-9]+(/nested)?$", REG_EXTENDED | REG_NOSUB);
	ok(regexec(&re, sig, 0, NULL, 0) == 0, "signature '%s' is module/vendor/major.minor[/nested]", sig);
	regfree(&re);
	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	snprintf(want, sizeof(want), "/%d.%d", major, minor);
	like_str(sig, want, "signature holds this kernel's major.minor");
	snprintf(want, sizeof(want), "%s/", kvm_module());
	ok(!strncmp(sig, want, strlen(want)), "signature starts with the loaded module %s", want);
	is_int(strstr(sig, "/nested") != NULL, host_is_guest(), "/nested iff /proc/cpuinfo has the hypervisor flag");
	ok(strstr(sig, "/unknown/") == NULL, "signature names the CPU vendor");
	platform_signature(small, sizeof(small));
	ok(strlen(small) < sizeof(small) && !strncmp(small, sig, sizeof(small) - 1),
	   "a short buffer gets a truncated, terminated signature");
}

/* Every `xfail` line of the shipped file becomes one expectation. */
static int count_entries(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += !strncmp(line, "xfail ", 6);
	if (f)
		fclose(f);
	return n;
}

static void test_shipped(const char *dir)
{
	char path[4096], sig[PLATFORM_SIG_MAX];
	bool found = true;
	int n = count_entries(strcat(strcpy(path, dir), "/kvm-pvm.expect"));

	ok(n > 0, "%s has xfail lines", path);
	memset(&p, 0, sizeof(p));
	is_int(platform_load(&p, "kvm_pvm/AuthenticAMD/6.18/nested", dir, &why), n,
	       "platforms/ loads for a kvm_pvm signature: one expectation per line");
	for (int i = 0; i < p.nexpect; i++)
		found &= p.expect[i].reason[0] && strchr(p.expect[i].test, '.') &&
			 !strcmp(p.expect[i].file, "kvm-pvm.expect");
	ok(found, "each has a suite.test glob, a reason and its file");
	for (int i = 0; i < p.nexpect; i++) {
		char suite[128], *dot;

		strcpy(suite, p.expect[i].test);
		dot = strchr(suite, '.');
		*dot = '\0';
		found &= strpbrk(p.expect[i].test, "*?[") || platform_lookup(&p, suite, dot + 1) != NULL;
	}
	ok(found, "each literal entry is found by platform_lookup");
	is_int(platform_load(&p, "kvm_intel/GenuineIntel/6.8", dir, &why), 0,
	       "platforms/ loads for a kvm_intel signature: no kvm_pvm defects");
	platform_signature(sig, sizeof(sig));
	ok(platform_load(&p, sig, dir, &why) >= 0, "platforms/ loads for this host (%s)", sig);
}

/* platform_load reads only *.expect files, and its errors name the file. */
static void test_load_dir(void)
{
	char dir[] = "/tmp/irqlab-platform-XXXXXX", path[64];
	FILE *f;

	if (!mkdtemp(dir)) {
		ok(false, "mkdtemp");
		return;
	}
	f = fopen(strcat(strcpy(path, dir), "/notes.txt"), "w");
	fputs("not an expectations file\n", f);
	fclose(f);
	f = fopen(strcat(strcpy(path, dir), "/a.expect"), "w");
	fputs("platform *\nxfail a.b /x/ reason\n", f);
	fclose(f);
	is_int(platform_load(&p, SIG, dir, &why), 1, "only *.expect files are read");
	f = fopen(strcat(strcpy(path, dir), "/b.expect"), "w");
	fputs("platform *\n\nxfail c.d /x/\n", f);
	fclose(f);
	is_int(platform_load(&p, SIG, dir, &why), -EINVAL, "a malformed file fails the load");
	is_str(err, "b.expect:3: xfail c.d needs a reason", "the error names the file and line");
	unlink(path);
	unlink(strcat(strcpy(path, dir), "/a.expect"));
	unlink(strcat(strcpy(path, dir), "/notes.txt"));
	rmdir(dir);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_platform PLATFORMS_DIR\n");
		return 2;
	}
	test_parse_basic();
	test_parse_sections();
	test_parse_errors();
	test_parse_too_many();
	test_lookup();
	test_signature();
	test_load_dir();
	test_shipped(argv[1]);
	return done_testing();
}
