// SPDX-License-Identifier: MIT
/* Timer lateness net of the time the vCPU could not run (timer.h, docs/verdicts.md rule 2). */
#include <abi/layout.h>

#include "cpu.h"
#include "pv.h"
#include "timer.h"

#define GAP_US 50       /* a step longer than this between two TSC reads: the vCPU did not run
                         * (an iteration, one VM exit, takes 10-30 us here; the host caps the sum) */

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

/* The part after `due` of [from, to] if that is a stretch not running (longer than `gap`). */
static uint64_t lost_in(const struct timed *t, uint64_t from, uint64_t to, uint64_t gap)
{
	if (to <= from || to - from <= gap || to <= t->due)
		return 0;
	return to - (from > t->due ? from : t->due);
}

bool timed_wait(struct timed *t, uint32_t target, uint64_t timeout_us)
{
	/* from t0: the vCPU can be descheduled while it arms the timer, before the loop */
	uint64_t gap = us_to_tsc(GAP_US), prev = t->t0, deadline = rdtsc() + us_to_tsc(timeout_us);
	volatile uint64_t *st = t->stamp;
	uint32_t seen = *t->count, n, max = t->nstamps;
	uint64_t now;
	bool reached;

	t->lost = 0;
	sti();
	for (;;) {
		(void)inl(PORT_PV);	/* a VM exit: pending interrupts get injected */
		pause();
		now = rdtsc();
		n = *t->count;
		if (n != seen && seen < max && n <= max) {
			/* up to the first new interrupt, between new ones and from the last one (a
			 * handler, ~100 emulated instructions, included), but not past the one
			 * awaited */
			t->lost += lost_in(t, prev, st[seen], gap);
			for (uint32_t k = seen + 1; k < n && k < target; k++)
				t->lost += lost_in(t, st[k - 1], st[k], 3 * gap);
			if (n < target)
				t->lost += lost_in(t, st[n - 1], now, 3 * gap);
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

void timed_end(struct timed *t)
{
	t->host_off = offcpu_since(&t->mark, &t->host_queued);
}

uint64_t timed_late(struct timed *t, const char *what, uint64_t ns, uint64_t bound_ns)
{
	uint64_t lost = tsc_to_ns(t->lost);

	t->off = lost < t->host_off ? lost : t->host_off;
	pv_print("%s: fired after %lu ns, of which %lu ns the vCPU was not running (after it was "
		 "due: %lu ns; host: %lu ns off CPU, run-queue delay %lu ns%s); bound %lu ns",
		 what, ns, t->off, lost, t->host_off, t->host_queued,
		 t->mark.known ? "" : ", not measured here", bound_ns);
	return ns > t->off ? ns - t->off : 0;
}
