/* SPDX-License-Identifier: MIT */
/*
 * kvm-unit-tests style tests. A suite is a table of named test functions, registered by SUITE()
 * in its own file; the linker gathers every suite into one array (the ELF section
 * .irqlab.suites, sorted by order key: linker/guest.ld) that the host reads at HELLO as
 * struct pv_suite_desc[], so the layouts below are the ABI's (checked). The host rewrites each
 * test's `selected` byte from --test.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/pvport.h>

struct test {
	const char *name;
	void (*fn)(void);
	uint8_t selected;               /* 1 in the image; the host may clear it */
	uint8_t pad[7];
};

struct suite {
	const char *name;
	struct test *tests;
	uint32_t ntests;
	uint32_t min_cpus;              /* with fewer CPUs every test is reported as SKIP */
};

_Static_assert(sizeof(struct test) == sizeof(struct pv_test_desc), "ABI: pv_test_desc");
_Static_assert(offsetof(struct test, name) == offsetof(struct pv_test_desc, name), "ABI");
_Static_assert(offsetof(struct test, fn) == offsetof(struct pv_test_desc, fn), "ABI");
_Static_assert(offsetof(struct test, selected) == offsetof(struct pv_test_desc, selected), "ABI");
_Static_assert(sizeof(struct suite) == sizeof(struct pv_suite_desc), "ABI: pv_suite_desc");
_Static_assert(offsetof(struct suite, name) == offsetof(struct pv_suite_desc, name), "ABI");
_Static_assert(offsetof(struct suite, tests) == offsetof(struct pv_suite_desc, tests), "ABI");
_Static_assert(offsetof(struct suite, ntests) == offsetof(struct pv_suite_desc, ntests), "ABI");
_Static_assert(offsetof(struct suite, min_cpus) == offsetof(struct pv_suite_desc, min_cpus), "ABI");

#define TEST(fn) { #fn, fn, 1, { 0 } }

/*
 * SUITE(order, name, table, min_cpus): register the suite `name` (the host's and KTAP's name)
 * whose tests are `table`, run in ascending `order`: two digits, unique (10 apic, 20 smp, ...,
 * docs/architecture.md lists them); a repeated key or name fails the link. The descriptor goes
 * into section .irqlab.suites.<order>.<name>; linker/guest.ld sorts those by name into
 * .irqlab.suites, between __suites_start and __suites_end. Suites with fewer than min_cpus CPUs
 * report every test as SKIP. Write it at the bottom of the suite's file, after the table.
 */
#define SUITE(order, sname, table, mincpus)                                                     \
	_Static_assert(sizeof(#order) == 3, "SUITE(): the order key is two digits");            \
	_Static_assert(sizeof(table) / sizeof((table)[0]) <= PV_MAX_TESTS, "PV_MAX_TESTS");     \
	/* labels in a discarded section: a second suite with this key or name fails the link */ \
	__asm__(".pushsection .discard.suite_keys, \"a\"\n"                                     \
		".globl suite_order_" #order "\nsuite_order_" #order ":\n"                        \
		".globl suite_name_" #sname "\nsuite_name_" #sname ": .byte 0\n.popsection\n");    \
	__attribute__((used, aligned(8), section(".irqlab.suites." #order "." #sname)))        \
	static struct suite suite_##sname = { #sname, table, sizeof(table) / sizeof((table)[0]), mincpus }

/* linker/guest.ld: the registered suites, in order */
extern struct suite __suites_start[], __suites_end[];

/* Run every selected test of every suite with at least one selected, then PV_DONE. */
void test_run_all(const struct pv_boot *boot);

/*
 * check(cond, fmt, ...): on failure send one diagnostic now ("file:line: <fmt>", say what was
 * expected and what was read) and mark the test failed; the test goes on. Evaluates to cond.
 */
#define check(cond, ...) ({                                             \
	bool check_ok_ = !!(cond);                                      \
	if (!check_ok_)                                                 \
		test_fail(__FILE_NAME__, __LINE__, __VA_ARGS__);        \
	check_ok_;                                                      \
})

void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Call fn once after the running test returns, before its verdict (a check() there counts
 * against the test): cleanup the test must not skip, e.g. draining the interrupts it caused. */
void test_at_end(void (*fn)(void));
/* Mark the running test SKIP with a reason; the test should return. */
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
