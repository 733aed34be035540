// SPDX-License-Identifier: MIT
/* Bounded waits on a count (smp_wait.h): spinning with an exit per iteration, or halted and
 * woken by the LVT timer at the deadline. */
#include <stdbool.h>

#include <abi/layout.h>
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/msr.h>

#include "apic.h"
#include "apic_timer.h"
#include "cpu.h"
#include "smp_wait.h"
#include "tsc.h"

int smp_spin_until(volatile uint32_t *count, uint32_t target, uint64_t timeout_us)
{
	uint64_t deadline = rdtsc() + us_to_tsc(timeout_us);
	int ok;

	sti();
	while (!(ok = (int32_t)(*count - target) >= 0) && rdtsc() < deadline) {
		(void)inl(PORT_PV);     /* exit to userspace: a pending interrupt is taken */
		pause();
	}
	cli();
	return ok;
}

/*
 * The LVT timer ends the last hlt of a bounded wait if nothing else does: in TSC-deadline mode
 * (SDM Vol. 3A 11.5.4.1), or one-shot where CPUID lacks it (QEMU's default CPU model).
 */
static bool have_tsc_deadline(void)
{
	static int have = -1;

	if (have < 0)
		have = !!(cpuid(1).ecx & CPUID_1_ECX_TSC_DEADLINE);
	return have;
}

static void timer_at(uint64_t deadline_tsc)
{
	uint64_t now = rdtsc(), ticks;

	if (have_tsc_deadline()) {
		wrmsr(MSR_IA32_TSC_DEADLINE, deadline_tsc);
		return;
	}
	ticks = deadline_tsc > now ? (deadline_tsc - now) * timer_apic_khz() / tsc_khz() : 0;
	apic_write(APIC_TMICT, ticks ? (ticks < 0xFFFFFFFFu ? (uint32_t)ticks : 0xFFFFFFFFu) : 1);
}

void smp_halt_arm(uint64_t deadline_tsc)
{
	if (have_tsc_deadline()) {
		apic_write(APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | SMP_WAKE_VEC);
	} else {
		timer_apic_khz();       /* calibrated once, at divide-by-1; it reprograms the timer */
		apic_write(APIC_TDCR, APIC_TDR_DIV_1);
		apic_write(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | SMP_WAKE_VEC);
	}
	timer_at(deadline_tsc);
}

void smp_halt_disarm(void)
{
	if (have_tsc_deadline())
		wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	else
		apic_write(APIC_TMICT, 0);
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
}

int smp_halt_wait(volatile uint32_t *count, uint32_t target, uint64_t deadline_tsc)
{
	for (;;) {
		cli();
		if ((int32_t)(*count - target) >= 0)
			return 1;
		if (rdtsc() >= deadline_tsc)
			return 0;
		sti_hlt();
	}
}

int smp_halt_until(volatile uint32_t *count, uint32_t target, uint64_t timeout_us)
{
	uint64_t deadline = rdtsc() + us_to_tsc(timeout_us);
	int ok;

	smp_halt_arm(deadline);
	ok = smp_halt_wait(count, target, deadline);
	smp_halt_disarm();
	return ok;
}

/*
 * A bounded wait that gives the host CPU away: `sti; hlt`, woken by any interrupt or by the
 * TSC-deadline timer every nap_us, for waits on memory that no interrupt announces. Spinning
 * vCPUs share the host's cores with the ones they wait for (docs/kvm-pvm.md: wait with hlt).
 */
int smp_nap_until(volatile uint32_t *count, uint32_t target, uint64_t timeout_us, uint64_t nap_us)
{
	uint64_t now = rdtsc(), end = now + us_to_tsc(timeout_us), nap = us_to_tsc(nap_us);
	int ok;

	smp_halt_arm(end);
	for (;;) {
		cli();
		if ((ok = (int32_t)(*count - target) >= 0) || now >= end)
			break;
		timer_at(now + nap < end ? now + nap : end);
		sti_hlt();
		now = rdtsc();
	}
	smp_halt_disarm();
	return ok;
}
