/* SPDX-License-Identifier: MIT */
/* The local APIC timer's rate, measured against the TSC. */
#ifndef GUEST_APIC_TIMER_H
#define GUEST_APIC_TIMER_H

#include <stdint.h>

/*
 * APIC timer ticks per ms at divide-by-1, measured against the TSC on first use (it changes
 * LVTT, TDCR and TMICT: LVTT is left masked, TMICT 0). _max is the fastest rate consistent with
 * the measurement: `count * tsc_khz / max` TSC cycles is a sound lower bound for `count` ticks.
 */
uint64_t timer_apic_khz(void);
uint64_t timer_apic_khz_max(void);

#endif
