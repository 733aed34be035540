/* SPDX-License-Identifier: MIT */
/* Time: the TSC (rate from the host, CPUID 0x40000010 or the PIT), conversions, the local APIC
 * timer's rate measured against the TSC, and bounded waits that let interrupts in. */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include <abi/pvport.h>

/* lfence keeps rdtsc from running ahead of earlier instructions; never rdtscp (docs/kvm-pvm.md). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

void timer_init(const struct pv_boot *boot);
uint32_t tsc_khz(void);
uint64_t tsc_to_ns(uint64_t cycles);
uint64_t tsc_to_us(uint64_t cycles);
uint64_t us_to_tsc(uint64_t us);

/*
 * APIC timer ticks per ms at divide-by-1, measured against the TSC on first use (it changes
 * LVTT, TDCR and TMICT: LVTT is left masked, TMICT 0). _max is the fastest rate consistent with
 * the measurement: `count * tsc_khz / max` TSC cycles is a sound lower bound for `count` ticks.
 */
uint64_t timer_apic_khz(void);
uint64_t timer_apic_khz_max(void);

/*
 * Bounded wait with IF=1: spin until *count >= target or timeout_us passes, with a `pause` and
 * a cheap VM exit per iteration (pending interrupts are taken only at exits here: docs/kvm-pvm.md).
 * Returns 1 if the target was reached. IF is 0 again on return.
 */
int wait_count(volatile uint32_t *count, uint32_t target, uint64_t timeout_us);
/* Same loop for a fixed time: lets any pending interrupt be delivered. */
void idle_us(uint64_t us);

/*
 * Time this vCPU could not run, as its host thread's clocks show it: one 32-bit `in` from
 * PORT_PV_OFFCPU (one cheap VM exit) reads host CLOCK_MONOTONIC less the thread's CPU time, mod
 * 2^32, so a difference of two reads is the time it was off CPU for any reason (waiting for a
 * CPU, or blocked in the host kernel). A descheduled vCPU cannot take an interrupt, so lateness
 * bounds subtract it (docs/verdicts.md); that is sound only while the guest spins (no hlt), so
 * that being off CPU is never the guest's own choice. A mark is one such read, between the TSC
 * reads lo and hi. Without irqlab (QEMU) nothing is measured: known is false and differences 0.
 */
struct offcpu {
	uint64_t lo, hi;                /* TSC just before and just after the host read its clocks */
	uint32_t off;                   /* ns off CPU, mod 2^32 */
	bool known;
};
void offcpu_mark(struct offcpu *m);
/* Off-CPU ns from mark a to mark b (0 unless both are known; a wait is far below 2^31 ns). */
uint64_t offcpu_between(const struct offcpu *a, const struct offcpu *b);
/* The vCPU thread's run-queue delay so far, in ns (PV_REQ_RUN_DELAY; 0 without irqlab): the
 * part of the off-CPU time spent waiting for a CPU, printed beside it. */
uint64_t offcpu_queued_ns(void);

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
 * caller's bound and returns the ns from t0 to `quiet` less `off` and `host_late`. Without irqlab's marks (QEMU)
 * `quiet` is the interrupt's own stamp and nothing is taken off.
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

/*
 * The ACPI PM timer (PORT_ACPI_PM_TMR: irqlab's, from the host's CLOCK_MONOTONIC) read between
 * two TSC reads; a read whose bracket is wider than 50 us is retried (up to 8 times). Two stamps
 * give the TSC's rate against an independent clock: pm_tsc_check() returns 0 if the PM interval
 * lies in the bracketed TSC interval (converted at tsc_khz()) within 0.1% + 1 us, else -1 with
 * the figures in *pm_ns, *lo_ns, *hi_ns. Only under irqlab (elsewhere the port is unknown).
 */
struct pm_stamp {
	uint64_t tsc_lo, tsc_hi;
	uint32_t pm;
};
void pm_stamp(struct pm_stamp *s);
int pm_tsc_check(const struct pm_stamp *a, const struct pm_stamp *b, uint64_t *pm_ns,
		 uint64_t *lo_ns, uint64_t *hi_ns);

#endif
