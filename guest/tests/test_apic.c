// SPDX-License-Identifier: MIT
/*
 * Suite `apic`: the BSP's local APIC against the SDM (Vol. 3A ch. 11). Every test starts from and
 * returns to the same state (xAPIC mode, software-enabled, TPR 0, timer masked) so each one can
 * be selected alone. Interrupts arrive only inside wait_count()/idle_us() (IF=0 elsewhere).
 */
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/msr.h>

#include "apic.h"
#include "apic_suite.h"
#include "cpu.h"
#include "idt.h"
#include "lib.h"
#include "pv.h"
#include "test.h"
#include "tsc.h"

volatile uint32_t irq_count, irq_vec;
volatile uint64_t irq_tsc[STAMPS];
static volatile uint32_t nmi_count;

static void on_irq(struct frame *f)
{
	uint64_t now = rdtsc();
	uint32_t n = irq_count;

	if (n < STAMPS)
		irq_tsc[n] = now;
	irq_vec = (uint32_t)f->vector;
	irq_count = n + 1;
	apic_eoi();
}

static void on_nmi(struct frame *f)
{
	nmi_count++;
}

void irq_reset(uint8_t vec)
{
	irq_count = 0;
	irq_vec = 0;
	idt_set_handler(vec, on_irq);
}

/*
 * The suite's invariant. Drains whatever a test left pending (the isolation rule,
 * docs/verdicts.md): a periodic tick that reached IRR before the timer was masked must be taken
 * now, not by the next test, even if this vCPU is descheduled meanwhile: wait (IPI_WAIT_US at
 * most) until neither of the suite's vectors is pending.
 */
void apic_restore(void)
{
	uint64_t deadline;

	if (apic_x2apic_mode())
		apic_reset_xapic();
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_TMICT, 0);
	apic_write(APIC_TASKPRI, 0);
	apic_sw_enable();
	idle_us(SETTLE_US);
	deadline = rdtsc() + us_to_tsc(IPI_WAIT_US);
	while ((apic_vec_bit(APIC_IRR, TIMER_VEC) || apic_vec_bit(APIC_IRR, TEST_VEC)) &&
	       rdtsc() < deadline)
		idle_us(SETTLE_US);
}

static void apic_id_matches_cpuid(void)
{
	uint32_t want = cpuid(1).ebx >> CPUID_1_EBX_APIC_ID_SHIFT;
	uint32_t id = apic_read(APIC_ID) >> 24, x2id;

	check(id == want, "xAPIC ID[31:24]: expected 0x%x (CPUID.01H:EBX[31:24]), got 0x%x", want, id);
	if (apic_enable_x2apic())
		return;		/* no x2APIC: the xAPIC half is the whole test */
	want = cpuid_count(0xB, 0).edx;
	x2id = apic_read(APIC_ID);
	check(x2id == want, "x2APIC ID (MSR 0x802): expected 0x%x (CPUID.0BH:EDX), got 0x%x", want, x2id);
	check(x2id == id, "x2APIC ID 0x%x differs from the xAPIC ID 0x%x", x2id, id);
	apic_restore();
}

static void version(void)
{
	uint32_t lvr = apic_read(APIC_LVR);
	uint32_t ver = lvr & APIC_LVR_VERSION_MASK, maxlvt = (lvr >> APIC_LVR_MAXLVT_SHIFT) & 0xFF;

	pv_print("LVR 0x%08x: version 0x%x, max LVT entry %u%s", lvr, ver, maxlvt,
		 lvr & APIC_LVR_DIRECTED_EOI ? ", directed EOI" : "");
	check(ver >= 0x10 && ver <= 0x15,
	      "LVR version: expected 0x10..0x15 (integrated APIC, SDM 11.4.8), got 0x%x", ver);
	check(maxlvt >= 4, "LVR max LVT entry: expected >= 4, got %u", maxlvt);
}

static const struct { uint32_t reg; const char *name; } lvts[] = {
	{ APIC_LVTT, "LVT timer" }, { APIC_LVT0, "LVT LINT0" }, { APIC_LVT1, "LVT LINT1" },
	{ APIC_LVTERR, "LVT error" }, { APIC_LVTPC, "LVT perfmon" }, { APIC_LVTTHMR, "LVT thermal" },
};

