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
	offcpu_mark(&t->mark);
	t->t0 = rdtsc();
	t->due = t->t0 + us_to_tsc(due_us);
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

/* The TSC of the target-th interrupt, or `now` if it has no stamp. */
static uint64_t stamp_of(const struct timed *t, uint32_t target, uint64_t now)
{
	return target - 1 < t->nstamps ? t->stamp[target - 1] : now;
}

bool timed_wait(struct timed *t, uint32_t target, uint64_t timeout_us)
{
	uint64_t deadline = rdtsc() + us_to_tsc(timeout_us), end;
	struct offcpu prev = t->mark, now, after;

	t->lost = 0;
	sti();
	for (;;) {
		offcpu_mark(&now);	/* a VM exit: pending interrupts get injected at its entry */
		if (!now.known)
			(void)inl(PORT_PV);
		pause();
		if (*t->count >= target)
			break;
		t->lost += lost_between(t, &prev, &now, ~0ull);
		prev = now;
		if (now.hi >= deadline) {
			cli();
			return false;
		}
	}
	/* the interrupt came in the last step, or after it; a mark after it covers the latter */
	cli();
	offcpu_mark(&after);
	end = stamp_of(t, target, now.hi);
	t->lost += lost_between(t, &prev, &now, end) + lost_between(t, &now, &after, end);
	return true;
}

void timed_end(struct timed *t)
{
	t->host_off = offcpu_since(&t->mark, &t->host_queued);
}

uint64_t timed_late(struct timed *t, const char *what, uint64_t ns, uint64_t bound_ns)
{
	t->off = t->lost < t->host_off ? t->lost : t->host_off;
	pv_print("%s: fired after %lu ns, of which %lu ns the vCPU was not running (after it was "
		 "due: %lu ns; host: %lu ns off CPU, run-queue delay %lu ns%s); bound %lu ns",
		 what, ns, t->off, t->lost, t->host_off, t->host_queued,
		 t->mark.known ? "" : ", not measured here", bound_ns);
	return ns > t->off ? ns - t->off : 0;
}
