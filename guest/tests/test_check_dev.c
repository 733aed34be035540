// SPDX-License-Identifier: MIT
/*
 * Suite `check`: the platform around the CPU. A level-triggered IOAPIC interrupt (82093AA
 * datasheet 3.2.4), the LAPIC one-shot timer against the TSC (SDM Vol. 3A 11.5.4), a machine
 * check injected by the host (Vol. 3B 15.10) and KVM's hypercall instructions.
 */
#include <abi/layout.h>
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/ioapic.h>
#include <x86/mce.h>
#include <x86/msr.h>

#include "apic.h"
#include "apic_timer.h"
#include "check_suite.h"
#include "cpu.h"
#include "idt.h"
#include "lib.h"
#include "pv.h"
#include "test.h"
#include "timer_late.h"
#include "tsc.h"

#define LEVEL_PIN     19          /* an IOAPIC pin above the 8259's 0-15 */
#define LEVEL_VEC     0x70
#define WAIT_US       100000      /* returns early: only a busy host needs it all */
#define SETTLE_US     2000        /* a second delivery would show within this */
#define ONESHOT_US    1000
#define ONESHOTS      5
#define LATE_BOUND_US 200         /* an interrupt this late is a defect, not noise */
#define TIMER_VEC     0x50
#define MCE_BANK      1
#define MCE_STATUS    (MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN | MCI_STATUS_ADDRV | \
		       MCI_STATUS_MISCV | MCI_STATUS_PCC | 0x0134)  /* L0 data read error */
#define MCE_ADDR      0x12345000ull
#define MCE_MISC      0x86ull
#define MCE_MCG       (MCG_STATUS_MCIP | MCG_STATUS_RIPV | MCG_STATUS_EIPV)
#define HC_UNKNOWN    0xFFFFull   /* no such KVM hypercall */
#define KVM_ENOSYS    1000        /* KVM's answer to an unknown hypercall number */

static volatile uint32_t hits, tmr_in;
static volatile uint64_t stamp[ONESHOTS];

static uint32_t ioapic_rd(uint32_t reg)
{
	*(volatile uint32_t *)(uintptr_t)(LAYOUT_IOAPIC_BASE + IOAPIC_REGSEL) = reg;
	return *(volatile uint32_t *)(uintptr_t)(LAYOUT_IOAPIC_BASE + IOAPIC_WINDOW);
}

static void ioapic_wr(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(LAYOUT_IOAPIC_BASE + IOAPIC_REGSEL) = reg;
	*(volatile uint32_t *)(uintptr_t)(LAYOUT_IOAPIC_BASE + IOAPIC_WINDOW) = v;
}

static int irq_line(uint32_t gsi, int level)
{
	uint64_t arg[PV_ARGS] = { PV_REQ_IRQ_LINE, gsi, (uint64_t)level };

	return pv_request(arg);
}

/* Counts and leaves the vector in service: the check EOIs after deasserting the line. */
static void level_irq(struct frame *f)
{
	tmr_in = apic_vec_bit(APIC_TMR, LEVEL_VEC);
	hits++;
}

/*
 * Level-triggered, active high: one message per assertion; Remote IRR then holds further ones
 * until the LAPIC's EOI (broadcast for a TMR-set vector). With the line deasserted before the
 * EOI, nothing is sent again: exactly one delivery.
 */
void check_ioapic_level(void)
{
	uint32_t once, rte_held, rte_after;
	int r;

	if (!check_begin("level IRQ: once until EOI+deassert"))
		return;
	hits = 0;
	idt_set_handler(LEVEL_VEC, level_irq);
	ioapic_wr(IOAPIC_REDTBL(LEVEL_PIN) + 1, apic_id() << 24);
	ioapic_wr(IOAPIC_REDTBL(LEVEL_PIN), IOAPIC_RTE_LEVEL | LEVEL_VEC);
	r = irq_line(LEVEL_PIN, 1);
	if (r == -PV_ENOSYS)
		test_skip("no host here can drive IOAPIC pin %u", LEVEL_PIN);
	else if (check(r == 0, "host: IRQ line %u could not be raised (%d)", LEVEL_PIN, r)) {
		wait_count(&hits, 1, WAIT_US);
		idle_us(SETTLE_US);
		once = hits;
		rte_held = ioapic_rd(IOAPIC_REDTBL(LEVEL_PIN));
		irq_line(LEVEL_PIN, 0);
		apic_eoi();
		idle_us(SETTLE_US);
		rte_after = ioapic_rd(IOAPIC_REDTBL(LEVEL_PIN));
		check(once == 1, "one assertion of pin %u, no EOI yet: %u deliveries, expected 1",
		      LEVEL_PIN, once);
		check(hits == once, "%u more deliveries after deassert + EOI, expected none",
		      hits - once);
		check(!once || tmr_in, "TMR bit of vector 0x%x clear for a level interrupt", LEVEL_VEC);
		check(rte_held & IOAPIC_RTE_REMOTE_IRR, "Remote IRR clear before EOI (RTE 0x%x)", rte_held);
		check(!(rte_after & IOAPIC_RTE_REMOTE_IRR), "Remote IRR set after EOI (RTE 0x%x)", rte_after);
	}
	ioapic_wr(IOAPIC_REDTBL(LEVEL_PIN), IOAPIC_RTE_MASKED);
	idt_set_handler(LEVEL_VEC, NULL);
}

