// SPDX-License-Identifier: MIT
/*
 * on_cpu(): the caller's side of a call. A caller stores fn and arg, bumps req and sends
 * SMP_CALL_VEC; the target's idle loop (smp.c) runs fn, sets done = req and wakes the caller
 * with SMP_WAKE_VEC. The caller waits halted, bounded by the TSC-deadline timer. Measured here (64 calls to one AP): a
 * caller spinning with pause + an exit per iteration, median 250 us but up to 5 ms; halted, median
 * 310 us, at most ~0.9 ms, and its vCPU leaves the host's two cores to the others.
 */
#include <x86/apic.h>

#include "apic.h"
#include "smp.h"
#include "smp_wait.h"
#include "tsc.h"

#define CALL_TIMEOUT_US 500000  /* the 500 ms convention: a starved target thread answers late */

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
