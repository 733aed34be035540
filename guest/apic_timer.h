/* SPDX-License-Identifier: MIT */
/* The local APIC timer's rate, measured against the TSC. */
#ifndef GUEST_APIC_TIMER_H
#define GUEST_APIC_TIMER_H

#include <stdint.h>

/*
 * APIC timer ticks per ms at divide-by-1, measured against the TSC on first use (it changes
 * LVTT, TDCR and TMICT: LVTT is left masked, TMICT 0). Each of the two TMCCT reads lies between
 * two TSC reads; `min`/`max` are the slowest and fastest rates those brackets allow, whatever
 * happened, and `khz` (from their midpoints) is accurate once they are narrow: the measure is
 * repeated (up to 8 times) until max - min is within 4 % of khz. Bounds use min and max:
 * `count` ticks take at least timer_ticks_min_ns() and at most timer_ticks_max_ns().
 */
struct apic_rate {
	uint64_t khz, min, max;
	unsigned measures;              /* how many it took */
};
const struct apic_rate *timer_apic_rate(void);
uint64_t timer_apic_khz(void);
uint64_t timer_ticks_min_ns(uint32_t count);
uint64_t timer_ticks_max_ns(uint32_t count);

#endif
