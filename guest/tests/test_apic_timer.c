// SPDX-License-Identifier: MIT
/* Suite `apic`: the local APIC timer in one-shot, periodic and TSC-deadline mode (SDM 11.5.4). */
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/msr.h>

#include "apic.h"
#include "apic_suite.h"
#include <abi/layout.h>

#include "apic_timer.h"
#include "cpu.h"
#include "pv.h"
#include "test.h"
#include "timer_late.h"
#include "tsc.h"

/*
 * Timer interrupts: never early (strict: t0 is read before arming, so the measured time can only
 * be too long, and the tick rate used for the bound is the fastest the calibration allows), and
 * never still undelivered at an exit later than the slack past due (at the slowest rate the
 * calibration allows), net of the time the vCPU could not run where that can delay the
 * interrupt (docs/verdicts.md, rule 2).
 * Rates are measured against the TSC (apic_timer.c), not assumed, and the TSC against the ACPI PM
 * timer (the host's CLOCK_MONOTONIC) over the one-shot test. A missing interrupt is waited for
 * TIMER_WAIT_US.
 *
 * Both are measured by timed_wait() (timer_late.h); without irqlab's off-CPU port (QEMU) the time
 * the vCPU was away is only estimated from the TSC, and the slack is TIMER_SLACK_UNKNOWN_US.
 */

/* Lateness check: `ns` from t0 to the interrupt, `want_ns` programmed (the longest the
 * calibration allows). */
static void check_late(const char *what, struct timed *t, uint64_t ns, uint64_t want_ns)
{
	uint64_t slack = t->mark.known ? TIMER_SLACK_US : TIMER_SLACK_UNKNOWN_US;
	uint64_t bound = want_ns + slack * 1000ull;

	uint64_t late = timed_late(t, what, ns, bound);

	check(late <= bound, "%s: not fired by an exit %lu ns after t0 net of %lu ns the vCPU was "
	      "not running where that could delay it and %lu ns the host's own timers were late "
	      "(fired after %lu ns); bound %lu ns", what, late, t->off, t->host_late, ns, bound);
}

void timer_oneshot(void)
{
	const struct apic_rate *r = timer_apic_rate();
	uint32_t count = (uint32_t)(r->khz * ONESHOT_US / 1000);
	uint64_t min_ns = timer_ticks_min_ns(count), ns, pm_ns, lo, hi;
	struct pm_stamp pm0, pm1;
	struct timed t;

	pv_print("APIC timer %lu kHz at divide-by-1 (%lu-%lu kHz within the calibration's "
		 "brackets, %u measure%s)", r->khz, r->min, r->max, r->measures,
		 r->measures == 1 ? "" : "s");
	irq_reset(TIMER_VEC);
	apic_write(APIC_TDCR, TIMER_TDCR);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | TIMER_VEC);
	if (pv_irqlab())
		pm_stamp(&pm0);
	timed_start(&t, TIMED_ONESHOT, &irq_count, irq_tsc, STAMPS, ONESHOT_US);
	apic_write(APIC_TMICT, count);
	if (check(timed_wait(&t, 1, TIMER_WAIT_US), "one-shot %u ticks (%u us at %lu kHz): no "
		  "interrupt within %u us", count, ONESHOT_US, r->khz, TIMER_WAIT_US)) {
		timed_end(&t);
		ns = tsc_to_ns(irq_tsc[0] - t.t0);
		check(ns >= min_ns, "one-shot %u ticks: fired after %lu ns, early (>= %lu ns at "
		      "<= %lu kHz)", count, ns, min_ns, r->max);
		check_late("one-shot", &t, ns, timer_ticks_max_ns(count));
		idle_us(SETTLE_US);
		check(irq_count == 1, "one-shot: expected 1 interrupt, got %u", irq_count);
		check(apic_read(APIC_TMCCT) == 0, "one-shot: current count not 0 after expiry");
		pv_metric("apic_timer_oneshot_late", (int64_t)(ns - count * 1000000ull / r->khz), "ns");
	}
	if (pv_irqlab()) {	/* the TSC that timed it, against an independent clock */
		pm_stamp(&pm1);
		check(!pm_tsc_check(&pm0, &pm1, &pm_ns, &lo, &hi), "TSC at %u kHz against the ACPI PM "
		      "timer: %lu ns passed by the PM timer, %lu-%lu ns by the TSC", tsc_khz(), pm_ns,
		      lo, hi);
	}
	apic_restore();
}