/* LVTs present: timer, LINT0/1 and error always; perfmon from max LVT 4, thermal from 5. */
static unsigned lvt_count(void)
{
	uint32_t maxlvt = (apic_read(APIC_LVR) >> APIC_LVR_MAXLVT_SHIFT) & 0xFF;

	return maxlvt >= 5 ? 6 : maxlvt >= 4 ? 5 : 4;
}

/*
 * SDM 11.4.7.2: while SVR[8] is clear the APIC "will respond normally to INIT, NMI, SMI, and SIPI
 * messages", all LVT mask bits are set and "attempts to reset these bits will be ignored".
 * A fixed IPI is not among the accepted messages: it is neither delivered nor held in IRR.
 */
static void svr_disabled_checks(unsigned n)
{
	uint32_t v;

	for (unsigned i = 0; i < n; i++) {
		v = apic_read(lvts[i].reg);
		check(v & APIC_LVT_MASKED, "%s after clearing SVR[8]: expected masked, reads 0x%x",
		      lvts[i].name, v);
	}
	apic_write(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | TIMER_VEC);
	v = apic_read(APIC_LVTT);
	check(v & APIC_LVT_MASKED, "LVT timer unmasked while software-disabled: reads 0x%x", v);
	apic_icr_write(APIC_DEST_SELF | APIC_DM_FIXED | TEST_VEC, 0);
	apic_icr_write(APIC_DM_NMI, apic_id());	/* the self shorthand is fixed-only (SDM 11.6.1) */
	idle_us(SETTLE_US);
	check(irq_count == 0, "fixed self-IPI 0x%x to a software-disabled APIC: delivered %u times, "
	      "expected not accepted", TEST_VEC, irq_count);
	check(!apic_vec_bit(APIC_IRR, TEST_VEC), "fixed self-IPI 0x%x to a software-disabled APIC: "
	      "pending in IRR, expected not accepted", TEST_VEC);
	check(nmi_count == 1, "NMI IPI to a software-disabled APIC: expected 1 delivery, got %u",
	      nmi_count);
}

static void svr_software_disable(void)
{
	unsigned n = lvt_count();
	uint32_t saved[ARRAY_SIZE(lvts)], v;

	for (unsigned i = 0; i < n; i++)
		saved[i] = apic_read(lvts[i].reg);
	irq_reset(TEST_VEC);
	nmi_count = 0;
	idt_set_handler(X86_VEC_NMI, on_nmi);
	apic_write(APIC_SPIV, APIC_SPIV_VECTOR_MASK);	/* bit 8 clear: software-disabled */
	svr_disabled_checks(n);
	apic_sw_enable();
	idle_us(SETTLE_US);
	check(irq_count == 0, "the fixed IPI sent while disabled arrived after re-enabling");
	v = apic_read(APIC_LVTT);
	check(v & APIC_LVT_MASKED, "LVT timer after re-enabling: expected still masked, reads 0x%x", v);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | TIMER_VEC);
	v = apic_read(APIC_LVTT);
	check(!(v & APIC_LVT_MASKED), "LVT timer after re-enabling: unmask ignored, reads 0x%x", v);
	apic_icr_write(APIC_DEST_SELF | APIC_DM_FIXED | TEST_VEC, 0);
	check(wait_count(&irq_count, 1, IPI_WAIT_US),
	      "fixed self-IPI after re-enabling: not delivered within %u us", IPI_WAIT_US);
	idt_set_handler(X86_VEC_NMI, 0);
	for (unsigned i = 0; i < n; i++)
		apic_write(lvts[i].reg, saved[i]);
	apic_restore();
}

