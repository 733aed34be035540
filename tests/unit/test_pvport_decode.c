/* SPDX-License-Identifier: MIT */
/* Malformed message blocks and test tables: each must stop the run with one
 * `# ERROR protocol: <what>` result (before HELLO: the `boot` test) and exit status 3,
 * without touching memory outside guest RAM (the fixture puts a guard page there). */
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "pvfix.h"
#include "tap.h"

static struct pvfix fx;

static void expect_boot_error(enum pv_action act, const char *what, uint64_t gpa, unsigned cmd,
			      const char *label)
{
	char want[512];

	is_int(act, PV_STOP, "%s: the run stops", label);
	snprintf(want, sizeof(want), "KTAP version 1\n1..1\nnot ok 1 boot # ERROR %s\n",
		 fix_proto_line(what, gpa, cmd));
	is_str(fix_output(&fx), want, "%s: KTAP", label);
	is_int(report_finish(&fx.report), 3, "%s: exit status 3", label);
	strcat(want, "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:1\n");
	is_str(fix_output(&fx), want, "%s: only the totals printed at the end", label);
	fix_free(&fx);
}

static void test_block_address(void)
{
	const uint64_t msz = sizeof(struct pv_msg);

	fix_init(&fx, FMT_KTAP);
	expect_boot_error(fix_out(&fx, FIX_RAM), "message block outside guest RAM", FIX_RAM, 0,
			  "block at the end of RAM");
	fix_init(&fx, FMT_KTAP);
	expect_boot_error(fix_out(&fx, 0xFFFFFFFF), "message block outside guest RAM", 0xFFFFFFFF, 0,
			  "block at 4 GiB - 1");
	fix_init(&fx, FMT_KTAP);
	expect_boot_error(fix_out(&fx, UINT64_MAX - 8), "message block outside guest RAM", UINT64_MAX - 8,
			  0, "block whose end wraps past 2^64");
	fix_init(&fx, FMT_KTAP);
	memcpy(fx.mem.hva + FIX_RAM - msz + 1, &(uint32_t){ PV_MSG_MAGIC }, 4);
	expect_boot_error(fix_out(&fx, FIX_RAM - msz + 1), "message block outside guest RAM",
			  FIX_RAM - msz + 1, 0, "block straddling the end of RAM");

	fix_init(&fx, FMT_KTAP);
	fix_msg(&fx, FIX_RAM - msz, PV_CMD_PRINT, 0, NULL, "last block");
	is_int(fix_out(&fx, FIX_RAM - msz), PV_CONTINUE, "block ending exactly at the end of RAM is accepted");
	is_str(fix_output(&fx), "KTAP version 1\n# last block\n", "... and its text printed");
	fix_free(&fx);
}

static void test_header_fields(void)
{
	static const struct { uint16_t cmd; const char *what; } cmds[] = {
		{ 0, "unknown command" }, { PV_CMD_COUNT, "unknown command" }, { 0xFFFF, "unknown command" },
	};
	struct pv_msg *m;

	fix_init(&fx, FMT_KTAP);
	fix_msg(&fx, FIX_MSG, PV_CMD_PRINT, 0, NULL, "x")->magic = 0x6D716C6A;
	expect_boot_error(fix_out(&fx, FIX_MSG), "bad message magic", FIX_MSG, PV_CMD_PRINT, "bad magic");
	fix_init(&fx, FMT_KTAP);
	fix_msg(&fx, FIX_MSG, PV_CMD_PRINT, 0, NULL, "x")->version = 2;
	expect_boot_error(fix_out(&fx, FIX_MSG), "unsupported protocol version", FIX_MSG, PV_CMD_PRINT,
			  "version 2");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		fix_init(&fx, FMT_KTAP);
		fix_msg(&fx, FIX_MSG, cmds[i].cmd, 0, NULL, NULL);
		expect_boot_error(fix_out(&fx, FIX_MSG), cmds[i].what, FIX_MSG, cmds[i].cmd, "command out of range");
	}
	fix_init(&fx, FMT_KTAP);
	fix_msg(&fx, FIX_MSG, PV_CMD_PRINT, 0, NULL, "x")->name_len = PV_NAME_MAX + 1;
	expect_boot_error(fix_out(&fx, FIX_MSG), "name or text length out of range", FIX_MSG, PV_CMD_PRINT,
			  "name_len 65");
	fix_init(&fx, FMT_KTAP);
	fix_msg(&fx, FIX_MSG, PV_CMD_PRINT, 0, NULL, "x")->text_len = 0xFFFF;
	expect_boot_error(fix_out(&fx, FIX_MSG), "name or text length out of range", FIX_MSG, PV_CMD_PRINT,
			  "text_len 65535");
	fix_init(&fx, FMT_KTAP);
	m = fix_msg(&fx, FIX_MSG, PV_CMD_PRINT, 0, NULL, "x");
	m->reserved = 1;
	expect_boot_error(fix_out(&fx, FIX_MSG), "reserved field is not zero", FIX_MSG, PV_CMD_PRINT,
			  "reserved != 0");
}

