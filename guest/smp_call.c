// SPDX-License-Identifier: MIT
/*
 * The AP idle loop and on_cpu(). A caller stores fn and arg, bumps req and sends SMP_CALL_VEC;
 * the target wakes from `sti; hlt`, sees done != req, runs fn with IF=0 in its idle loop (not in
 * the handler, so fn may wait for interrupts itself and the call vector is not in service
 * meanwhile), stores the result, sets done = req and wakes the caller with SMP_WAKE_VEC. The
 * caller waits halted, bounded by the TSC-deadline timer. Measured here (64 calls to one AP): a
 * caller spinning with pause + an exit per iteration, median 250 us but up to 5 ms; halted, median
 * 310 us, at most ~0.9 ms, and its vCPU leaves the host's two cores to the others.
 */
#include <abi/layout.h>
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/msr.h>

#include "apic.h"
#include "apic_timer.h"
#include "cpu.h"
#include "idt.h"
#include "smp.h"
#include "tsc.h"

#define CALL_TIMEOUT_US 500000  /* the 500 ms convention: a starved target thread answers late */

static void on_eoi_only(struct frame *f)
{
	apic_eoi();
}

void smp_call_init(void)
{
	idt_set_handler(SMP_CALL_VEC, on_eoi_only);   /* the wakeup is the point */
	idt_set_handler(SMP_WAKE_VEC, on_eoi_only);
}

void smp_idle(struct smp_cpu *c)
{
	for (;;) {
		cli();
		while (c->done != c->req) {
			uint32_t req = c->req;

			c->result = c->fn(c->arg);
			c->done = req;
			apic_icr_write(APIC_DM_FIXED | SMP_WAKE_VEC, c->caller); /* it halts */
		}
		c->halts++;
		sti_hlt();      /* STI's shadow: an IPI that came after the check still ends this hlt */
		c->wakeups++;
	}
}

/* Full barrier: a WRMSR to the x2APIC ICR may pass earlier stores (SDM Vol. 3A 11.12.3). */
static inline void store_fence(void)
{
	__asm__ volatile("lock orq $0, (%%rsp)" ::: "memory", "cc");
}

int on_cpu_async(uint32_t cpu, smp_fn fn, void *arg)
{
	struct smp_cpu *c;

	if (cpu >= smp_ncpus())
		return SMP_EINVAL;
	c = &smp_cpus[cpu];
	if (cpu == this_cpu()->index) {
		c->result = fn(arg);
		c->done = c->req = c->req + 1;
		return SMP_OK;
	}
	if (!c->online)
		return SMP_EOFFLINE;
	if (c->done != c->req)
		return SMP_EBUSY;
	c->fn = fn;
	c->arg = arg;
	c->caller = this_cpu()->apic_id;
	c->req = c->req + 1;
	store_fence();
	apic_icr_write(APIC_DM_FIXED | SMP_CALL_VEC, cpu);
	return SMP_OK;
}

int on_cpu_wait(uint32_t cpu, uint64_t *result, uint64_t timeout_us)
{
	struct smp_cpu *c;

	if (cpu >= smp_ncpus())
		return SMP_EINVAL;
	c = &smp_cpus[cpu];
	if (!smp_halt_until(&c->done, c->req, timeout_us))
		return SMP_ETIMEDOUT;
	if (result)
		*result = c->result;
	return SMP_OK;
}

int on_cpu(uint32_t cpu, smp_fn fn, void *arg, uint64_t *result)
{
	int err = on_cpu_async(cpu, fn, arg);

	return err ? err : on_cpu_wait(cpu, result, CALL_TIMEOUT_US);
}

/* One deadline for the whole set: N CPUs that all time out must not cost N timeouts. */
static uint32_t on_each(smp_fn fn, void *arg, uint64_t *results, bool self_too)
{
	uint32_t n = smp_ncpus(), self = this_cpu()->index, failed = 0;
	uint64_t deadline = rdtsc() + us_to_tsc(CALL_TIMEOUT_US + 100ull * n), now, left;

	for (uint32_t i = 0; i < n; i++)
		if (i != self && smp_cpus[i].online)
			on_cpu_async(i, fn, arg);
	if (self_too && on_cpu(self, fn, arg, results ? &results[self] : 0))
		failed++;
	for (uint32_t i = 0; i < n; i++) {
		if (i == self)
			continue;
		now = rdtsc();
		left = now < deadline ? tsc_to_us(deadline - now) : 0;
		if (!smp_cpus[i].online || on_cpu_wait(i, results ? &results[i] : 0, left))
			failed++;
	}
	return failed;
}

uint32_t on_each_cpu(smp_fn fn, void *arg, uint64_t *results) { return on_each(fn, arg, results, true); }
uint32_t on_each_ap(smp_fn fn, void *arg, uint64_t *results) { return on_each(fn, arg, results, false); }

const char *smp_strerror(int err)
{
	switch (err) {
	case SMP_OK:        return "ok";
	case SMP_EINVAL:    return "no such CPU";
	case SMP_EOFFLINE:  return "CPU offline";
	case SMP_EBUSY:     return "previous call still running";
	case SMP_ETIMEDOUT: return "call timed out";
	default:            return "unknown error";
	}
}

static uint64_t set_mode(void *arg)
{
	apic_init_mode((int)(uintptr_t)arg);
	return 0;
}

/*
 * APs first, by IPIs sent in the caller's old mode: physical destinations below 255 match in
 * both modes. The caller keeps its LINT0/LINT1/error LVTs and TPR (apic.c).
 */
int smp_set_apic_mode(int x2apic)
{
	uint32_t failed;

	if (x2apic == smp_x2apic() && x2apic == apic_x2apic_mode())
		return 0;
	if (x2apic && !apic_x2apic_supported())
		return -1;
	if (!x2apic && smp_ncpus() > 255)
		return -1;
	smp_set_mode_flag(x2apic);
	failed = on_each_ap(set_mode, (void *)(uintptr_t)x2apic, 0);
	if (x2apic)
		apic_enable_x2apic();
	else if (apic_x2apic_mode())
		apic_reset_xapic();
	return failed ? -1 : 0;
}

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
