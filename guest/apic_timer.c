// SPDX-License-Identifier: MIT
/* The local APIC timer's rate, measured against the TSC. */
#include "apic.h"
#include "apic_timer.h"
#include "cpu.h"
#include "tsc.h"

#define APIC_CAL_US     1000u

static uint64_t apic_khz, apic_khz_max;

/*
 * Each TMCCT read happens somewhere inside its [rdtsc, rdtsc] bracket, so the time between the
 * two reads lies in [t2 - t1, t3 - t0]: the midpoints give the rate, the inner span its maximum.
 */
static void apic_calibrate(void)
{
	uint64_t t0, t1, t2, t3, ticks, span = us_to_tsc(APIC_CAL_US);
	uint32_t c0, c1, khz = tsc_khz();

	apic_write(APIC_LVTT, APIC_LVT_MASKED | APIC_LVT_TIMER_ONESHOT);
	apic_write(APIC_TDCR, APIC_TDR_DIV_1);
	apic_write(APIC_TMICT, 0xFFFFFFFFu);
	t0 = rdtsc();
	c0 = apic_read(APIC_TMCCT);
	t1 = rdtsc();
	while (rdtsc() - t1 < span)
		pause();
	t2 = rdtsc();
	c1 = apic_read(APIC_TMCCT);
	t3 = rdtsc();
	apic_write(APIC_TMICT, 0);
	ticks = c0 - c1;
	apic_khz = ticks * khz / ((t2 + t3) / 2 - (t0 + t1) / 2);
	apic_khz_max = ticks * khz / (t2 - t1);
}

uint64_t timer_apic_khz(void)
{
	if (!apic_khz)
		apic_calibrate();
	return apic_khz;
}

uint64_t timer_apic_khz_max(void)
{
	if (!apic_khz_max)
		apic_calibrate();
	return apic_khz_max;
}
