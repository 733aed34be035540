/* SPDX-License-Identifier: MIT */
/* A well-behaved guest's message sequence and the exact KTAP it produces; --test selection
 * written back into the guest's table; --list; PRINT, METRIC and REQUEST. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvfix.h"
#include "tap.h"

static struct pvfix fx;

static struct pv_msg *block(void)
{
	return (struct pv_msg *)(fx.mem.hva + FIX_MSG);
}

static void test_full_sequence(void)
{
	fix_init(&fx, FMT_KTAP);
	is_int(fix_hello(&fx, fix_std, 2), PV_CONTINUE, "HELLO continues");
	is_int((long long)block()->arg[0], PV_VERSION, "HELLO reply: arg0 = protocol version");
	is_int(block()->ret, 0, "HELLO reply: ret 0");
	ok(fix_selected(&fx, 0, 0) == 1 && fix_selected(&fx, 0, 1) == 1 && fix_selected(&fx, 1, 0) == 1,
	   "no --test: every selected byte set to 1");
	fix_send(&fx, PV_CMD_PRINT, 0, NULL, "hello from the guest");
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	fix_send(&fx, PV_CMD_PRINT, 0, NULL, "inside one");
	fix_send(&fx, PV_CMD_RESULT, PV_PASS, "one", NULL);
	fix_test(&fx, 1, "two", PV_FAIL, "expected 1, got 2\nsecond line");
	fix_send(&fx, PV_CMD_SUITE_END, 0, NULL, NULL);
	fix_suite1(&fx, 1, "beta", 0, "three", PV_SKIP, "no x2apic");
	is_int(fix_send(&fx, PV_CMD_DONE, 0, NULL, NULL), PV_STOP, "DONE stops the run");
	is_int(report_finish(&fx.report), 1, "one failure: exit status 1");
	is_str(fix_output(&fx),
	       "KTAP version 1\n"
	       "1..2\n"
	       "# hello from the guest\n"
	       "  KTAP version 1\n"
	       "  # Subtest: alpha\n"
	       "  1..2\n"
	       "  # inside one\n"
	       "  ok 1 one\n"
	       "  # expected 1, got 2\n"
	       "  # second line\n"
	       "  not ok 2 two\n"
	       "not ok 1 alpha\n"
	       "  KTAP version 1\n"
	       "  # Subtest: beta\n"
	       "  1..1\n"
	       "  ok 1 three # SKIP no x2apic\n"
	       "ok 2 beta # SKIP all tests skipped\n"
	       "# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0\n",
	       "full sequence: exact KTAP");
	is_str(fx.report.plan.suites[0].tests[0].log, "inside one\n", "PRINT inside a test goes to its log");
	fix_free(&fx);
}

static char captured[512];

/* fix_hello with the standard plan, stderr going to `captured`. */
static enum pv_action hello_capturing_stderr(void)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	enum pv_action act;
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	act = fix_hello(&fx, fix_std, 2);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(captured, 1, sizeof(captured) - 1, tmp);
	captured[n] = '\0';
	fclose(tmp);
	return act;
}

static void test_selection(void)
{
	fix_init(&fx, FMT_KTAP);
	fx.session.patterns = "alpha.two,beta";
	is_int(fix_hello(&fx, fix_std, 2), PV_CONTINUE, "selection: HELLO continues");
	is_int(fix_selected(&fx, 0, 0), 0, "selection: alpha.one not selected");
	is_int(fix_selected(&fx, 0, 1), 1, "selection: alpha.two selected");
	is_int(fix_selected(&fx, 1, 0), 1, "selection: beta.three selected (suite pattern)");
	fix_suite1(&fx, 0, "alpha", 1, "two", PV_PASS, NULL);
	fix_suite1(&fx, 1, "beta", 0, "three", PV_PASS, NULL);
	is_int(fix_done(&fx, 0), 0, "selection: exit status 0");
	is_str(fix_output(&fx),
	       "KTAP version 1\n1..2\n"
	       "  KTAP version 1\n  # Subtest: alpha\n  1..1\n  ok 1 two\nok 1 alpha\n"
	       "  KTAP version 1\n  # Subtest: beta\n  1..1\n  ok 1 three\nok 2 beta\n"
	       "# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0\n",
	       "selection: only selected tests, numbered from 1");
	fix_free(&fx);

	fix_init(&fx, FMT_KTAP);
	fx.session.patterns = "beta";
	fix_hello(&fx, fix_std, 2);
	is_str(fix_output(&fx), "KTAP version 1\n1..1\n", "suite without selected tests is not in the plan");
	is_int(fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL), PV_STOP, "SUITE of an unselected suite stops");
	fix_free(&fx);

	fix_init(&fx, FMT_KTAP);
	fx.session.patterns = "nomatch*";
	is_int(hello_capturing_stderr(), PV_STOP, "--test matching nothing stops at HELLO");
	is_str(captured, "irqlab: --test 'nomatch*': no test matches (irqlab --list shows them)\n",
	       "... saying so on stderr");
	is_int(fx.session.usage_error, 1, "... as a usage error (exit 2)");
	is_str(fix_output(&fx), "", "... with nothing on stdout");
	fix_free(&fx);
}

