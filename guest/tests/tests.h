/* SPDX-License-Identifier: MIT */
/* Every suite's test table; tests/suites.c lists them in one array. Each suite file asserts its
 * count matches the one here. */
#ifndef GUEST_TESTS_TESTS_H
#define GUEST_TESTS_TESTS_H

#include "test.h"

#define APIC_NTESTS 12
extern struct test apic_tests[APIC_NTESTS];

#endif