/* SDM 11.8.3.1: a fixed interrupt is delivered only if its class is above PPR's class. */
static void tpr_masks_lower_priority(void)
{
	uint32_t ppr;

	irq_reset(TEST_VEC);
	apic_write(APIC_TASKPRI, TPR_ABOVE);
	apic_icr_write(APIC_DEST_SELF | APIC_DM_FIXED | TEST_VEC, 0);
	idle_us(SETTLE_US);
	ppr = apic_read(APIC_PROCPRI);
	check(ppr == TPR_ABOVE, "PPR with TPR 0x%x and nothing in service: expected 0x%x, got 0x%x",
	      TPR_ABOVE, TPR_ABOVE, ppr);
	check(irq_count == 0, "TPR 0x%x: vector 0x%x delivered %u times, expected held",
	      TPR_ABOVE, TEST_VEC, irq_count);
	check(apic_vec_bit(APIC_IRR, TEST_VEC), "TPR 0x%x: vector 0x%x not pending in IRR",
	      TPR_ABOVE, TEST_VEC);
	apic_write(APIC_TASKPRI, 0);
	check(wait_count(&irq_count, 1, IPI_WAIT_US),
	      "TPR lowered to 0: vector 0x%x not delivered within %u us", TEST_VEC, IPI_WAIT_US);
	idle_us(SETTLE_US);
	check(irq_count == 1, "TPR lowered to 0: expected 1 delivery, got %u", irq_count);
	check(irq_vec == TEST_VEC, "TPR lowered to 0: expected vector 0x%x, got 0x%x",
	      TEST_VEC, irq_vec);
	check(!apic_vec_bit(APIC_IRR, TEST_VEC), "vector 0x%x still pending in IRR after delivery",
	      TEST_VEC);
	apic_restore();
}

typedef void (*send_fn)(uint8_t vec);

static void send_shorthand(uint8_t vec) { apic_icr_write(APIC_DEST_SELF | APIC_DM_FIXED | vec, 0); }
static void send_dest(uint8_t vec) { apic_icr_write(APIC_DM_FIXED | vec, apic_id()); }
static void send_self_msr(uint8_t vec) { wrmsr(APIC_X2APIC_MSR(APIC_SELF_IPI), vec); }

/*
 * Exactly one delivery of the right vector; then a second IPI of the same vector must arrive too,
 * which it could not if the first were still in service (the EOI retired it). Returns the first
 * delivery's latency in ns (0 if it never came).
 */
static uint64_t self_ipi(const char *how, send_fn send)
{
	uint64_t t0, lat;

	irq_reset(TEST_VEC);
	t0 = rdtsc();
	send(TEST_VEC);
	if (!check(wait_count(&irq_count, 1, IPI_WAIT_US),
		   "%s: vector 0x%x not delivered within %u us", how, TEST_VEC, IPI_WAIT_US))
		return 0;
	lat = tsc_to_ns(irq_tsc[0] - t0);
	idle_us(SETTLE_US);
	check(irq_count == 1, "%s: expected 1 delivery, got %u", how, irq_count);
	check(irq_vec == TEST_VEC, "%s: expected vector 0x%x, got 0x%x", how, TEST_VEC, irq_vec);
	send(TEST_VEC);
	check(wait_count(&irq_count, 2, IPI_WAIT_US),
	      "%s: second IPI after EOI not delivered (%u deliveries in all)", how, irq_count);
	check(!apic_vec_bit(APIC_ISR, TEST_VEC), "%s: ISR bit of 0x%x set after EOI", how, TEST_VEC);
	return lat;
}

static void self_ipi_shorthand_xapic(void)
{
	uint64_t ns = self_ipi("xAPIC ICR self shorthand", send_shorthand);

	if (ns)
		pv_metric("self_ipi_xapic_latency", (int64_t)ns, "ns");
	apic_restore();
}

static void self_ipi_dest_xapic(void)
{
	self_ipi("xAPIC ICR physical destination = own ID", send_dest);
	apic_restore();
}

static bool x2apic_or_skip(void)
{
	if (!apic_enable_x2apic())
		return true;
	test_skip("no x2APIC: CPUID.01H:ECX[21] clear");
	return false;
}

