/* SPDX-License-Identifier: MIT */
/* What a guest can make the host hold is capped (report.h REPORT_LOG_*, REPORT_METRICS_MAX):
 * past a cap, text and metrics are dropped, counted, and the count is shown in KTAP and JSON. */
#include <stdlib.h>
#include <string.h>

#include "pvfix.h"
#include "tap.h"

static struct pvfix fx;
static char line[1001];

static void prints(int n)
{
	for (int i = 0; i < n; i++)
		fix_send(&fx, PV_CMD_PRINT, 0, NULL, line);
}

/* 100 lines of 1,000 bytes in one test: 65 fit 64 KiB (with their newlines), 35 are dropped. */
static void test_per_test_cap(void)
{
	const struct plan_test *one;

	fix_start(&fx, FMT_KTAP, fix_std, 2);
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	prints(100);
	fix_send(&fx, PV_CMD_RESULT, PV_PASS, "one", NULL);
	one = &fx.report.plan.suites[0].tests[0];
	is_int((long long)one->log_len, 65 * 1001, "per-test cap: 65 lines kept");
	is_int((long long)one->log_dropped, 35 * 1000, "per-test cap: 35,000 bytes counted as dropped");
	like_str(fix_output(&fx), "\n  # truncated: 35000 diagnostic bytes of this test dropped (cap 65536)\n  ok 1 one\n",
		 "per-test cap: a truncated line before the test's result");
	fix_test(&fx, 1, "two", PV_PASS, NULL);
	fix_send(&fx, PV_CMD_SUITE_END, 0, NULL, NULL);
	fix_suite1(&fx, 1, "beta", 0, "three", PV_PASS, NULL);
	is_int(fix_done(&fx, 0), 0, "per-test cap: the run still passes");
	like_str(fix_output(&fx), "\n# truncated: 35000 diagnostic bytes and 0 metrics dropped (caps: 65536 bytes per test, 4194304 in all, 4096 metrics)\n",
		 "per-test cap: the total at the end of the KTAP");
	fix_free(&fx);
}

/* 4,200 lines outside any test: 4,190 fit 4 MiB, 10 are dropped; JSON says so. */
static void test_total_cap_json(void)
{
	fix_init(&fx, FMT_JSON);
	prints(4200);
	fix_hello(&fx, fix_std + 1, 1);
	fix_send(&fx, PV_CMD_SUITE, 0, "beta", NULL);
	fix_send(&fx, PV_CMD_TEST, 0, "three", NULL);
	prints(1);
	fix_send(&fx, PV_CMD_RESULT, PV_PASS, "three", NULL);
	fix_send(&fx, PV_CMD_SUITE_END, 0, NULL, NULL);
	fix_send(&fx, PV_CMD_DONE, 0, NULL, NULL);
	is_int((long long)fx.report.dropped_log, 11 * 1000, "total cap: 11 lines dropped (one in a test)");
	report_finish(&fx.report);
	like_str(fix_output(&fx), "\"log_dropped_bytes\": 1000", "total cap: the test's JSON counts its drop");
	like_str(fix_output(&fx), "\"dropped\": {\"log_bytes\": 11000, \"metrics\": 0}}", "total cap: JSON totals");
	fix_free(&fx);
}

static void test_metric_cap(void)
{
	fix_init(&fx, FMT_KTAP);
	fix_hello(&fx, fix_std + 1, 1);
	for (int i = 0; i < REPORT_METRICS_MAX + 4; i++)
		fix_send(&fx, PV_CMD_METRIC, (uint64_t)i, "lat", "ns");
	is_int(fx.report.nmetrics, REPORT_METRICS_MAX, "metric cap: 4096 kept");
	is_int((long long)fx.report.dropped_metrics, 4, "metric cap: 4 dropped");
	ok(!strstr(fix_output(&fx), "metric lat: 4096 ns"), "metric cap: dropped metrics are not printed");
	report_finish(&fx.report);
	like_str(fix_output(&fx), "# truncated: 0 diagnostic bytes and 4 metrics dropped ", "metric cap: the total in KTAP");
	fix_free(&fx);
}

int main(void)
{
	memset(line, 'x', sizeof(line) - 1);
	test_per_test_cap();
	test_total_cap_json();
	test_metric_cap();
	return done_testing();
}