static void timer_irq(struct frame *f)
{
	uint64_t now = rdtsc();

	if (hits < ONESHOTS)
		stamp[hits] = now;
	hits++;
	apic_eoi();
}

/*
 * The i-th one-shot: false (a failed check) if it was early or never came, else *late is how
 * far past its due time, in ns, an exit still had not delivered it, net of the time the vCPU
 * could not run while arming and of the host's own timers' lateness (timed_late(),
 * timer_late.h; without irqlab the time away is estimated from the TSC).
 */
static bool oneshot(unsigned i, uint32_t count, struct timed *t, int64_t *late)
{
	uint64_t ns, min_ns = timer_ticks_min_ns(count), want_ns = timer_ticks_max_ns(count);
	uint32_t n = hits;
	char what[24];

	timed_start(t, TIMED_ONESHOT, &hits, stamp, ONESHOTS, ONESHOT_US);
	apic_write(APIC_TMICT, count);
	if (!check(timed_wait(t, n + 1, ONESHOT_US + WAIT_US), "one-shot of %u ticks: no "
		   "interrupt within %u us", count, ONESHOT_US + WAIT_US))
		return false;
	timed_end(t);
	ns = tsc_to_ns(stamp[n] - t->t0);
	if (!check(ns >= min_ns, "one-shot of %u ticks fired after %lu ns: early (>= %lu ns at "
		   "<= %lu kHz)", count, ns, min_ns, timer_apic_rate()->max))
		return false;
	snprintf(what, sizeof(what), "one-shot %u of %u", i + 1, ONESHOTS);
	*late = (int64_t)(timed_late(t, what, ns, want_ns + LATE_BOUND_US * 1000ull) - want_ns);
	return true;
}

/* Never early (strict: t0 is read before arming, the bound uses the fastest rate the TSC
 * calibration allows), and not late by LATE_BOUND_US at any exit that had not delivered it (due
 * at the slowest rate the calibration allows), net of the time the vCPU could not run while
 * arming (docs/verdicts.md, rule 2). */
void check_timer_1ms(void)
{
	const struct apic_rate *r;
	uint32_t count;
	int64_t late, worst = 0;
	struct timed t, w = { 0 };  /* w: the latest one-shot's figures, for the diagnostic */

	if (!check_begin("1 ms one-shot: not early, <200us"))
		return;
	r = timer_apic_rate();
	count = (uint32_t)r->khz;           /* ticks per ms at divide-by-1 */
	hits = 0;
	idt_set_handler(TIMER_VEC, timer_irq);
	apic_write(APIC_TDCR, APIC_TDR_DIV_1);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | TIMER_VEC);
	for (unsigned i = 0; i < ONESHOTS; i++) {
		if (!oneshot(i, count, &t, &late))
			break;
		if (late > worst) {
			worst = late;
			w = t;
		}
	}
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	idt_set_handler(TIMER_VEC, NULL);
	check(worst <= LATE_BOUND_US * 1000ll, "1 ms one-shot (%u ticks at %lu kHz): not fired by "
	      "an exit up to %ld us after it was due, net of %lu us the vCPU was not running while "
	      "arming and %lu us the host's own timers were late (host: %lu us off CPU); bound %u us",
	      count, r->khz, worst / 1000, w.off / 1000, w.host_late / 1000, w.host_off / 1000,
	      LATE_BOUND_US);
	pv_print("APIC timer %lu kHz (TSC-calibrated, %lu-%lu kHz); %u one-shots of 1 ms, "
		 "worst %ld ns past due at an exit that had not delivered it", r->khz, r->min, r->max,
		 ONESHOTS, worst);
	pv_metric("timer_1ms_worst_late", worst, "ns");
}

static volatile uint64_t mc_mcg, mc_status, mc_addr, mc_misc;

/* A minimal #MC handler: read the bank the check injected, clear it and MCIP, return (RIPV). */
static void mc_handler(struct frame *f)
{
	mc_mcg = rdmsr(MSR_IA32_MCG_STATUS);
	mc_status = rdmsr(MSR_IA32_MCx_STATUS(MCE_BANK));
	mc_addr = rdmsr(MSR_IA32_MCx_ADDR(MCE_BANK));
	mc_misc = rdmsr(MSR_IA32_MCx_MISC(MCE_BANK));
	wrmsr(MSR_IA32_MCx_STATUS(MCE_BANK), 0);
	wrmsr(MSR_IA32_MCG_STATUS, 0);
	hits++;
}

