// SPDX-License-Identifier: MIT
/* The test runner: HELLO, then per suite SUITE, per selected test TEST / fn() / RESULT,
 * SUITE_END, and finally DONE with 1 if anything failed. */
#include "lib.h"
#include "pv.h"
#include "test.h"

/* For linker/guest.ld's checks of .irqlab.suites: descriptor size and the host's limit. */
#define SUITE_SIZE 24
_Static_assert(sizeof(struct suite) == SUITE_SIZE, "SUITE_SIZE");
__asm__(".globl test_c_suite_size\n.set test_c_suite_size, " STR(SUITE_SIZE) "\n"
	".globl test_c_max_suites\n.set test_c_max_suites, " STR(PV_MAX_SUITES) "\n");

static struct {
	bool failed;
	bool skipped;
	char diag[PV_TEXT_MAX];         /* first failure, or the skip reason */
	void (*at_end)(void);
} cur;

void test_at_end(void (*fn)(void))
{
	cur.at_end = fn;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	const char *text;

	va_start(ap, fmt);
	text = pv_vprint_at(file, line, fmt, ap);
	va_end(ap);
	if (!cur.failed)
		memcpy(cur.diag, text, strnlen(text, sizeof(cur.diag) - 1) + 1);
	cur.failed = true;
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur.diag, sizeof(cur.diag), fmt, ap);
	va_end(ap);
	cur.skipped = true;
}

static bool suite_selected(const struct suite *s)
{
	for (uint32_t i = 0; i < s->ntests; i++)
		if (s->tests[i].selected)
			return true;
	return false;
}

/* Returns true if a test failed. */
static bool run_test(uint32_t idx, const struct test *t, const struct suite *s, uint32_t ncpus)
{
	enum pv_verdict v;

	pv_test(idx, t->name);
	cur.failed = cur.skipped = false;
	cur.at_end = 0;
	cur.diag[0] = '\0';
	if (s->min_cpus > ncpus)
		test_skip("needs %u CPUs, have %u", s->min_cpus, ncpus);
	else
		t->fn();
	if (cur.at_end) {
		void (*fn)(void) = cur.at_end;

		cur.at_end = 0;
		fn();
	}
	v = cur.failed ? PV_FAIL : cur.skipped ? PV_SKIP : PV_PASS;
	pv_result(v, t->name, v == PV_PASS ? "" : cur.diag);
	return cur.failed;
}

static bool run_suite(uint32_t idx, const struct suite *s, uint32_t ncpus)
{
	bool failed = false;

	if (!suite_selected(s))
		return false;
	pv_suite(idx, s->name);
	for (uint32_t i = 0; i < s->ntests; i++)
		if (s->tests[i].selected)
			failed |= run_test(i, &s->tests[i], s, ncpus);
	pv_suite_end(idx);
	return failed;
}

void test_run_all(const struct pv_boot *boot)
{
	uint32_t ncpus = boot && boot->ncpus ? boot->ncpus : 1;
	uint32_t nsuites = (uint32_t)(__suites_end - __suites_start);
	struct suite *suites = __suites_start;
	bool failed = false;

	pv_hello(suites, nsuites);
	for (uint32_t i = 0; i < nsuites; i++)
		failed |= run_suite(i, &suites[i], ncpus);
	pv_done(failed ? PV_EXIT_FAIL : PV_EXIT_PASS);
}
