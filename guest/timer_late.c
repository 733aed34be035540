// SPDX-License-Identifier: MIT
/* Timer lateness that neither the wait loop's pace nor a descheduled vCPU inflates (timer_late.h,
 * docs/verdicts.md rule 2). */
#include <abi/layout.h>

#include "cpu.h"
#include "lib.h"
#include "offcpu.h"
#include "pv.h"
#include "timer_late.h"
#include "tsc.h"

/* Without irqlab's port (QEMU), a wait step longer than this is time the vCPU did not run: a
 * step is an exit and a few instructions, microseconds. */
#define STEP_AWAY_US    500

void timed_start(struct timed *t, enum timed_kind kind, volatile uint32_t *count,
		 volatile uint64_t *stamp, uint32_t nstamps, uint64_t due_us)
{
	t->kind = kind;
	t->count = count;
	t->stamp = stamp;
	t->nstamps = nstamps;
	t->host_queued = offcpu_queued_ns();
	offcpu_mark(&t->mark);
	if (t->mark.known)
		outl(PORT_PV_TIMER_PROBE, 1);	/* the host times itself meanwhile */
	t->t0 = rdtsc();
	t->due = t->t0 + us_to_tsc(due_us);
}

/* The TSC stamp of the target-th interrupt, or `otherwise` if the handler had no room for it. */
static uint64_t stamp_of(const struct timed *t, uint32_t target, uint64_t otherwise)
{
	return target - 1 < t->nstamps ? t->stamp[target - 1] : otherwise;
}

/* ns the vCPU could not run, `off`, at most the ns from t0 to `to` (where it could matter). */
static uint64_t off_until(const struct timed *t, uint64_t off, uint64_t to)
{
	uint64_t span = to > t->t0 ? tsc_to_ns(to - t->t0) : 0;

	return off < span ? off : span;
}

/*
 * What the interrupt's stamp says once the wait is over. `quiet`: the later of the two last marks
 * whose exit came before the stamp (its entry would have delivered a pending interrupt before
 * its closing TSC read), else t0. `off`: for a relative timer the off-CPU time of the first step
 * (from the mark before t0 to the first after arming: it may have delayed the arming, it cannot
 * be told), for a periodic one all of it up to `quiet` (a tick that came while the vCPU was away
 * coalesced with the next), for a deadline none. Without irqlab's measure, the first step counts
 * whole, and for a periodic timer the long steps (`away`, `away_prev`: up to now and prev, ns).
 */
static void settle(struct timed *t, const struct offcpu *first, const struct offcpu *prev,
		   const struct offcpu *now, uint32_t target, uint64_t away, uint64_t away_prev)
{
	uint64_t stamp = stamp_of(t, target, now->hi);
	const struct offcpu *last = now->hi < stamp ? now : prev && prev->hi < stamp ? prev : 0;

	t->quiet = last && last->lo > t->t0 ? last->lo : t->t0;
	if (t->kind == TIMED_DEADLINE)
		t->off = 0;
	else if (t->kind == TIMED_PERIODIC && last)
		t->off = off_until(t, t->mark.known ? offcpu_between(&t->mark, last) :
				   last == now ? away : away_prev, t->quiet);
	else
		t->off = off_until(t, t->mark.known ? offcpu_between(&t->mark, first) : UINT64_MAX,
				   first->hi < t->quiet ? first->hi : t->quiet);
}

/* The host-timer probe's worst lateness over the wait, and off again (irqlab only). */
static void probe_off(struct timed *t)
{
	uint32_t v = inl(PORT_PV_TIMER_PROBE);

	outl(PORT_PV_TIMER_PROBE, 0);
	t->probe_known = v != 0xFFFFFFFFu;
	t->probe_realtime = t->probe_known && !(v & TIMER_PROBE_NOT_REALTIME);
	t->host_late = t->probe_known ? v & ~TIMER_PROBE_NOT_REALTIME : 0;
}

/*
 * The loop does as little as it can between exits (an instruction is ~1 us here, and a pending
 * interrupt waits for the next exit): a mark, the count and the deadline. Without irqlab's
 * port (QEMU: the `in` reads all ones, an exit all the same) it also sums the steps longer than
 * STEP_AWAY_US, the only sign there that the vCPU did not run.
 */
bool timed_wait(struct timed *t, uint32_t target, uint64_t timeout_us)
{
	uint64_t deadline = rdtsc() + us_to_tsc(timeout_us), long_step = us_to_tsc(STEP_AWAY_US);
	uint64_t away = 0, away_prev = 0;       /* TSC in long steps up to now, and up to prev */
	struct offcpu first, m[2], *prev = 0, *now = &first, *spare;
	bool measured = t->mark.known;

	t->off = t->host_late = 0;
	t->probe_known = t->probe_realtime = false;
	sti();
	offcpu_read(&first);
	for (unsigned i = 0; *t->count < target; i ^= 1) {
		if (now->hi >= deadline) {
			cli();
			probe_off(t);
			return false;
		}
		spare = &m[i];
		offcpu_read(spare);
		if (!measured) {
			away_prev = away;
			if (spare->lo - now->hi > long_step)
				away += spare->lo - now->hi;
		}
		prev = now;
		now = spare;
	}
	cli();
	probe_off(t);
	settle(t, &first, prev, now, target, tsc_to_ns(away), tsc_to_ns(away_prev));
	return true;
}

void timed_end(struct timed *t)
{
	struct offcpu end;

	offcpu_mark(&end);
	t->host_off = offcpu_between(&t->mark, &end);
	t->host_queued = offcpu_queued_ns() - t->host_queued;
}

uint64_t timed_late(struct timed *t, const char *what, uint64_t ns, uint64_t bound_ns)
{
	uint64_t quiet = tsc_to_ns(t->quiet - t->t0), taken = t->off + t->host_late;

	pv_print("%s: fired after %lu ns, not by an exit %lu ns after t0; taken off: %lu ns the "
		 "vCPU not running where that could delay it%s, %lu ns the host's own timers were "
		 "late%s (host: %lu ns off CPU over the wait, run-queue delay %lu ns%s); bound %lu ns",
		 what, ns, quiet, t->off,
		 t->mark.known ? "" : " (no host measure: the arming step whole, steps over "
		 STR(STEP_AWAY_US) " us)",
		 t->host_late, !t->probe_known ? " (no probe)" :
		 t->probe_realtime ? "" : " (probe not real-time)", t->host_off, t->host_queued,
		 t->mark.known ? "" : ", not measured here", bound_ns);
	return quiet > taken ? quiet - taken : 0;
}
