/* SPDX-License-Identifier: MIT */
/* The report: KTAP result lines for every outcome, crashes and timeouts wherever they happen
 * (before HELLO, mid-test, between tests), and the exit status rules of report.c. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "pvfix.h"
#include "tap.h"
#include "util.h"

#define TF   "triple fault (KVM_EXIT_SHUTDOWN) on cpu 0 at RIP=0x101000"
#define REGS "RIP=0x101000 RSP=0x7fff0\nRAX=0x0"
#define TO   "no result within 1 s (--timeout)"
#define HDR  "KTAP version 1\n1..2\n"
#define ALPHA "  KTAP version 1\n  # Subtest: alpha\n  1..2\n"
#define BETA "  KTAP version 1\n  # Subtest: beta\n  1..1\n"
/* kselftest's closing line: pass fail xfail xpass skip error */
#define TOT(p, f, x, xp, s, e) "# Totals: pass:" #p " fail:" #f " xfail:" #x " xpass:" #xp " skip:" #s " error:" #e "\n"

static struct pvfix fx;

static void status_of(enum pv_verdict a, enum pv_verdict b, enum pv_verdict c, int want, const char *label)
{
	fix_init(&fx, FMT_KTAP);
	fix_run_std(&fx, a, b, c);
	is_int(report_finish(&fx.report), want, "exit status: %s", label);
	fix_free(&fx);
}

static void test_exit_statuses(void)
{
	status_of(PV_PASS, PV_PASS, PV_PASS, 0, "all pass -> 0");
	status_of(PV_PASS, PV_FAIL, PV_PASS, 1, "one fail -> 1");
	status_of(PV_SKIP, PV_SKIP, PV_SKIP, 77, "all skipped -> 77");
	status_of(PV_PASS, PV_SKIP, PV_SKIP, 0, "pass + skips -> 0");
	status_of(PV_XFAIL, PV_PASS, PV_SKIP, 0, "xfail + pass + skip -> 0");
	status_of(PV_XFAIL, PV_XFAIL, PV_XFAIL, 0, "all xfail -> 0");
	status_of(PV_SKIP, PV_FAIL, PV_SKIP, 1, "fail among skips -> 1");

	fix_init(&fx, FMT_KTAP);
	fix_hello(&fx, fix_std + 1, 1);
	fix_suite1(&fx, 0, "beta", 0, "three", PV_PASS, NULL);
	is_int(fix_done(&fx, PV_EXIT_FAIL), 1, "exit status: all pass but the guest's DONE says 1 -> 1");
	fix_free(&fx);

	/* irqlab check: a test's own error, no crash of the run (its worker died) */
	fix_start(&fx, FMT_KTAP, fix_std + 1, 1);
	report_test_begin(&fx.report, 0, NULL);
	report_outcome(&fx.report, OUT_ERROR, "the check's worker died", NULL);
	report_suite_end(&fx.report, 0, NULL);
	is_int(report_finish(&fx.report), 3, "exit status: a test's own error, no crash -> 3");
	fix_free(&fx);

	fix_init(&fx, FMT_KTAP);
	fix_hello(&fx, fix_std, 0);
	is_int(fix_done(&fx, 0), 0, "exit status: empty plan -> 0");
	is_str(fix_output(&fx), "KTAP version 1\n1..0\n" TOT(0, 0, 0, 0, 0, 0), "empty plan: KTAP 1..0, zero totals");
	fix_free(&fx);
}