void timer_periodic(void)
{
	uint32_t count = (uint32_t)(timer_apic_khz() * PERIOD_US / 1000);
	uint64_t min_ns = timer_ticks_min_ns(count), ns;
	struct timed t;
	bool fired;

	irq_reset(TIMER_VEC);
	apic_write(APIC_TDCR, TIMER_TDCR);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | TIMER_VEC);
	/* due from t0: a vCPU off CPU in any period delays every later tick */
	timed_start(&t, TIMED_PERIODIC, &irq_count, irq_tsc, STAMPS, 0);
	apic_write(APIC_TMICT, count);
	fired = timed_wait(&t, PERIODS, TIMER_WAIT_US);
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_TMICT, 0);
	timed_end(&t);
	check(fired, "periodic %u ticks (%u us): %u of %u interrupts within %u us",
	      count, PERIOD_US, irq_count, PERIODS, TIMER_WAIT_US);
	for (uint32_t k = 0; k < PERIODS && k < irq_count; k++) {
		ns = tsc_to_ns(irq_tsc[k] - t.t0);
		if (!check(ns >= (k + 1) * min_ns, "periodic: interrupt %u after %lu ns, early "
			   "(>= %u periods of >= %lu ns)", k + 1, ns, k + 1, min_ns))
			break;
	}
	if (fired) {
		ns = tsc_to_ns(irq_tsc[PERIODS - 1] - t.t0);
		check_late("periodic, 4 periods", &t, ns, PERIODS * timer_ticks_max_ns(count));
		pv_metric("apic_timer_period", (int64_t)(ns / PERIODS), "ns");
	}
	apic_restore();
}

/* SDM 11.5.4.1: fires when TSC >= IA32_TSC_DEADLINE, then disarms itself (the MSR reads 0). */
void timer_tsc_deadline(void)
{
	uint64_t deadline, late, msr;
	struct timed t;

	if (!(cpuid(1).ecx & CPUID_1_ECX_TSC_DEADLINE)) {
		test_skip("no TSC-deadline mode: CPUID.01H:ECX[24] clear");
		return;
	}
	irq_reset(TIMER_VEC);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | TIMER_VEC);	/* mode before MSR */
	timed_start(&t, TIMED_DEADLINE, &irq_count, irq_tsc, STAMPS, DEADLINE_US);
	deadline = t.due;
	wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
	if (check(timed_wait(&t, 1, TIMER_WAIT_US), "TSC deadline +%u us: no interrupt within %u us",
		  DEADLINE_US, TIMER_WAIT_US)) {
		timed_end(&t);
		check(irq_tsc[0] >= deadline, "TSC deadline: interrupt at TSC %lu, %lu ns before "
		      "the deadline", irq_tsc[0], tsc_to_ns(deadline - irq_tsc[0]));
		late = irq_tsc[0] >= deadline ? tsc_to_ns(irq_tsc[0] - deadline) : 0;
		check_late("TSC deadline", &t, tsc_to_ns(irq_tsc[0] - t.t0), DEADLINE_US * 1000ull);
		msr = rdmsr(MSR_IA32_TSC_DEADLINE);
		check(msr == 0, "IA32_TSC_DEADLINE reads 0x%lx after the interrupt, expected 0", msr);
		idle_us(SETTLE_US);
		check(irq_count == 1, "TSC deadline: expected 1 interrupt, got %u", irq_count);
		pv_metric("tsc_deadline_late", (int64_t)late, "ns");
	}
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	apic_restore();
}
