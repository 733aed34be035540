/* SPDX-License-Identifier: MIT */
/* Helpers shared by the suites that need APs (tests/test_smp.c defines them). */
#ifndef GUEST_TESTS_SMP_TESTS_H
#define GUEST_TESTS_SMP_TESTS_H

#include <stdbool.h>

/* true with 2+ CPUs; otherwise marks the test SKIP with the reason */
bool smp_need_aps(void);
/* true once every AP is online (smp_boot() on first use); otherwise a failed check naming them */
bool smp_all_online(void);

#endif