/* SDM Vol. 3B 15.8: enable reporting (MCG_CTL, MCi_CTL all ones), clear the bank, CR4.MCE. */
static bool mce_ready(void)
{
	uint64_t cap;

	if (!check_need(CPUID_BIT(1, EDX, 7, "MCE")) || !check_need(CPUID_BIT(1, EDX, 14, "MCA")))
		return false;
	cap = rdmsr(MSR_IA32_MCG_CAP);
	if ((cap & MCG_BANKCNT_MASK) <= MCE_BANK) {
		test_skip("IA32_MCG_CAP 0x%lx: no bank %u (irqlab --mce-banks)", cap, MCE_BANK);
		return false;
	}
	if (cap & MCG_CTL_P)
		wrmsr(MSR_IA32_MCG_CTL, ~0ull);
	wrmsr(MSR_IA32_MCx_CTL(MCE_BANK), ~0ull);
	wrmsr(MSR_IA32_MCx_STATUS(MCE_BANK), 0);
	check_set_cr4(check_cr4() | X86_CR4_MCE);
	return true;
}

/* SDM Vol. 3B 15.10: a UC error in an enabled bank raises #MC (CR4.MCE); the handler finds the
 * bank as it was logged and MCG_STATUS with MCIP set. */
void check_mce(void)
{
	uint64_t arg[PV_ARGS] = { PV_REQ_MCE_INJECT, apic_id() | (uint64_t)MCE_BANK << 32,
				  MCE_STATUS, MCE_ADDR, MCE_MISC, MCE_MCG };
	int r;

	if (!check_begin("UC #MC: handler sees injected bank"))
		return;
	if (!mce_ready())
		return;
	hits = 0;
	idt_set_handler(X86_VEC_MC, mc_handler);
	r = pv_request(arg);
	idle_us(SETTLE_US);
	idt_set_handler(X86_VEC_MC, NULL);
	if (r == -PV_ENOSYS) {
		test_skip("no host here can inject a machine check");
		return;
	}
	if (!check(r == 0, "host: machine-check injection failed (%d)", r))
		return;
	check(hits == 1, "one UC error injected: %u #MC taken, expected 1", hits);
	check(mc_status == MCE_STATUS, "MC%u_STATUS in the handler 0x%lx, injected 0x%llx",
	      MCE_BANK, mc_status, MCE_STATUS);
	check(mc_addr == MCE_ADDR && mc_misc == MCE_MISC, "MC%u_ADDR/MISC in the handler "
	      "0x%lx/0x%lx, injected 0x%llx/0x%llx", MCE_BANK, mc_addr, mc_misc, MCE_ADDR, MCE_MISC);
	check(mc_mcg == MCE_MCG, "MCG_STATUS in the handler 0x%lx, injected 0x%llx", mc_mcg, MCE_MCG);
}

static bool kvm_hypercalls(void)
{
	if (check_on_kvm())
		return true;
	test_skip("no KVM hypercall ABI: CPUID 0x40000000 is not \"KVMKVMKVM\"");
	return false;
}

static void hypercall_result(int vec, uint64_t rax, const char *insn)
{
	if (check_completed(vec, insn))
		check(rax == (uint64_t)-KVM_ENOSYS, "%s of unknown number 0x%llx returned RAX = "
		      "0x%lx, expected -KVM_ENOSYS (-1000)", insn, HC_UNKNOWN, rax);
}

/* KVM's hypercall ABI (Documentation/virt/kvm/x86/hypercalls.rst): number in RAX, result in
 * RAX, back at the next instruction. The other vendor's instruction is emulated (or patched)
 * by KVM, so both must work on either vendor. */
void check_vmcall(void)
{
	uint64_t rax = HC_UNKNOWN;
	int vec;

	if (!check_begin("vmcall returns RAX=-1000 (ENOSYS)"))
		return;
	if (!kvm_hypercalls())
		return;
	CHECK_TRY("vmcall", : [vec] "=r"(vec), "+a"(rax) : "b"(0), "c"(0), "d"(0), "S"(0)
		  : "r11", "memory");
	hypercall_result(vec, rax, "vmcall");
}

void check_vmmcall(void)
{
	uint64_t rax = HC_UNKNOWN;
	int vec;

	if (!check_begin("vmmcall returns RAX=-1000 (ENOSYS)"))
		return;
	if (!kvm_hypercalls())
		return;
	CHECK_TRY("vmmcall", : [vec] "=r"(vec), "+a"(rax) : "b"(0), "c"(0), "d"(0), "S"(0)
		  : "r11", "memory");
	hypercall_result(vec, rax, "vmmcall");
}