static void test_outcome_lines(void)
{
	fix_init(&fx, FMT_KTAP);
	fix_run_std(&fx, PV_XFAIL, PV_SKIP, PV_FAIL);
	is_int(report_finish(&fx.report), 1, "xfail/skip/fail: exit status 1");
	is_str(fix_output(&fx),
	       HDR ALPHA "  ok 1 one # XFAIL reason one\n  ok 2 two # SKIP reason two\nok 1 alpha\n"
	       BETA "  # reason three\n  not ok 1 three\nnot ok 2 beta\n" TOT(0, 1, 1, 0, 1, 0),
	       "xfail is ok # XFAIL, skip is ok # SKIP, fail prints its diagnostic first");
	fix_free(&fx);

	/* --format tap: the same lines, TAP version 13, every nested line a comment */
	fix_init(&fx, FMT_TAP);
	fix_run_std(&fx, PV_XFAIL, PV_SKIP, PV_FAIL);
	is_int(report_finish(&fx.report), 1, "tap: exit status as KTAP's");
	is_str(fix_output(&fx),
	       "TAP version 13\n1..2\n# KTAP version 1\n# # Subtest: alpha\n# 1..2\n"
	       "# ok 1 one # XFAIL reason one\n# ok 2 two # SKIP reason two\nok 1 alpha\n"
	       "# KTAP version 1\n# # Subtest: beta\n# 1..1\n# # reason three\n# not ok 1 three\n"
	       "not ok 2 beta\n" TOT(0, 1, 1, 0, 1, 0),
	       "tap: the suites' lines at the top, the rest as '# ' comments");
	fix_free(&fx);

	fix_start(&fx, FMT_KTAP, fix_std + 1, 1);
	fix_test(&fx, 0, "three", PV_SKIP, "line1\nline2\a");
	is_str(fix_output(&fx), "KTAP version 1\n1..1\n" BETA "  ok 1 three # SKIP line1 line2?\n",
	       "a multi-line skip reason stays on the result line");
	fix_free(&fx);
}

static void test_not_run(void)
{
	fix_init(&fx, FMT_KTAP);
	fix_hello(&fx, fix_std, 2);
	fix_suite1(&fx, 0, "alpha", 0, "one", PV_PASS, NULL);
	is_int(fix_done(&fx, 0), 1, "selected tests never run: exit status 1");
	is_str(fix_output(&fx),
	       HDR ALPHA "  ok 1 one\n  not ok 2 two # ERROR not run: the guest did not run this test\n"
	       "not ok 1 alpha\n"
	       BETA "  not ok 1 three # ERROR not run: the guest ended before it\nnot ok 2 beta\n" TOT(1, 0, 0, 0, 0, 2),
	       "unrun test and unstarted suite reported as not run");
	fix_free(&fx);
}

static void test_crash_mid_test(void)
{
	fix_start(&fx, FMT_KTAP, fix_std, 2);
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	report_crash(&fx.report, OUT_ERROR, TF, REGS);
	ok(report_ended(&fx.report), "crash: report_ended");
	report_crash(&fx.report, OUT_TIMEOUT, "second crash", NULL);
	is_int(report_finish(&fx.report), 3, "crash mid-test: exit status 3");
	is_str(fix_output(&fx),
	       HDR ALPHA "  not ok 1 one # ERROR " TF "\n  # RIP=0x101000 RSP=0x7fff0\n  # RAX=0x0\n"
	       "  not ok 2 two # ERROR not run: " TF "\nnot ok 1 alpha\n"
	       BETA "  not ok 1 three # ERROR not run: " TF "\nnot ok 2 beta\n" TOT(0, 0, 0, 0, 0, 3),
	       "crash mid-test: ERROR line, then its registers, the rest not run; second crash ignored");
	fix_free(&fx);
}

static void test_crash_before_hello(void)
{
	fix_init(&fx, FMT_KTAP);
	report_crash(&fx.report, OUT_ERROR, TF, REGS);
	is_int(report_finish(&fx.report), 3, "crash before HELLO: exit status 3");
	is_str(fix_output(&fx), "KTAP version 1\n1..1\nnot ok 1 boot # ERROR " TF "\n# RIP=0x101000 RSP=0x7fff0\n# RAX=0x0\n" TOT(0, 0, 0, 0, 0, 1),
	       "crash before HELLO: one test named boot, registers after it");
	fix_free(&fx);

	fix_init(&fx, FMT_KTAP);
	report_crash(&fx.report, OUT_TIMEOUT, TO, "cpu 0: RIP=0x100000 runnable");
	is_int(report_finish(&fx.report), 3, "timeout before HELLO: exit status 3");
	is_str(fix_output(&fx), "KTAP version 1\n1..1\nnot ok 1 boot # TIMEOUT " TO "\n# cpu 0: RIP=0x100000 runnable\n" TOT(0, 0, 0, 0, 0, 1),
	       "timeout before HELLO: boot # TIMEOUT");
	fix_free(&fx);
}