static void test_list(void)
{
	fix_init(&fx, FMT_KTAP);
	fx.session.list = true;
	is_int(fix_hello(&fx, fix_std, 2), PV_STOP, "--list stops at HELLO");
	is_str(fix_output(&fx), "", "--list: nothing printed before the run ends");
	ok(session_finish_list(&fx.session, NULL), "--list: the list is printed at the end");
	is_str(fix_output(&fx), "alpha.one\nalpha.two\nbeta.three\n", "--list text output");
	fix_free(&fx);

	fix_init(&fx, FMT_JSON);
	fx.session.list = true;
	fix_hello(&fx, fix_std, 2);
	session_finish_list(&fx.session, NULL);
	/* the envelope (report_meta.h: host-dependent values), then the list and its totals */
	ok(!strncmp(fix_output(&fx), "{\"format\": \"irqlab-results\", \"version\": 1, \"kind\": \"list\", ", 59),
	   "--list --format json: the envelope, kind list");
	is_str(strstr(fix_output(&fx), "\n  \"suites\": ["),
	       "\n  \"suites\": [\n"
	       "  {\"name\": \"alpha\", \"min_cpus\": 1, \"tests\": [\"one\", \"two\"]},\n"
	       "  {\"name\": \"beta\", \"min_cpus\": 1, \"tests\": [\"three\"]}\n"
	       "],\n  \"totals\": {\"tests\": 3, \"pass\": 0, \"fail\": 0, \"xfail\": 0, \"xpass\": 0, "
	       "\"skip\": 0, \"error\": 0, \"timeout\": 0, \"not_run\": 0}}\n",
	       "--list --format json output");
	fix_free(&fx);

	fix_init(&fx, FMT_JSON);
	fx.session.list = true;
	fix_hello(&fx, (const struct fix_suite[]){ { "q\"s\\", { "t", NULL } } }, 1);
	session_finish_list(&fx.session, NULL);
	like_str(fix_output(&fx), "\"name\": \"q\\\"s\\\\\"", "--list json escapes '\"' and '\\' in names");
	fix_free(&fx);
}

