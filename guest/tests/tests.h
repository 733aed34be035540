/* SPDX-License-Identifier: MIT */
/* Every suite's test table; tests/suites.c lists them in one array. Each suite file asserts its
 * count matches the one here. */
#ifndef GUEST_TESTS_TESTS_H
#define GUEST_TESTS_TESTS_H

#include "test.h"

#define APIC_NTESTS 12
extern struct test apic_tests[APIC_NTESTS];
#define SMP_NTESTS 6
extern struct test smp_tests[SMP_NTESTS];
#define IPI_NTESTS 16
extern struct test ipi_tests[IPI_NTESTS];
#define MCE_NTESTS 8
extern struct test mce_tests[MCE_NTESTS];
#define MSI_NTESTS 8
extern struct test msi_tests[MSI_NTESTS];
#define IOAPIC_NTESTS 9
extern struct test ioapic_tests[IOAPIC_NTESTS];
#define CHECK_NTESTS 36
extern struct test check_tests[CHECK_NTESTS];

#endif
