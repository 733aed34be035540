// SPDX-License-Identifier: MIT
/* All suites, in run order: one contiguous array the host reads as struct pv_suite_desc[]. */
#include "lib.h"
#include "tests.h"

struct suite suites[] = {
	{ "apic", apic_tests, APIC_NTESTS, 1 },
};

const uint32_t nsuites = ARRAY_SIZE(suites);
_Static_assert(ARRAY_SIZE(suites) <= PV_MAX_SUITES, "pvport.h: PV_MAX_SUITES");
