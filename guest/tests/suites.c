// SPDX-License-Identifier: MIT
/* All suites, in run order: one contiguous array the host reads as struct pv_suite_desc[]. */
#include "lib.h"
#include "tests.h"

struct suite suites[] = {
	{ "apic", apic_tests, APIC_NTESTS, 1 },
	{ "smp", smp_tests, SMP_NTESTS, 1 },       /* before any suite that starts the APs */
	{ "ipi", ipi_tests, IPI_NTESTS, 2 },
	{ "mce", mce_tests, MCE_NTESTS, 1 },
	{ "msi", msi_tests, MSI_NTESTS, 1 },
	{ "ioapic", ioapic_tests, IOAPIC_NTESTS, 1 },
	{ "check", check_tests, CHECK_NTESTS, 1 },  /* `irqlab check`: one VM per test */
};

const uint32_t nsuites = ARRAY_SIZE(suites);
_Static_assert(ARRAY_SIZE(suites) <= PV_MAX_SUITES, "pvport.h: PV_MAX_SUITES");
