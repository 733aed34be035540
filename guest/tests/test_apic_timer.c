// SPDX-License-Identifier: MIT
/* Suite `apic`: the local APIC timer in one-shot, periodic and TSC-deadline mode (SDM 11.5.4). */
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/msr.h>

#include "apic.h"
#include "apic_suite.h"
#include <abi/layout.h>

#include "cpu.h"
#include "pv.h"
#include "test.h"
#include "timer.h"

/*
 * Timer interrupts: never early (strict: t0 is read before arming, so the measured time can only
 * be too long, and the tick rate used for the bound is the fastest the calibration allows), and
 * late by at most the slack once the time the vCPU could not run is taken off (docs/verdicts.md).
 * Rates are measured against the TSC (timer.c), not assumed, and the TSC against the ACPI PM
 * timer (the host's CLOCK_MONOTONIC) over the one-shot test. A missing interrupt is waited for
 * TIMER_WAIT_US.
 *
 * Time not running: while it waits the guest spins (an exit per ~10-30 us iteration, never hlt),
 * so a step of more than GAP_US between two TSC reads is a stretch in which this vCPU did not
 * run. Only the stretches after the interrupt was due count (a vCPU descheduled before that
 * delays nothing); the stamps of interrupts that came in an iteration split it (a stretch
 * between two stamps is one too, with the handler's time allowed for); and no
 * more than the host's own measure of the vCPU thread's off-CPU time (PV_REQ_RUN_DELAY) is
 * taken off. Without that measure (QEMU) nothing is, and the slack is TIMER_SLACK_UNKNOWN_US.
 */
#define GAP_US 100

struct timed {
	uint64_t t0, due;               /* TSC: armed, and when the last expected interrupt is due */
	uint64_t lost;                  /* TSC cycles: stretches after `due` not running */
	uint64_t host_off, host_queued; /* ns: the host's off-CPU and run-queue time over the wait */
	struct offcpu mark;
};

static void timed_start(struct timed *t, uint64_t due_us)
{
	offcpu_mark(&t->mark);
	t->t0 = rdtsc();
	t->due = t->t0 + us_to_tsc(due_us);
}

/* The part after `due` of [from, to] if that is a stretch not running (longer than `gap`). */
static uint64_t lost_in(const struct timed *t, uint64_t from, uint64_t to, uint64_t gap)
{
	if (to <= from || to - from <= gap || to <= t->due)
		return 0;
	return to - (from > t->due ? from : t->due);
}

/* wait_count(&irq_count, target, TIMER_WAIT_US), summing the stretches not running (above). */
static bool timed_wait(struct timed *t, uint32_t target)
{
	/* from t0: the vCPU can be descheduled while it arms the timer, before the loop */
	uint64_t gap = us_to_tsc(GAP_US), prev = t->t0, deadline = rdtsc() + us_to_tsc(TIMER_WAIT_US);
	uint64_t now;
	uint32_t seen = irq_count, n;
	bool reached;

	t->lost = 0;
	sti();
	for (;;) {
		(void)inl(PORT_PV);	/* a VM exit: pending interrupts get injected */
		pause();
		now = rdtsc();
		n = irq_count;
		if (n != seen && seen < STAMPS && n <= STAMPS) {
			/* up to the first new interrupt, between new ones and from the last one (a
			 * handler, ~100 emulated instructions, included), but not past the one
			 * awaited */
			t->lost += lost_in(t, prev, irq_tsc[seen], gap);
			for (uint32_t k = seen + 1; k < n && k < target; k++)
				t->lost += lost_in(t, irq_tsc[k - 1], irq_tsc[k], 3 * gap);
			if (n < target)
				t->lost += lost_in(t, irq_tsc[n - 1], now, 3 * gap);
		} else {
			t->lost += lost_in(t, prev, now, gap);
		}
		seen = n;
		prev = now;
		if (n >= target || now >= deadline) {
			reached = n >= target;
			break;
		}
	}
	cli();
	return reached;
}

