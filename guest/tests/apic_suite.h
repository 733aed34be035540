/* SPDX-License-Identifier: MIT */
/* Suite `apic`, shared between tests/test_apic.c (IDs, SVR, TPR, IPIs, APIC base) and
 * tests/test_apic_timer.c (the three timer modes). */
#ifndef GUEST_TESTS_APIC_SUITE_H
#define GUEST_TESTS_APIC_SUITE_H

#include <stdint.h>

#define TEST_VEC        0x40    /* priority class 4 */
#define TIMER_VEC       0x50
#define TPR_ABOVE       0x50    /* class 5 > class 4: holds TEST_VEC in IRR */
#define IPI_WAIT_US     500000  /* a self-IPI arrives within tens of us, unless the host starves
                                   the vCPU thread: a wait ends as soon as it arrives */
#define SETTLE_US       100     /* several VM exits: a duplicate delivery would show up */
#define TIMER_WAIT_US   500000  /* how long a missing timer interrupt is waited for */
#define TIMER_SLACK_US  1000    /* lateness bound once the vCPU's not-running time is taken off:
                                   measured <= 0.13 ms under the soak's load (docs/verdicts.md) */
#define TIMER_SLACK_UNKNOWN_US 20000 /* when no host measures not-running time (QEMU) */
#ifdef APIC_TIMER_HALF_RATE            /* test image only (guest/meson.build): the timer at half
                                           the rate the counts assume, which the bounds must catch */
#define TIMER_TDCR      APIC_TDR_DIV_2
#else
#define TIMER_TDCR      APIC_TDR_DIV_1
#endif
#define ONESHOT_US      2000    /* a timer at half rate is 2 ms late: twice the slack */
#define PERIOD_US       500     /* KVM clamps periods below 200 us */
#define PERIODS         4
#define DEADLINE_US     500
#define STAMPS          8

/* on_irq() logs every delivery of a vector armed by irq_reset(): count, last vector, TSC stamps */
extern volatile uint32_t irq_count, irq_vec;
extern volatile uint64_t irq_tsc[STAMPS];
void irq_reset(uint8_t vec);
/* xAPIC mode, software-enabled, TPR 0, timer masked and stopped; pending interrupts drained */
void apic_restore(void);

void timer_oneshot(void);
void timer_periodic(void);
void timer_tsc_deadline(void);

#endif
