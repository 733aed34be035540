// SPDX-License-Identifier: MIT
/* The local APIC timer's rate, measured against the TSC. */
#include "apic.h"
#include "apic_timer.h"
#include "cpu.h"
#include "tsc.h"

#define APIC_CAL_US             1000u
#define APIC_CAL_BRACKET_US     20u     /* a bracket is ~5 us here: wider, the vCPU was away */
#define APIC_CAL_TRIES          8u

static struct apic_rate rate;

/* TMCCT between two TSC reads, retried while the bracket is wider than APIC_CAL_BRACKET_US. */
static uint32_t tmcct_bracketed(uint64_t *lo, uint64_t *hi)
{
	uint64_t limit = us_to_tsc(APIC_CAL_BRACKET_US);
	uint32_t c = 0;

	for (unsigned i = 0; i < APIC_CAL_TRIES; i++) {
		*lo = rdtsc();
		c = apic_read(APIC_TMCCT);
		*hi = rdtsc();
		if (*hi - *lo <= limit)
			break;
	}
	return c;
}

/*
 * Each TMCCT read happens somewhere inside its [lo, hi] bracket, so the time between the two
 * reads lies in [b.lo - a.hi, b.hi - a.lo]: the midpoints give the rate, the inner span its
 * maximum and the outer its minimum. Unretried, a vCPU descheduled for 4 ms inside the second
 * bracket made a 1 GHz timer measure 1.66 GHz, and a 2 ms one-shot ran 3.3 ms.
 */
static void apic_calibrate(void)
{
	uint64_t a_lo, a_hi, b_lo, b_hi, ticks, span = us_to_tsc(APIC_CAL_US);
	uint32_t c0, c1, khz = tsc_khz();

	apic_write(APIC_LVTT, APIC_LVT_MASKED | APIC_LVT_TIMER_ONESHOT);
	apic_write(APIC_TDCR, APIC_TDR_DIV_1);
	apic_write(APIC_TMICT, 0xFFFFFFFFu);
	c0 = tmcct_bracketed(&a_lo, &a_hi);
	while (rdtsc() - a_hi < span)
		pause();
	c1 = tmcct_bracketed(&b_lo, &b_hi);
	apic_write(APIC_TMICT, 0);
	ticks = c0 - c1;
	rate.khz = ticks * khz / ((b_lo + b_hi) / 2 - (a_lo + a_hi) / 2);
	rate.max = ticks * khz / (b_lo - a_hi);
	rate.min = ticks * khz / (b_hi - a_lo);
}

const struct apic_rate *timer_apic_rate(void)
{
	if (!rate.khz)
		apic_calibrate();
	return &rate;
}

uint64_t timer_apic_khz(void)
{
	return timer_apic_rate()->khz;
}

uint64_t timer_ticks_min_ns(uint32_t count)
{
	return count * 1000000ull / timer_apic_rate()->max;
}

uint64_t timer_ticks_max_ns(uint32_t count)
{
	return count * 1000000ull / timer_apic_rate()->min;
}
