/* SPDX-License-Identifier: MIT */
/* Events out of order (RESULT without TEST, SUITE twice, DONE inside a suite, ...): each is a
 * protocol violation that stops the run with exit status 3, reported where it happened. */
#include <stdlib.h>
#include <string.h>

#include "pvfix.h"
#include "tap.h"

static struct pvfix fx;

/* After the violation `act`, the output holds `line` (a whole line) and the run ends with 3. */
static void expect_violation(enum pv_action act, const char *line, const char *label)
{
	char want[512];

	is_int(act, PV_STOP, "%s: the run stops", label);
	snprintf(want, sizeof(want), "\n%s\n", line);
	like_str(fix_output(&fx), want, "%s: reported", label);
	is_int(report_finish(&fx.report), 3, "%s: exit status 3", label);
	fix_free(&fx);
}

/* "# protocol: ..." for a violation outside any suite. */
static const char *top(const char *what, unsigned cmd)
{
	static char line[300];

	snprintf(line, sizeof(line), "# %s", fix_proto_line(what, FIX_MSG, cmd));
	return line;
}

/* "  # protocol: ..." for a violation inside a suite while no test runs. */
static const char *in_suite(const char *what, unsigned cmd)
{
	static char line[300];

	snprintf(line, sizeof(line), "  %s", top(what, cmd));
	return line;
}

/* "  not ok N name # ERROR protocol: ..." for a violation while test `name` runs. */
static const char *in_test(int n, const char *name, const char *what, unsigned cmd)
{
	static char line[300];

	snprintf(line, sizeof(line), "  not ok %d %s # ERROR %s", n, name, fix_proto_line(what, FIX_MSG, cmd));
	return line;
}

static void start(void)
{
	fix_init(&fx, FMT_KTAP);
	fix_hello(&fx, fix_std, 2);
}

static void test_result_without_test(void)
{
	const char *why = fix_proto_line("RESULT without a running test", FIX_MSG, PV_CMD_RESULT);
	char want[2048];

	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	is_int(fix_send(&fx, PV_CMD_RESULT, PV_PASS, "one", NULL), PV_STOP, "RESULT without TEST stops");
	is_int(report_finish(&fx.report), 3, "RESULT without TEST: exit status 3");
	snprintf(want, sizeof(want),
		 "KTAP version 1\n1..2\n"
		 "  KTAP version 1\n  # Subtest: alpha\n  1..2\n"
		 "  # %s\n"
		 "  not ok 1 one # SKIP not run: %s\n"
		 "  not ok 2 two # SKIP not run: %s\n"
		 "not ok 1 alpha\n"
		 "  KTAP version 1\n  # Subtest: beta\n  1..1\n"
		 "  not ok 1 three # SKIP not run: %s\n"
		 "not ok 2 beta\n", why, why, why, why);
	is_str(fix_output(&fx), want, "RESULT without TEST: exact KTAP, the rest not run");
	fix_free(&fx);
}

static void test_suite_order(void)
{
	const char *range = "SUITE index out of order, out of range or not selected";

	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	expect_violation(fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL),
			 in_suite("SUITE while another suite is open", PV_CMD_SUITE), "SUITE twice");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	expect_violation(fix_send(&fx, PV_CMD_SUITE, 1, "beta", NULL),
			 in_suite("SUITE while another suite is open", PV_CMD_SUITE), "SUITE inside a suite");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(&fx, PV_CMD_SUITE_END, 0, NULL, NULL);
	expect_violation(fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL),
			 top(range, PV_CMD_SUITE), "SUITE again after its end");
	start();
	expect_violation(fix_send(&fx, PV_CMD_SUITE, 2, "x", NULL), top(range, PV_CMD_SUITE),
			 "SUITE index 2 of 2");
	start();
	expect_violation(fix_send(&fx, PV_CMD_SUITE, 1ull << 32, "alpha", NULL),
			 top(range, PV_CMD_SUITE), "SUITE index 2^32 (no truncation to 0)");
	fix_init(&fx, FMT_KTAP);
	expect_violation(fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL),
			 "not ok 1 boot # ERROR protocol: SUITE before HELLO (cpu 0, block 0x1000, command 3)",
			 "SUITE before HELLO");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	expect_violation(fix_send(&fx, PV_CMD_SUITE_END, 1, NULL, NULL),
			 in_suite("SUITE_END for a suite that is not open", PV_CMD_SUITE_END), "SUITE_END of another suite");
	start();
	expect_violation(fix_send(&fx, PV_CMD_SUITE_END, 0, NULL, NULL),
			 top("SUITE_END for a suite that is not open", PV_CMD_SUITE_END),
			 "SUITE_END without SUITE");
}