/* After the wait (and after stopping a periodic timer): the host's view of the same stretch. */
static void timed_end(struct timed *t)
{
	t->host_off = offcpu_since(&t->mark, &t->host_queued);
}

/* Lateness check: `ns` from t0 to the interrupt, `want_ns` programmed. */
static void check_late(const char *what, const struct timed *t, uint64_t ns, uint64_t want_ns)
{
	uint64_t lost = tsc_to_ns(t->lost), off = lost < t->host_off ? lost : t->host_off, ran, bound;

	bound = want_ns + (t->mark.known ? TIMER_SLACK_US : TIMER_SLACK_UNKNOWN_US) * 1000ull;
	ran = ns > off ? ns - off : 0;
	pv_print("%s: fired after %lu ns, of which %lu ns the vCPU was not running (after it was "
		 "due: %lu ns; host: %lu ns off CPU, run-queue delay %lu ns%s); bound %lu ns",
		 what, ns, off, lost, t->host_off, t->host_queued,
		 t->mark.known ? "" : ", not measured here", bound);
	check(ran <= bound, "%s: fired after %lu ns, of which %lu ns the vCPU was not running "
	      "(after it was due: %lu ns; host: %lu ns off CPU); bound %lu ns", what, ns, off, lost,
	      t->host_off, bound);
}

void timer_oneshot(void)
{
	uint64_t khz = timer_apic_khz(), khz_max = timer_apic_khz_max();
	uint32_t count = (uint32_t)(khz * ONESHOT_US / 1000);
	uint64_t min_ns = count * 1000000ull / khz_max, ns, pm_ns, lo, hi;
	struct pm_stamp pm0, pm1;
	struct timed t;

	irq_reset(TIMER_VEC);
	apic_write(APIC_TDCR, TIMER_TDCR);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | TIMER_VEC);
	if (pv_irqlab())
		pm_stamp(&pm0);
	timed_start(&t, ONESHOT_US);
	apic_write(APIC_TMICT, count);
	if (check(timed_wait(&t, 1), "one-shot %u ticks (%u us at %lu kHz): no interrupt within %u us",
		  count, ONESHOT_US, khz, TIMER_WAIT_US)) {
		timed_end(&t);
		ns = tsc_to_ns(irq_tsc[0] - t.t0);
		check(ns >= min_ns, "one-shot %u ticks: fired after %lu ns, early (>= %lu ns at "
		      "<= %lu kHz)", count, ns, min_ns, khz_max);
		check_late("one-shot", &t, ns, ONESHOT_US * 1000ull);
		idle_us(SETTLE_US);
		check(irq_count == 1, "one-shot: expected 1 interrupt, got %u", irq_count);
		check(apic_read(APIC_TMCCT) == 0, "one-shot: current count not 0 after expiry");
		pv_metric("apic_timer_oneshot_late", (int64_t)(ns - count * 1000000ull / khz), "ns");
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
	uint64_t khz = timer_apic_khz(), khz_max = timer_apic_khz_max();
	uint32_t count = (uint32_t)(khz * PERIOD_US / 1000);
	uint64_t min_ns = count * 1000000ull / khz_max, ns;
	struct timed t;
	bool fired;

	irq_reset(TIMER_VEC);
	apic_write(APIC_TDCR, TIMER_TDCR);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | TIMER_VEC);
	/* due from t0: a vCPU off CPU in any period delays every later tick */
	timed_start(&t, 0);
	apic_write(APIC_TMICT, count);
	fired = timed_wait(&t, PERIODS);
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
		check_late("periodic, 4 periods", &t, ns, PERIODS * PERIOD_US * 1000ull);
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
	timed_start(&t, DEADLINE_US);
	deadline = t.due;
	wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
	if (check(timed_wait(&t, 1), "TSC deadline +%u us: no interrupt within %u us", DEADLINE_US,
		  TIMER_WAIT_US)) {
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