static void self_ipi_x2apic(void)
{
	uint64_t ns;

	if (!x2apic_or_skip())
		return;
	self_ipi("x2APIC ICR self shorthand", send_shorthand);
	ns = self_ipi("x2APIC SELF IPI MSR 0x83F", send_self_msr);
	if (ns)
		pv_metric("self_ipi_x2apic_latency", (int64_t)ns, "ns");
	apic_restore();
}

static void self_ipi_dest_x2apic(void)
{
	if (!x2apic_or_skip())
		return;
	self_ipi("x2APIC ICR physical destination = own x2APIC ID", send_dest);
	apic_restore();
}

static const char *fault_name(int vec)
{
	return vec == FAULT_NONE ? "no exception" : vec == X86_VEC_GP ? "#GP" : "another exception";
}

#define EN   MSR_IA32_APICBASE_ENABLE
#define EXTD MSR_IA32_APICBASE_EXTD

/* SDM 11.12.5, figure 11-27: the IA32_APIC_BASE state machine, walked from xAPIC and back. */
static const struct { const char *what; uint32_t bits; int expect; } base_steps[] = {
	{ "xAPIC -> x2APIC", EN | EXTD, FAULT_NONE },
	{ "x2APIC -> xAPIC (EN=1, EXTD=0)", EN, X86_VEC_GP },
	{ "x2APIC -> disabled", 0, FAULT_NONE },
	{ "disabled -> x2APIC", EN | EXTD, X86_VEC_GP },
	{ "disabled -> invalid (EN=0, EXTD=1)", EXTD, X86_VEC_GP },
	{ "disabled -> xAPIC", EN, FAULT_NONE },
};

static void apic_base_transitions(void)
{
	uint64_t base = rdmsr(MSR_IA32_APICBASE), keep = base & ~(uint64_t)(EN | EXTD);
	uint64_t cur = base, now, val;
	uint32_t lvt0 = apic_read(APIC_LVT0), lvt1 = apic_read(APIC_LVT1);
	uint32_t lvterr = apic_read(APIC_LVTERR);
	int v;

	if (!apic_x2apic_supported()) {
		test_skip("no x2APIC: CPUID.01H:ECX[21] clear");
		return;
	}
	v = rdmsr_safe(APIC_X2APIC_MSR(APIC_ID), &val);
	check(v == X86_VEC_GP, "x2APIC MSR 0x802 in xAPIC mode: expected #GP, got %s (%d)",
	      fault_name(v), v);
	for (unsigned i = 0; i < ARRAY_SIZE(base_steps); i++) {
		v = wrmsr_safe(MSR_IA32_APICBASE, keep | base_steps[i].bits);
		if (v == FAULT_NONE)
			cur = keep | base_steps[i].bits;
		now = rdmsr(MSR_IA32_APICBASE);
		check(v == base_steps[i].expect, "%s: expected %s, got %s (%d)", base_steps[i].what,
		      fault_name(base_steps[i].expect), fault_name(v), v);
		check(now == cur, "%s: IA32_APIC_BASE reads 0x%lx, expected 0x%lx",
		      base_steps[i].what, now, cur);
	}
	if (cur != base) {		/* only after a failed check: through disabled, always legal */
		wrmsr_safe(MSR_IA32_APICBASE, keep);
		wrmsr_safe(MSR_IA32_APICBASE, base);
	}
	apic_use_mode_ops();
	apic_sw_enable();
	apic_write(APIC_LVT0, lvt0);	/* disabling may have reset the APIC (SDM 11.4.3) */
	apic_write(APIC_LVT1, lvt1);
	apic_write(APIC_LVTERR, lvterr);
	apic_restore();
}

struct test apic_tests[] = {
	TEST(apic_id_matches_cpuid),
	TEST(version),
	TEST(svr_software_disable),
	TEST(tpr_masks_lower_priority),
	TEST(self_ipi_shorthand_xapic),
	TEST(self_ipi_dest_xapic),
	TEST(self_ipi_x2apic),
	TEST(self_ipi_dest_x2apic),
	TEST(timer_oneshot),
	TEST(timer_periodic),
	TEST(timer_tsc_deadline),
	TEST(apic_base_transitions),
};
SUITE(10, apic, apic_tests, 1);