static void test_test_order(void)
{
	const char *range = "TEST index out of range or not selected";

	start();
	expect_violation(fix_send(&fx, PV_CMD_TEST, 0, "one", NULL),
			 top("TEST outside a suite", PV_CMD_TEST), "TEST outside a suite");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	expect_violation(fix_send(&fx, PV_CMD_TEST, 1, "two", NULL),
			 in_test(1, "one", "TEST while another test runs", PV_CMD_TEST), "TEST while a test runs");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	expect_violation(fix_send(&fx, PV_CMD_TEST, 2, "x", NULL), in_suite(range, PV_CMD_TEST), "TEST index 2 of 2");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	expect_violation(fix_send(&fx, PV_CMD_TEST, (1ull << 32) + 1, "two", NULL), in_suite(range, PV_CMD_TEST),
			 "TEST index 2^32+1 (no truncation to 1)");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_test(&fx, 0, "one", PV_PASS, NULL);
	expect_violation(fix_send(&fx, PV_CMD_TEST, 0, "one", NULL),
			 in_suite("TEST started twice", PV_CMD_TEST), "TEST started twice");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	expect_violation(fix_send(&fx, PV_CMD_RESULT, PV_PASS, "two", NULL),
			 in_test(1, "one", "RESULT names another test than the running one", PV_CMD_RESULT),
			 "RESULT naming another test");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	expect_violation(fix_send(&fx, PV_CMD_RESULT, PV_XFAIL + 1, "one", NULL),
			 in_test(1, "one", "RESULT with an unknown verdict", PV_CMD_RESULT), "RESULT verdict 4");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	expect_violation(fix_send(&fx, PV_CMD_RESULT, 1ull << 32, "one", NULL),
			 in_test(1, "one", "RESULT with an unknown verdict", PV_CMD_RESULT),
			 "RESULT verdict 2^32 (no truncation to PASS)");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	expect_violation(fix_send(&fx, PV_CMD_SUITE_END, 0, NULL, NULL),
			 in_test(1, "one", "SUITE_END while a test runs", PV_CMD_SUITE_END), "SUITE_END while a test runs");
}

static void test_hello_done_order(void)
{
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	expect_violation(fix_send(&fx, PV_CMD_DONE, 0, NULL, NULL),
			 in_suite("DONE while a suite or test is open", PV_CMD_DONE), "DONE inside a suite");
	start();
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	expect_violation(fix_send(&fx, PV_CMD_DONE, 0, NULL, NULL),
			 in_test(1, "one", "DONE while a suite or test is open", PV_CMD_DONE), "DONE inside a test");
	start();
	expect_violation(fix_hello(&fx, fix_std, 2),
			 top("HELLO sent twice", PV_CMD_HELLO), "HELLO twice");
}

/* A METRIC before HELLO is kept through HELLO into the JSON results (found by fuzz_pvport: the
 * plan HELLO installed replaced the metrics recorded before it, leaking them). */
static void test_metric_before_hello(void)
{
	fix_init(&fx, FMT_JSON);
	is_int(fix_send(&fx, PV_CMD_METRIC, 7, "early", "ms"), PV_CONTINUE, "METRIC before HELLO accepted");
	fix_run_std(&fx, PV_PASS, PV_PASS, PV_PASS);
	is_int(report_finish(&fx.report), 0, "METRIC before HELLO: the run passes");
	like_str(fix_output(&fx), "\"name\": \"early\"", "METRIC before HELLO: in the JSON results");
	fix_free(&fx);
}

int main(void)
{
	test_metric_before_hello();
	test_result_without_test();
	test_suite_order();
	test_test_order();
	test_hello_done_order();
	return done_testing();
}
