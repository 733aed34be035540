/* SPDX-License-Identifier: MIT */
/* The TSC clock: its rate (from the host, CPUID 0x40000010 or the PIT), conversions, and the
 * bounded waits and the ACPI PM timer check it times. The bottom of the guest's time. */
#ifndef GUEST_TSC_H
#define GUEST_TSC_H

#include <stdint.h>

#include <abi/pvport.h>

/* lfence keeps rdtsc from running ahead of earlier instructions; never rdtscp (docs/kvm-pvm.md). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

void tsc_init(const struct pv_boot *boot);
uint32_t tsc_khz(void);
uint64_t tsc_to_ns(uint64_t cycles);
uint64_t tsc_to_us(uint64_t cycles);
uint64_t us_to_tsc(uint64_t us);

/*
 * Bounded wait with IF=1: spin until *count >= target or timeout_us passes, with a `pause` and
 * a cheap VM exit per iteration (pending interrupts are taken only at exits here: docs/kvm-pvm.md).
 * Returns 1 if the target was reached. IF is 0 again on return.
 */
int wait_count(volatile uint32_t *count, uint32_t target, uint64_t timeout_us);
/* Same loop for a fixed time: lets any pending interrupt be delivered. */
void idle_us(uint64_t us);

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
