// SPDX-License-Identifier: MIT
/* Timer lateness net of the time the vCPU could not run (timer.h, docs/verdicts.md rule 2). */
#include <abi/layout.h>

#include "cpu.h"
#include "pv.h"
#include "timer.h"

void timed_start(struct timed *t, volatile uint32_t *count, volatile uint64_t *stamp,
		 uint32_t nstamps, uint64_t due_us)
{
	t->count = count;
	t->stamp = stamp;
	t->nstamps = nstamps;
	t->host_queued = offcpu_queued_ns();
	offcpu_mark(&t->mark);
	t->t0 = rdtsc();
	t->due = t->t0 + us_to_tsc(due_us);
	t->due_fixed = false;
}

/*
 * The off-CPU time between marks a and b that can have delayed an interrupt due at `due` and
 * taken at TSC `end`: the host's measure, at most the ns of [a.lo, b.hi] (where it happened)
 * that lie in [due, end].
 */
static uint64_t lost_between(const struct timed *t, const struct offcpu *a,
			     const struct offcpu *b, uint64_t end)
{
	uint64_t from = a->lo > t->due ? a->lo : t->due, to = b->hi < end ? b->hi : end, span;
	uint64_t off = offcpu_between(a, b);

	if (to <= from)
		return 0;
	span = tsc_to_ns(to - from);
	return off < span ? off : span;
}

/* The TSC of the target-th interrupt, or `now` if it has no stamp; ~0 while it has not come. */
static uint64_t end_of(const struct timed *t, uint32_t target, uint64_t now)
{
	if (*t->count < target)
		return ~0ull;
	return target - 1 < t->nstamps ? t->stamp[target - 1] : now;
}

/*
 * The first step, from the mark before t0 to the first one after the caller armed the timer: off
 * CPU there may have been before the arming, which then started a relative timer that much
 * later. It cannot be told apart, so it counts as lateness taken off, and the due time moves by
 * as much (so that no stretch is counted twice). A fixed due time (a TSC deadline) does not move:
 * that step counts like any other.
 */
static void first_step(struct timed *t, const struct offcpu *mark, const struct offcpu *first,
		       uint64_t end)
{
	uint64_t off = offcpu_between(mark, first), span;

	if (t->due_fixed) {
		t->lost = lost_between(t, mark, first, end);
		return;
	}
	span = tsc_to_ns((first->hi < end ? first->hi : end) - mark->lo);
	t->lost = off < span ? off : span;
	t->due += t->lost * tsc_khz() / 1000000;
}

/* One iteration of the wait: a mark, which is a VM exit, at whose entry pending interrupts get
 * injected (an exit of its own where nothing is measured). */
static void step(struct offcpu *m)
{
	offcpu_mark(m);
	if (!m->known)
		(void)inl(PORT_PV);
	pause();
}

bool timed_wait(struct timed *t, uint32_t target, uint64_t timeout_us)
{
	uint64_t deadline = rdtsc() + us_to_tsc(timeout_us);
	struct offcpu prev, now, after;

	sti();
	step(&now);
	first_step(t, &t->mark, &now, end_of(t, target, now.hi));
	while (*t->count < target) {
		if (now.hi >= deadline) {
			cli();
			return false;
		}
		prev = now;
		step(&now);
		t->lost += lost_between(t, &prev, &now, end_of(t, target, now.hi));
	}
	/* the interrupt came in the last step, or after it: a mark after it covers the latter */
	cli();
	offcpu_mark(&after);
	t->lost += lost_between(t, &now, &after, end_of(t, target, now.hi));
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
	t->off = t->lost < t->host_off ? t->lost : t->host_off;
	pv_print("%s: fired after %lu ns, of which %lu ns the vCPU was not running (while arming "
		 "or after it was due: %lu ns; host: %lu ns off CPU, run-queue delay %lu ns%s); bound %lu ns",
		 what, ns, t->off, t->lost, t->host_off, t->host_queued,
		 t->mark.known ? "" : ", not measured here", bound_ns);
	return ns > t->off ? ns - t->off : 0;
}
