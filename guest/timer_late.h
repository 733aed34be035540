/* SPDX-License-Identifier: MIT */
/* Timed waits for timer interrupts: lateness measured at VM exits, net of off-CPU time. */
#ifndef GUEST_TIMER_LATE_H
#define GUEST_TIMER_LATE_H

#include <stdbool.h>
#include <stdint.h>

#include "offcpu.h"

/*
 * Timer lateness that the wait loop's own pace and a descheduled vCPU cannot inflate (timer_late.c,
 * docs/verdicts.md rule 2). The caller's handler stamps stamp[*count] with the TSC (while *count
 * < nstamps), then bumps *count. timed_start() before arming (t0; `due_us` later the last awaited
 * interrupt is due); timed_wait() spins until *count >= target, each iteration one mark: a VM
 * exit, at whose entry KVM injects whatever is pending (docs/kvm-pvm.md). An exit after which
 * the interrupt had not come proves the timer had not fired by then, whether or not the vCPU was
 * running meanwhile: `quiet`, the last such exit, is the measure. Off-CPU time is taken off only
 * where it can move that: between t0 and the arming of a relative timer (the first step), and,
 * for a periodic timer, wherever it let ticks coalesce. The worst lateness of the host's own
 * timers over the wait (PORT_PV_TIMER_PROBE) is taken off too: a host that cannot fire its own
 * timers on time cannot fire the guest's (docs/kvm-pvm.md). timed_end() takes the host's off-CPU
 * measure over the whole wait, for the record. timed_late() prints the figures with the
 * caller's bound and returns the ns from t0 to `quiet` less `off` and `host_late`. Without
 * irqlab's port (QEMU) the marks are TSC reads around an exit, and the vCPU is taken to have
 * been away for the whole arming step and for any wait step over STEP_AWAY_US (timer_late.c).
 */
enum timed_kind {
	TIMED_ONESHOT,                  /* relative: a late arming delays it */
	TIMED_PERIODIC,                 /* relative, and ticks coalesce while the vCPU is away */
	TIMED_DEADLINE,                 /* an absolute TSC deadline */
};
struct timed {
	volatile uint32_t *count;       /* interrupts taken */
	volatile uint64_t *stamp;       /* their TSC stamps, nstamps of them */
	uint32_t nstamps;
	enum timed_kind kind;
	uint64_t t0, due;               /* TSC: armed, and when the last expected interrupt is due */
	uint64_t quiet;                 /* TSC: the last exit after which it had not come (>= t0) */
	uint64_t off;                   /* ns: off CPU where it can delay the interrupt */
	uint64_t host_late;             /* ns: the host's own timers' worst lateness over the wait */
	bool probe_known, probe_realtime; /* the host-timer probe answered; at real-time priority */
	uint64_t host_off, host_queued; /* ns: the host's off-CPU and run-queue time over the wait */
	struct offcpu mark;             /* before t0 */
};
void timed_start(struct timed *t, enum timed_kind kind, volatile uint32_t *count,
		 volatile uint64_t *stamp, uint32_t nstamps, uint64_t due_us);
bool timed_wait(struct timed *t, uint32_t target, uint64_t timeout_us);
void timed_end(struct timed *t);
uint64_t timed_late(struct timed *t, const char *what, uint64_t ns, uint64_t bound_ns);

#endif