static void test_timeout_and_between(void)
{
	fix_start(&fx, FMT_KTAP, fix_std + 1, 1);
	fix_send(&fx, PV_CMD_TEST, 0, "three", NULL);
	report_crash(&fx.report, OUT_TIMEOUT, TO, NULL);
	is_int(report_finish(&fx.report), 3, "timeout mid-test: exit status 3");
	is_str(fix_output(&fx), "KTAP version 1\n1..1\n" BETA "  not ok 1 three # TIMEOUT " TO "\nnot ok 1 beta\n" TOT(0, 0, 0, 0, 0, 1),
	       "timeout mid-test: # TIMEOUT on the running test");
	fix_free(&fx);

	fix_start(&fx, FMT_KTAP, fix_std, 2);
	fix_test(&fx, 0, "one", PV_PASS, NULL);
	fix_test(&fx, 1, "two", PV_PASS, NULL);
	fix_send(&fx, PV_CMD_SUITE_END, 0, NULL, NULL);
	report_crash(&fx.report, OUT_ERROR, TF, NULL);
	is_int(report_finish(&fx.report), 3, "crash between suites: exit status 3");
	is_str(fix_output(&fx),
	       HDR ALPHA "  ok 1 one\n  ok 2 two\nok 1 alpha\n# " TF "\n"
	       BETA "  not ok 1 three # ERROR not run: " TF "\nnot ok 2 beta\n" TOT(2, 0, 0, 0, 0, 1),
	       "crash between suites: top-level diagnostic, next suite not run");
	fix_free(&fx);
}

static void test_crash_after_done(void)
{
	fix_init(&fx, FMT_KTAP);
	fix_run_std(&fx, PV_PASS, PV_PASS, PV_PASS);
	report_crash(&fx.report, OUT_TIMEOUT, TO, NULL);
	is_int(report_finish(&fx.report), 0, "crash after DONE is ignored: exit status 0");
	ok(!strstr(fix_output(&fx), "TIMEOUT"), "... and not printed");
	fix_free(&fx);
}

static void test_json_mode(void)
{
	static const char head[] =
		"{\"format\": \"irqlab-results\", \"version\": 1, \"kind\": \"run\", ";
	const char *out;

	fix_init(&fx, FMT_JSON);
	fix_run_std(&fx, PV_PASS, PV_FAIL, PV_SKIP);
	is_int(report_finish(&fx.report), 1, "json: exit status 1");
	out = fix_output(&fx);
	ok(!strncmp(out, head, strlen(head)) && strstr(out, "\n  \"exit_status\": 1, ") &&
	   strstr(out, "\"image\": \"/") && !strcmp(out + strlen(out) - 2, "}\n"),
	   "json: stdout is only the JSON document (the envelope, its absolute image, the status)");
	like_str(out, "{\"name\": \"two\", \"result\": \"fail\"", "json: failing test recorded");
	ok(!strstr(out, "KTAP"), "json: no KTAP mixed in");
	fix_free(&fx);
}

/* SIGINT/SIGTERM/SIGHUP (report_interrupted): a crash-like end, exit 128 + signal. */
static void test_interrupted(void)
{
	fix_start(&fx, FMT_KTAP, fix_std, 2);
	fix_test(&fx, 0, "one", PV_PASS, NULL);
	fix_send(&fx, PV_CMD_TEST, 1, "two", NULL);
	report_interrupted(&fx.report, SIGTERM);
	ok(report_ended(&fx.report), "interrupted: report_ended");
	is_int(report_finish(&fx.report), 128 + SIGTERM, "interrupted by SIGTERM: exit status 143");
	is_str(fix_output(&fx),
	       HDR ALPHA "  ok 1 one\n  not ok 2 two # ERROR interrupted by SIGTERM\nnot ok 1 alpha\n"
	       BETA "  not ok 1 three # ERROR not run: interrupted by SIGTERM\nnot ok 2 beta\n" TOT(1, 0, 0, 0, 0, 2),
	       "interrupted: the running test ERROR, the rest not run, suites and totals closed");
	fix_free(&fx);

	fix_init(&fx, FMT_KTAP);
	fix_run_std(&fx, PV_PASS, PV_PASS, PV_PASS);
	report_interrupted(&fx.report, SIGINT);
	is_int(report_finish(&fx.report), 0, "a signal after DONE changes nothing");
	fix_free(&fx);

	fix_init(&fx, FMT_JSON);
	report_interrupted(&fx.report, SIGHUP);
	is_int(report_finish(&fx.report), 128 + SIGHUP, "interrupted before HELLO: exit status 129");
	like_str(fix_output(&fx), "\"crash\": \"interrupted by SIGHUP\", \"interrupted\": \"SIGHUP\"",
		 "json: crash and interrupted name the signal");
	fix_free(&fx);
}