static void test_print_metric_request(void)
{
	fix_init(&fx, FMT_KTAP);
	fix_hello(&fx, fix_std, 2);
	fix_send(&fx, PV_CMD_PRINT, 0, NULL, "tab\there\x01\x7f\nnext");
	fix_send(&fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_send(&fx, PV_CMD_TEST, 0, "one", NULL);
	is_int(fix_send(&fx, PV_CMD_METRIC, (uint64_t)-170, "ipi_rtt", "ns"), PV_CONTINUE, "METRIC continues");
	is_int(fx.report.nmetrics, 1, "METRIC recorded");
	ok(fx.report.nmetrics == 1 && fx.report.metrics[0].value == -170 &&
	   !strcmp(fx.report.metrics[0].suite, "alpha") && !strcmp(fx.report.metrics[0].test, "one"),
	   "METRIC: signed value, suite and test recorded");
	is_int(fix_send(&fx, PV_CMD_REQUEST, PV_REQ_NOP, NULL, NULL), PV_CONTINUE, "REQUEST NOP continues");
	is_int(block()->ret, 0, "REQUEST NOP: ret 0");
	fix_send(&fx, PV_CMD_REQUEST, PV_REQ_COUNT + 7, NULL, NULL);
	is_int(block()->ret, -PV_ENOSYS, "unknown REQUEST: ret -ENOSYS");
	is_str(fix_output(&fx),
	       "KTAP version 1\n1..2\n# tab?here??\n# next\n"
	       "  KTAP version 1\n  # Subtest: alpha\n  1..2\n  # metric ipi_rtt: -170 ns\n",
	       "PRINT: control characters replaced, lines split; metric line indented");
	fix_free(&fx);
}

/* Unicode line breaks (NEL, LS, PS) end a line for Unicode-aware readers: in KTAP they become
 * '?' (diagnostics, SKIP reasons) or ' ' (ABORT), so one line stays one line. */
static void test_unicode_line_breaks(void)
{
	fix_init(&fx, FMT_KTAP);
	fix_hello(&fx, fix_std + 1, 1);
	fix_send(&fx, PV_CMD_PRINT, 0, NULL, "a\xc2\x85" "b\xe2\x80\xa8" "c\xe2\x80\xa9" "d \xc2\xb5s");
	fix_send(&fx, PV_CMD_SUITE, 0, "beta", NULL);
	fix_test(&fx, 0, "three", PV_SKIP, "x\xc2\x85y");
	is_str(fix_output(&fx), "KTAP version 1\n1..1\n# a?b?c?d \xc2\xb5s\n"
	       "  KTAP version 1\n  # Subtest: beta\n  1..1\n  ok 1 three # SKIP x?y\n",
	       "NEL, LS, PS in a diagnostic and a SKIP reason become '?' (other UTF-8 stays)");
	fix_free(&fx);

	fix_init(&fx, FMT_KTAP);
	fix_send(&fx, PV_CMD_ABORT, 1, "f.c", "x\xe2\x80\xa8y\xc2\x85z");
	like_str(fix_output(&fx), "at f.c:1: x   y  z\n", "ABORT: NEL and LS become spaces");
	fix_free(&fx);
}

/* A guest that prints before its HELLO still produces KTAP whose first line is the version. */
static void test_print_before_hello(void)
{
	fix_init(&fx, FMT_KTAP);
	fix_send(&fx, PV_CMD_PRINT, 0, NULL, "booting");
	fix_hello(&fx, fix_std + 1, 1);
	is_str(fix_output(&fx), "KTAP version 1\n# booting\n1..1\n", "PRINT before HELLO: version line first");
	fix_free(&fx);
}

/* A METRIC before HELLO is kept (it lived in the plan, which HELLO overwrote: lost and leaked). */
static void test_metric_before_hello(void)
{
	fix_init(&fx, FMT_JSON);
	is_int(fix_send(&fx, PV_CMD_METRIC, 7, "boot_ms", "ms"), PV_CONTINUE, "METRIC before HELLO continues");
	fix_hello(&fx, fix_std + 1, 1);
	is_int(fx.report.nmetrics, 1, "METRIC before HELLO: still kept after HELLO");
	fix_suite1(&fx, 0, "beta", 0, "three", PV_PASS, NULL);
	is_int(fix_done(&fx, 0), 0, "METRIC before HELLO: exit status 0");
	like_str(fix_output(&fx), "{\"suite\": \"\", \"test\": \"\", \"name\": \"boot_ms\", \"value\": 7, \"unit\": \"ms\"}",
		 "METRIC before HELLO: in the JSON, outside any suite");
	fix_free(&fx);
}

/* The guest chooses where its block and table are: odd addresses work (read and written with
 * byte copies; typed accesses there were undefined behaviour, fatal under UBSan). The fixture
 * builds everything aligned, then moves it with memmove. */
static void move_table_to_odd_addresses(uint64_t table, uint64_t odd_table)
{
	for (int s = 0; s < 2; s++) {
		struct pv_suite_desc d;
		uint64_t odd_tests = 0x30001 + (uint64_t)s * 0x1000;

		memcpy(&d, fx.mem.hva + table + s * sizeof(d), sizeof(d));
		memmove(fx.mem.hva + odd_tests, fx.mem.hva + d.tests, d.ntests * sizeof(struct pv_test_desc));
		d.tests = odd_tests;
		memcpy(fx.mem.hva + table + s * sizeof(d), &d, sizeof(d));
		fx.suite_tests[s] = odd_tests;
	}
	memmove(fx.mem.hva + odd_table, fx.mem.hva + table, 2 * sizeof(struct pv_suite_desc));
}

static void test_misaligned(void)
{
	const uint64_t odd_block = 0x2001, odd_table = 0x5003;
	struct pv_msg reply;
	uint8_t sel[3];

	fix_init(&fx, FMT_KTAP);
	move_table_to_odd_addresses(fix_table(&fx, fix_std, 2), odd_table);
	fix_msg(&fx, FIX_MSG, PV_CMD_HELLO, odd_table, NULL, NULL)->arg[1] = 2;
	memmove(fx.mem.hva + odd_block, fx.mem.hva + FIX_MSG, sizeof(struct pv_msg));
	is_int(fix_out(&fx, odd_block), PV_CONTINUE, "misaligned: HELLO from a block at an odd address");
	memcpy(&reply, fx.mem.hva + odd_block, sizeof(reply));
	is_int((long long)reply.arg[0], PV_VERSION, "misaligned: the reply is written there");
	for (int i = 0; i < 3; i++)
		memcpy(&sel[i], fx.mem.hva + fx.suite_tests[i / 2] + (i % 2) * sizeof(struct pv_test_desc) +
		       offsetof(struct pv_test_desc, selected), 1);
	ok(sel[0] == 1 && sel[1] == 1 && sel[2] == 1, "misaligned: selected bytes written into the odd table");
	fix_msg(&fx, FIX_MSG, PV_CMD_PRINT, 0, NULL, "odd");
	memmove(fx.mem.hva + odd_block, fx.mem.hva + FIX_MSG, sizeof(struct pv_msg));
	fix_out(&fx, odd_block);
	is_str(fix_output(&fx), "KTAP version 1\n1..2\n# odd\n", "misaligned: PRINT from the odd block");
	fix_free(&fx);
}

/* Two vCPUs' blocks at different addresses: the reply goes to the sender's block. */
static void test_reply_goes_to_sender(void)
{
	struct pv_msg *a, *b;

	fix_init(&fx, FMT_KTAP);
	a = fix_msg(&fx, 0x2000, PV_CMD_REQUEST, PV_REQ_COUNT, NULL, NULL);
	b = fix_msg(&fx, 0x3000, PV_CMD_REQUEST, PV_REQ_NOP, NULL, NULL);
	a->ret = b->ret = 12345;
	session_port_out(&fx.session, 1, 0x3000);
	is_int(b->ret, 0, "reply written to the sending block");
	is_int(a->ret, 12345, "other block untouched");
	fix_free(&fx);
}

/* FAULT and ABORT end the run with a crash attached to the running test (common.md format). */
static void test_fault_abort(void)
{
	struct pv_msg *m;

	fix_start(&fx, FMT_KTAP, fix_std + 1, 1);
	fix_send(&fx, PV_CMD_TEST, 0, "three", NULL);
	m = fix_msg(&fx, FIX_MSG, PV_CMD_FAULT, 13, NULL, "idt.c handler");
	m->arg[1] = 0x18, m->arg[2] = 0x101234, m->arg[3] = 0xdead000, m->arg[4] = 0x7ff00;
	is_int(fix_out(&fx, FIX_MSG), PV_STOP, "FAULT stops the run");
	is_int(report_finish(&fx.report), 3, "FAULT: exit status 3");
	is_str(fix_output(&fx),
	       "KTAP version 1\n1..1\n  KTAP version 1\n  # Subtest: beta\n  1..1\n"
	       "  not ok 1 three # ERROR unexpected #GP(0x18) on cpu 0 at RIP=0x101234\n"
	       "  # CR2=0xdead000 RSP=0x7ff00\n  # idt.c handler\nnot ok 1 beta\n"
	       "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:1\n",
	       "FAULT: ERROR line as in common.md, then CR2/RSP and the handler's text");
	fix_free(&fx);

	fix_init(&fx, FMT_KTAP);
	fix_msg(&fx, FIX_MSG, PV_CMD_FAULT, 48, NULL, NULL);
	fix_out(&fx, FIX_MSG);
	like_str(fix_output(&fx), "not ok 1 boot # ERROR unexpected vector 48(0x0) on cpu 0 at RIP=0x0\n",
		 "FAULT with a vector without mnemonic, before HELLO");
	fix_free(&fx);

	fix_init(&fx, FMT_KTAP);
	is_int(fix_send(&fx, PV_CMD_ABORT, 42, "guest/apic.c", "boom\n# not a\r\x1b directive"), PV_STOP,
	       "ABORT stops the run");
	is_str(fix_output(&fx),
	       "KTAP version 1\n1..1\nnot ok 1 boot # ERROR guest abort on cpu 0 at guest/apic.c:42: boom   not a   directive\n",
	       "ABORT: file, line and message on one line, without '#' or control characters");
	fix_free(&fx);
}

int main(void)
{
	test_full_sequence();
	test_selection();
	test_list();
	test_print_metric_request();
	test_print_before_hello();
	test_unicode_line_breaks();
	test_metric_before_hello();
	test_misaligned();
	test_reply_goes_to_sender();
	test_fault_abort();
	return done_testing();
}
