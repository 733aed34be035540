/* SPDX-License-Identifier: MIT */
/*
 * report_dump SCENARIO JUNIT_PATH: play one scenario through the port protocol with
 * --format json and --junit, print the JSON on stdout. check_formats.py parses both files
 * (json, xml.etree) and checks their structure. Scenarios: mixed, crash, boot, verdicts.
 */
#include <stdlib.h>
#include <string.h>

#include "pvfix.h"
#include "util.h"

/* Everything a guest may put in a text field: quotes, markup, control bytes, UTF-8 and not,
 * UTF-8 that is no XML character (U+FFFE, U+FFFF) and Unicode line breaks (NEL, LS, PS). */
#define NASTY "quote \" backslash \\ lt < amp & ctl \x01 tab \t cr \r newline \n utf8 \xc2\xb5s bad \xff\xfe " \
	"nonchar \xef\xbf\xbe\xef\xbf\xbf nel \xc2\x85 ls \xe2\x80\xa8 ps \xe2\x80\xa9 end"

static void mixed(struct pvfix *fx)
{
	fix_hello(fx, fix_std, 2);
	fix_send(fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(fx, PV_CMD_TEST, 0, "one", NULL);
	fix_send(fx, PV_CMD_PRINT, 0, NULL, "log of one: " NASTY);
	fix_send(fx, PV_CMD_METRIC, (uint64_t)-170, "ipi_rtt", "ns");
	fix_send(fx, PV_CMD_RESULT, PV_PASS, "one", NULL);
	fix_test(fx, 1, "two", PV_FAIL, NASTY);
	fix_send(fx, PV_CMD_SUITE_END, 0, NULL, NULL);
	fix_suite1(fx, 1, "beta", 0, "three", PV_SKIP, "no x2apic");
	fix_send(fx, PV_CMD_DONE, 0, NULL, NULL);
}

static void crash(struct pvfix *fx)
{
	fix_hello(fx, fix_std, 2);
	fix_send(fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(fx, PV_CMD_TEST, 0, "one", NULL);
	report_crash(&fx->report, OUT_ERROR, "triple fault (KVM_EXIT_SHUTDOWN) on cpu 0 at RIP=0x101000",
		     "RIP=0x101000\nRAX=0x0");
}

/* One of each verdict the platform's expectations make, and a timeout: xfail, xpass, timeout. */
static void verdicts(struct pvfix *fx)
{
	static struct platform plat;
	struct reason why;

	platform_parse(&plat, "test/sig", "platform *\nxfail alpha.one /got 7/ known broken\n"
		       "xfail alpha.two /x/ fixed now\n", "t.expect", &why);
	fx->report.platform = &plat;
	fix_hello(fx, fix_std, 2);
	fix_send(fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_test(fx, 0, "one", PV_FAIL, "expected 1, got 7");
	fix_test(fx, 1, "two", PV_PASS, NULL);
	fix_send(fx, PV_CMD_SUITE_END, 0, NULL, NULL);
	fix_send(fx, PV_CMD_SUITE, 1, "beta", NULL);
	fix_send(fx, PV_CMD_TEST, 0, "three", NULL);
	report_crash(&fx->report, OUT_TIMEOUT, "no result within 1 s (--timeout)", NULL);
}

static void boot(struct pvfix *fx)
{
	report_crash(&fx->report, OUT_TIMEOUT, "no result within 1 s (--timeout)", NULL);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; void (*play)(struct pvfix *); } scenarios[] = {
		{ "mixed", mixed }, { "crash", crash }, { "boot", boot }, { "verdicts", verdicts },
	};
	struct pvfix fx;

	if (argc != 3) {
		fprintf(stderr, "usage: report_dump mixed|crash|boot|verdicts JUNIT_PATH\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (strcmp(argv[1], scenarios[i].name))
			continue;
		fix_init(&fx, FMT_JSON);
		fx.report.junit_path = argv[2];
		scenarios[i].play(&fx);
		report_finish(&fx.report);
		fputs(fix_output(&fx), stdout);
		fix_free(&fx);
		return 0;
	}
	fprintf(stderr, "report_dump: unknown scenario '%s'\n", argv[1]);
	return 2;
}