/* HELLO with the standard table after `tamper` changed it. */
static enum pv_action hello_tampered(void (*tamper)(void))
{
	struct pv_msg *m = fix_msg(&fx, FIX_MSG, PV_CMD_HELLO, fix_table(&fx, fix_std, 2), NULL, NULL);

	m->arg[1] = 2;
	tamper();
	return fix_out(&fx, FIX_MSG);
}

static struct pv_suite_desc *desc(int s)
{
	return (struct pv_suite_desc *)(fx.mem.hva + FIX_TABLE) + s;
}

static struct pv_test_desc *tdesc(int s, int t)
{
	return (struct pv_test_desc *)(fx.mem.hva + fx.suite_tests[s]) + t;
}

static void name_outside(void) { desc(1)->name = FIX_RAM; }
static void name_wraps(void) { tdesc(0, 1)->name = UINT64_MAX; }
static void name_unterminated(void) { memset(fx.mem.hva + desc(0)->name, 'a', PV_NAME_MAX); }
static void name_at_ram_end(void) { fx.mem.hva[FIX_RAM - 1] = 'z'; tdesc(1, 0)->name = FIX_RAM - 1; }
static void name_space(void) { strcpy((char *)fx.mem.hva + tdesc(0, 0)->name, "o e"); }
static void name_hash(void) { strcpy((char *)fx.mem.hva + desc(1)->name, "b#"); }
static void name_empty(void) { fx.mem.hva[tdesc(0, 1)->name] = '\0'; }
static void name_ctrl(void) { fx.mem.hva[tdesc(1, 0)->name] = '\x1b'; }
static void name_high(void) { fx.mem.hva[desc(0)->name] = (char)0xC3; }
static void table_outside(void) { ((struct pv_msg *)(fx.mem.hva + FIX_MSG))->arg[0] = FIX_RAM - 8; }
static void too_many_suites(void) { ((struct pv_msg *)(fx.mem.hva + FIX_MSG))->arg[1] = PV_MAX_SUITES + 1; }
static void suites_2_32(void) { ((struct pv_msg *)(fx.mem.hva + FIX_MSG))->arg[1] = 1ull << 32; }
static void too_many_tests(void) { desc(1)->ntests = PV_MAX_TESTS + 1; }
static void tests_outside(void) { desc(1)->tests = FIX_RAM - 8; }
static void tests_wrap(void) { desc(0)->tests = UINT64_MAX - 15; }

