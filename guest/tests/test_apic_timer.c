// SPDX-License-Identifier: MIT
/* Suite `apic`: the local APIC timer in one-shot, periodic and TSC-deadline mode (SDM 11.5.4). */
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/msr.h>

#include "apic.h"
#include "apic_suite.h"
#include "cpu.h"
#include "pv.h"
#include "test.h"
#include "timer.h"

/*
 * Timer interrupts: never early (strict: t0 is read before arming, so the measured time can only
 * be too long, and the tick rate used for the bound is the fastest the calibration allows), and
 * late by at most timer_slack_ns() once the time the vCPU could not run is taken off
 * (docs/verdicts.md). Rates are measured against the TSC (timer.c), not assumed; the TSC itself
 * against the ACPI PM timer (check suite). A missing interrupt is waited for TIMER_WAIT_US.
 */
static uint64_t timer_slack_ns(const struct offcpu *m)
{
	return (m->known ? TIMER_SLACK_US : TIMER_SLACK_UNKNOWN_US) * 1000ull;
}

/* Lateness check: `ns` from t0 to the interrupt (programmed `want_ns`), `off` ns not running. */
static void check_late(const char *what, uint64_t ns, uint64_t want_ns, uint64_t off,
		       uint64_t queued, const struct offcpu *m)
{
	uint64_t ran = ns > off ? ns - off : 0, bound = want_ns + timer_slack_ns(m);

	pv_print("%s: fired after %lu ns, of which %lu ns the vCPU was not running (%lu ns waiting "
		 "for a CPU)%s; bound %lu ns", what, ns, off, queued,
		 m->known ? "" : " [not measured here]", bound);
	check(ran <= bound, "%s: fired after %lu ns, of which %lu ns the vCPU was not running (%lu "
	      "ns waiting for a CPU); bound %lu ns", what, ns, off, queued, bound);
}

void timer_oneshot(void)
{
	uint64_t khz = timer_apic_khz(), khz_max = timer_apic_khz_max();
	uint32_t count = (uint32_t)(khz * ONESHOT_US / 1000);
	uint64_t min_ns = count * 1000000ull / khz_max, t0, ns, off, q;
	struct offcpu m;

	irq_reset(TIMER_VEC);
	apic_write(APIC_TDCR, TIMER_TDCR);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | TIMER_VEC);
	offcpu_mark(&m);
	t0 = rdtsc();
	apic_write(APIC_TMICT, count);
	if (check(wait_count(&irq_count, 1, TIMER_WAIT_US),
		  "one-shot %u ticks (%u us at %lu kHz): no interrupt within %u us",
		  count, ONESHOT_US, khz, TIMER_WAIT_US)) {
		off = offcpu_since(&m, &q);
		ns = tsc_to_ns(irq_tsc[0] - t0);
		check(ns >= min_ns, "one-shot %u ticks: fired after %lu ns, early (>= %lu ns at "
		      "<= %lu kHz)", count, ns, min_ns, khz_max);
		check_late("one-shot", ns, ONESHOT_US * 1000ull, off, q, &m);
		idle_us(SETTLE_US);
		check(irq_count == 1, "one-shot: expected 1 interrupt, got %u", irq_count);
		check(apic_read(APIC_TMCCT) == 0, "one-shot: current count not 0 after expiry");
		pv_metric("apic_timer_oneshot_late", (int64_t)(ns - count * 1000000ull / khz), "ns");
	}
	apic_restore();
}

void timer_periodic(void)
{
	uint64_t khz = timer_apic_khz(), khz_max = timer_apic_khz_max();
	uint32_t count = (uint32_t)(khz * PERIOD_US / 1000);
	uint64_t min_ns = count * 1000000ull / khz_max, t0, ns, off = 0, q = 0;
	struct offcpu m;
	bool fired;

	irq_reset(TIMER_VEC);
	apic_write(APIC_TDCR, TIMER_TDCR);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | TIMER_VEC);
	offcpu_mark(&m);
	t0 = rdtsc();
	apic_write(APIC_TMICT, count);
	fired = wait_count(&irq_count, PERIODS, TIMER_WAIT_US);
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_TMICT, 0);
	if (fired)
		off = offcpu_since(&m, &q);
	check(fired, "periodic %u ticks (%u us): %u of %u interrupts within %u us",
	      count, PERIOD_US, irq_count, PERIODS, TIMER_WAIT_US);
	for (uint32_t k = 0; k < PERIODS && k < irq_count; k++) {
		ns = tsc_to_ns(irq_tsc[k] - t0);
		if (!check(ns >= (k + 1) * min_ns, "periodic: interrupt %u after %lu ns, early "
			   "(>= %u periods of >= %lu ns)", k + 1, ns, k + 1, min_ns))
			break;
	}
	if (fired) {
		ns = tsc_to_ns(irq_tsc[PERIODS - 1] - t0);
		check_late("periodic, 4 periods", ns, PERIODS * PERIOD_US * 1000ull, off, q, &m);
		pv_metric("apic_timer_period", (int64_t)(ns / PERIODS), "ns");
	}
	apic_restore();
}

/* SDM 11.5.4.1: fires when TSC >= IA32_TSC_DEADLINE, then disarms itself (the MSR reads 0). */
void timer_tsc_deadline(void)
{
	uint64_t deadline, late, msr, t0, off, q;
	struct offcpu m;

	if (!(cpuid(1).ecx & CPUID_1_ECX_TSC_DEADLINE)) {
		test_skip("no TSC-deadline mode: CPUID.01H:ECX[24] clear");
		return;
	}
	irq_reset(TIMER_VEC);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | TIMER_VEC);	/* mode before MSR */
	offcpu_mark(&m);
	t0 = rdtsc();
	deadline = t0 + us_to_tsc(DEADLINE_US);
	wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
	if (check(wait_count(&irq_count, 1, TIMER_WAIT_US),
		  "TSC deadline +%u us: no interrupt within %u us", DEADLINE_US, TIMER_WAIT_US)) {
		off = offcpu_since(&m, &q);
		check(irq_tsc[0] >= deadline, "TSC deadline: interrupt at TSC %lu, %lu ns before "
		      "the deadline", irq_tsc[0], tsc_to_ns(deadline - irq_tsc[0]));
		late = irq_tsc[0] >= deadline ? tsc_to_ns(irq_tsc[0] - deadline) : 0;
		check_late("TSC deadline", tsc_to_ns(irq_tsc[0] - t0), DEADLINE_US * 1000ull, off, q, &m);
		msr = rdmsr(MSR_IA32_TSC_DEADLINE);
		check(msr == 0, "IA32_TSC_DEADLINE reads 0x%lx after the interrupt, expected 0", msr);
		idle_us(SETTLE_US);
		check(irq_count == 1, "TSC deadline: expected 1 interrupt, got %u", irq_count);
		pv_metric("tsc_deadline_late", (int64_t)late, "ns");
	}
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	apic_restore();
}
