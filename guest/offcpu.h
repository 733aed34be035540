/* SPDX-License-Identifier: MIT */
/* Time this vCPU could not run: irqlab's off-CPU port and the host's run-queue delay. */
#ifndef GUEST_OFFCPU_H
#define GUEST_OFFCPU_H

#include <stdbool.h>
#include <stdint.h>

#include <abi/layout.h>
#include <x86/io.h>

#include "tsc.h"

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
/* The VM exit and the two TSC reads around it, inline, for wait loops in which every
 * instruction counts (timer_late.c). `off` means something only where irqlab is known to be
 * underneath (offcpu_mark() says so); elsewhere the `in` reads all ones, but is an exit all the
 * same, and lo and hi still time it. */
static inline void offcpu_read(struct offcpu *m)
{
	m->lo = rdtsc();
	m->off = inl(PORT_PV_OFFCPU);
	m->hi = rdtsc();
	m->known = true;
}
/* A mark anywhere: offcpu_read() under irqlab, else known false. */
void offcpu_mark(struct offcpu *m);
/* Off-CPU ns from mark a to mark b (0 unless both are known; a wait is far below 2^31 ns). */
uint64_t offcpu_between(const struct offcpu *a, const struct offcpu *b);
/* The vCPU thread's run-queue delay so far, in ns (PV_REQ_RUN_DELAY; 0 without irqlab): the
 * part of the off-CPU time spent waiting for a CPU, printed beside it. */
uint64_t offcpu_queued_ns(void);

#endif