static void test_hello_table(void)
{
	static const struct { void (*tamper)(void); const char *what, *label; } cases[] = {
		{ name_outside, "test table: name outside RAM or too long", "suite name outside RAM" },
		{ name_wraps, "test table: name outside RAM or too long", "test name at 2^64-1" },
		{ name_unterminated, "test table: name outside RAM or too long", "name without NUL in 64 bytes" },
		{ name_at_ram_end, "test table: name outside RAM or too long", "unterminated name at RAM end" },
		{ name_space, "test table: name is empty or has spaces, '#' or control characters", "space" },
		{ name_hash, "test table: name is empty or has spaces, '#' or control characters", "'#'" },
		{ name_empty, "test table: name is empty or has spaces, '#' or control characters", "empty" },
		{ name_ctrl, "test table: name is empty or has spaces, '#' or control characters", "ESC" },
		{ name_high, "test table: name is empty or has spaces, '#' or control characters", "byte 0xC3" },
		{ table_outside, "test table: suite descriptor outside RAM", "suite table at RAM end" },
		{ too_many_suites, "HELLO: too many suites", "65 suites" },
		{ suites_2_32, "HELLO: too many suites", "2^32 suites (no truncation)" },
		{ too_many_tests, "test table: too many tests in a suite", "257 tests" },
		{ tests_outside, "test table: test array outside RAM", "test array at RAM end" },
		{ tests_wrap, "test table: test array outside RAM", "test array wrapping 2^64" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fix_init(&fx, FMT_KTAP);
		expect_boot_error(hello_tampered(cases[i].tamper), cases[i].what, FIX_MSG, PV_CMD_HELLO,
				  cases[i].label);
	}
}

/* A test table at odd addresses is the guest's choice and must work: the descriptors are
 * copied, not dereferenced in place (found by fuzz_pvport: UBSan, misaligned member access). */
static void test_hello_misaligned_table(void)
{
	struct pv_msg *m;
	struct pv_suite_desc d;

	fix_init(&fx, FMT_KTAP);
	fix_table(&fx, fix_std, 2);
	for (int s = 1; s >= 0; s--) {     /* each test array one byte up, then the suite table */
		memcpy(&d, fx.mem.hva + FIX_TABLE + s * sizeof(d), sizeof(d));
		memmove(fx.mem.hva + d.tests + 1, fx.mem.hva + d.tests, d.ntests * sizeof(struct pv_test_desc));
		d.tests++;
		memcpy(fx.mem.hva + FIX_TABLE + s * sizeof(d), &d, sizeof(d));
	}
	memmove(fx.mem.hva + FIX_TABLE + 1, fx.mem.hva + FIX_TABLE, 2 * sizeof(d));
	m = fix_msg(&fx, FIX_MSG, PV_CMD_HELLO, FIX_TABLE + 1, NULL, NULL);
	m->arg[1] = 2;
	is_int(fix_out(&fx, FIX_MSG), PV_CONTINUE, "HELLO with a misaligned test table accepted");
	is_int(fx.report.plan.nsuites, 2, "misaligned table: both suites read");
	is_int(fx.mem.hva[fx.suite_tests[1] + 1 + offsetof(struct pv_test_desc, selected)], 1,
	       "misaligned table: selection written back");
	fix_free(&fx);
}

static void test_bad_metric(void)
{
	fix_init(&fx, FMT_KTAP);
	expect_boot_error(fix_send(&fx, PV_CMD_METRIC, 5, "bad name", "ns"), "METRIC: bad name", FIX_MSG,
			  PV_CMD_METRIC, "metric name with a space");
}

/* The first violation wins: a second bad block after the stop changes nothing. */
static void test_first_error_wins(void)
{
	char want[512];

	fix_init(&fx, FMT_KTAP);
	fix_msg(&fx, FIX_MSG, PV_CMD_PRINT, 0, NULL, "x")->version = 9;
	fix_out(&fx, FIX_MSG);
	fix_out(&fx, FIX_RAM);
	snprintf(want, sizeof(want), "KTAP version 1\n1..1\nnot ok 1 boot # ERROR %s\n",
		 fix_proto_line("unsupported protocol version", FIX_MSG, PV_CMD_PRINT));
	is_str(fix_output(&fx), want, "second violation not reported");
	fix_free(&fx);
}

int main(void)
{
	test_block_address();
	test_header_fields();
	test_hello_table();
	test_hello_misaligned_table();
	test_bad_metric();
	test_first_error_wins();
	return done_testing();
}
