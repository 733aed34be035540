// SPDX-License-Identifier: MIT
/* The TSC clock: its rate, conversions, the bounded waits and the PM timer check timed by it. */
#include <abi/layout.h>

#include "cpu.h"
#include "tsc.h"

#define PIT_HZ          1193182u
#define PORT_PIT_CH2    0x42
#define PORT_PIT_CMD    0x43
#define PORT_PIT_GATE   0x61     /* bit 0 gate ch2, bit 1 speaker, bit 5 ch2 output */
#define PIT_CAL_MS      10u

static uint32_t khz;

/* KVM/VMware timing leaf: EAX = TSC kHz, present when 0x40000000.EAX >= 0x40000010. */
static uint32_t cpuid_tsc_khz(void)
{
	if (cpuid(0x40000000).eax < 0x40000010)
		return 0;
	return cpuid(0x40000010).eax;
}

/* PIT channel 2 in mode 0 counts PIT_CAL_MS down with the speaker off; OUT2 goes high at 0. */
static uint32_t pit_tsc_khz(void)
{
	uint16_t latch = PIT_HZ * PIT_CAL_MS / 1000;
	uint64_t t0, t1;

	outb(PORT_PIT_GATE, (inb(PORT_PIT_GATE) & ~0x02) | 0x01);
	outb(PORT_PIT_CMD, 0xB0);	/* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PORT_PIT_CH2, latch & 0xFF);
	outb(PORT_PIT_CH2, latch >> 8);
	t0 = rdtsc();
	while (!(inb(PORT_PIT_GATE) & 0x20))
		;
	t1 = rdtsc();
	return (uint32_t)((t1 - t0) / PIT_CAL_MS);
}

void tsc_init(const struct pv_boot *boot)
{
	khz = boot ? boot->tsc_khz : 0;
	if (!khz)
		khz = cpuid_tsc_khz();
	if (!khz)
		khz = pit_tsc_khz();
}

uint32_t tsc_khz(void) { return khz; }

/* split so cycles * 10^6 cannot overflow (no 128-bit division in a freestanding build) */
uint64_t tsc_to_ns(uint64_t c) { return c / khz * 1000000 + c % khz * 1000000 / khz; }
uint64_t tsc_to_us(uint64_t c) { return c / khz * 1000 + c % khz * 1000 / khz; }
uint64_t us_to_tsc(uint64_t us) { return us * khz / 1000; }

int wait_count(volatile uint32_t *count, uint32_t target, uint64_t timeout_us)
{
	uint64_t deadline = rdtsc() + us_to_tsc(timeout_us);
	int reached;

	sti();
	for (;;) {
		if (*count >= target) {
			reached = 1;
			break;
		}
		/* a VM exit: pending interrupts get injected (docs/kvm-pvm.md). Before the deadline
		 * check, so that even a vCPU descheduled past the deadline takes what is pending */
		(void)inl(PORT_PV);
		pause();
		if (*count >= target) {
			reached = 1;
			break;
		}
		if (rdtsc() >= deadline) {
			reached = 0;
			break;
		}
	}
	cli();
	return reached;
}

void idle_us(uint64_t us)
{
	static volatile uint32_t never;

	wait_count(&never, 1, us);
}

#define PM_TIMER_HZ     3579545u
#define PM_TIMER_MASK   0x00FFFFFFu
#define PM_BRACKET_US   50

void pm_stamp(struct pm_stamp *s)
{
	for (int i = 0; i < 8; i++) {
		s->tsc_lo = rdtsc();
		s->pm = inl(PORT_ACPI_PM_TMR) & PM_TIMER_MASK;
		s->tsc_hi = rdtsc();
		if (s->tsc_hi - s->tsc_lo <= us_to_tsc(PM_BRACKET_US))
			break;
	}
}

/* Each PM read happened inside its bracket and truncates to a tick (~279 ns): the host time
 * between them is pm_ns + [-1, +1] tick, the TSC time [b.lo - a.hi, b.hi - a.lo]. */
int pm_tsc_check(const struct pm_stamp *a, const struct pm_stamp *b, uint64_t *pm_ns,
		 uint64_t *lo_ns, uint64_t *hi_ns)
{
	uint64_t ticks = (b->pm - a->pm) & PM_TIMER_MASK, tick_ns = 1000000000u / PM_TIMER_HZ + 1;
	uint64_t tol;

	*pm_ns = ticks * 1000000000u / PM_TIMER_HZ;
	*lo_ns = tsc_to_ns(b->tsc_lo - a->tsc_hi);
	*hi_ns = tsc_to_ns(b->tsc_hi - a->tsc_lo);
	tol = *pm_ns / 1000 + 1000 + tick_ns;
	return *pm_ns + tol >= *lo_ns && *pm_ns <= *hi_ns + tol ? 0 : -1;
}