/* Known defects (platform.c, report.c apply_expectation): only the recorded failure text is
 * excused, a pass of a recorded defect fails the run. */
#define DEFECTS "platform test/*\nxfail alpha.one /expected 1, got [0-9]+/ one is known broken\n" \
		"xfail beta.three /^triple fault/ three crashes here\n"
#define KNOWN "known defect of test/sig (t.expect): "

static struct platform plat;

static void start_with_defects(void)
{
	struct reason why;

	memset(&plat, 0, sizeof(plat));
	is_int(platform_parse(&plat, "test/sig", DEFECTS, "t.expect", &why), 2, "two defects recorded");
	fix_init(&fx, FMT_KTAP);
	fx.report.platform = &plat;
	fix_hello(&fx, fix_std, 2);
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
}

static void test_expectations(void)
{
	start_with_defects();
	fix_test(&fx, 0, "one", PV_FAIL, "expected 1, got 7");
	fix_test(&fx, 1, "two", PV_PASS, NULL);
	fix_send(&fx, PV_CMD_SUITE_END, 0, NULL, NULL);
	fix_suite1(&fx, 1, "beta", 0, "three", PV_PASS, NULL);
	is_int(fix_done(&fx, PV_EXIT_FAIL), 1, "expectations: an unexpected pass fails the run");
	like_str(fix_output(&fx), "  # expected 1, got 7\n  ok 1 one # XFAIL " KNOWN "one is known broken\n",
		 "the recorded failure text -> XFAIL with the recorded reason");
	like_str(fix_output(&fx), "  # unexpected pass: the defect recorded in t.expect for test/sig did not show: "
		 "three crashes here\n  not ok 1 three\n", "a pass of a recorded defect -> not ok, said why");
	is_int(fx.report.plan.suites[1].tests[0].outcome, OUT_XPASS, "... recorded as XPASS");
	like_str(fix_output(&fx), TOT(1, 0, 1, 1, 0, 0), "totals count the xfail and the xpass");
	fix_free(&fx);

	start_with_defects();
	fix_test(&fx, 0, "one", PV_FAIL, "never delivered");
	is_int(fx.report.plan.suites[0].tests[0].outcome, OUT_FAIL, "another failure of a recorded test stays FAIL");
	like_str(fix_output(&fx), "  # never delivered\n  # not the known defect: t.expect records /expected 1, got "
		 "[0-9]+/ for test/sig, which this failure does not print\n  not ok 1 one\n",
		 "... with a line saying the recorded pattern did not match");
	fix_free(&fx);

	start_with_defects();
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	fix_send(&fx, PV_CMD_PRINT, 0, NULL, "test.c:9: expected 1, got 3");
	fix_send(&fx, PV_CMD_RESULT, PV_FAIL, "one", NULL);
	is_int(fx.report.plan.suites[0].tests[0].outcome, OUT_XFAIL, "the pattern is also searched in the log lines");
	fix_free(&fx);

	start_with_defects();
	fix_send(&fx, PV_CMD_SUITE_END, 0, NULL, NULL);
	fix_send(&fx, PV_CMD_SUITE, 1, "beta", NULL);
	fix_send(&fx, PV_CMD_TEST, 0, "three", NULL);
	report_outcome(&fx.report, OUT_ERROR, TF, NULL);
	is_int(fx.report.plan.suites[1].tests[0].outcome, OUT_XFAIL, "an isolated crash with the recorded text -> XFAIL");
	fix_free(&fx);
}

int main(void)
{
	test_exit_statuses();
	test_outcome_lines();
	test_not_run();
	test_crash_mid_test();
	test_crash_before_hello();
	test_timeout_and_between();
	test_crash_after_done();
	test_json_mode();
	test_expectations();
	test_interrupted();
	return done_testing();
}
