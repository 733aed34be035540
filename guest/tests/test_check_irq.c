// SPDX-License-Identifier: MIT
/*
 * Suite `check`: exception and interrupt delivery (SDM Vol. 3A ch. 6 and 11): int3 and int n
 * through the IDT, STI's one-instruction interrupt shadow, ISR and PPR while a handler runs,
 * and NMIs: none lost when each is waited for, and none nested inside the NMI handler.
 * Handlers only count (no PV messages: pv.h); the checks read the counts afterwards.
 */
#include <abi/layout.h>
#include <x86/apic.h>
#include <x86/cpu.h>

#include "apic.h"
#include "check_suite.h"
#include "cpu.h"
#include "idt.h"
#include "lib.h"
#include "pv.h"
#include "test.h"
#include "tsc.h"

#define INT_N_VEC   0x80
#define WIN_VEC     0x48
#define WIN_RUN     3000        /* counted instructions after sti: several emulation batches */
#define PRIO_VEC    0x5A        /* class 5: PPR = 0x50 while it is in service (TPR 0) */
#define PRIO_CLASS  0x50
#define LOW_VEC     0x52        /* same class: held while PRIO_VEC is in service */
#define HIGH_VEC    0x65        /* higher class: nests */
#define IPI_WAIT_US 100000      /* bounded waits return as soon as the count is reached */
#define SETTLE_US   300         /* interrupts enabled with VM exits: a wrong delivery shows */
#define IRR_POLLS   1000
#define NMI_STORM   100
#define NMI_WAIT_US 100000      /* per NMI: not taken by then, it is lost */
#define NMI_GIVE_UP 3           /* lost NMIs before the storm stops early */

static volatile uint32_t hits[256];
static volatile uint64_t trap_rip, win_rcx;

static void count_trap(struct frame *f)
{
	trap_rip = f->rip;
	hits[f->vector]++;
}

static void count_irq(struct frame *f)
{
	hits[f->vector]++;
	apic_eoi();
}

static void arm(uint8_t vec, irq_handler_t fn)
{
	hits[vec] = 0;
	idt_set_handler(vec, fn);
}

static void self_ipi(uint8_t vec)
{
	apic_icr_write(APIC_DEST_SELF | APIC_DM_FIXED | vec, 0);
}

static void self_nmi(void)
{
	apic_icr_write(APIC_DM_NMI | APIC_INT_ASSERT, apic_id());  /* no self shorthand: 11.6.1 */
}

/* #BP is a trap: the saved RIP is the instruction after int3 (SDM Vol. 3A 6.5, table 6-1). */
void check_int3(void)
{
	uint64_t after;

	if (!check_begin("#BP at vector 3, RIP after int3"))
		return;
	arm(X86_VEC_BP, count_trap);
	__asm__ volatile("int3\n2:\tleaq 2b(%%rip), %0" : "=r"(after) : : "memory");
	idt_set_handler(X86_VEC_BP, NULL);
	if (check(hits[X86_VEC_BP] == 1, "int3: vector 3 handler ran %u times, expected 1",
		  hits[X86_VEC_BP]))
		check(trap_rip == after, "int3: saved RIP 0x%lx, expected 0x%lx (the next "
		      "instruction)", trap_rip, after);
}

void check_int_n(void)
{
	uint64_t after;

	if (!check_begin("int 0x80 runs gate 0x80, RIP after"))
		return;
	arm(INT_N_VEC, count_trap);
	__asm__ volatile("int $0x80\n2:\tleaq 2b(%%rip), %0" : "=r"(after) : : "memory");
	idt_set_handler(INT_N_VEC, NULL);
	if (check(hits[INT_N_VEC] == 1, "int 0x80: handler ran %u times, expected 1", hits[INT_N_VEC]))
		check(trap_rip == after, "int 0x80: saved RIP 0x%lx, expected 0x%lx", trap_rip, after);
}

static bool irr_pending(uint8_t vec)
{
	for (unsigned i = 0; i < IRR_POLLS; i++)
		if (apic_vec_bit(APIC_IRR, vec))
			return true;
	return false;
}

static void count_window(struct frame *f)
{
	if (!hits[WIN_VEC])
		win_rcx = f->rcx;   /* instructions counted when the interrupt came */
	count_irq(f);
}

/*
 * SDM Vol. 2B STI: with IF = 0 before it, interrupts stay inhibited until the instruction after
 * STI completes. A fixed interrupt already in IRR must then be taken at the very next boundary:
 * exactly one `inc` has run.
 */
void check_sti_window(void)
{
	uint64_t n = 0;
	uint32_t taken;

	if (!check_begin("IRQ taken 1 insn after sti"))
		return;
	arm(WIN_VEC, count_window);
	self_ipi(WIN_VEC);
	if (check(irr_pending(WIN_VEC), "self-IPI 0x%x never showed in IRR", WIN_VEC)) {
		__asm__ volatile("sti\n\t.rept " CK_STR(WIN_RUN) "\n\tinc %%rcx\n\t.endr\n\tcli"
				 : "+c"(n) : : "memory");
		taken = hits[WIN_VEC];
		wait_count(&hits[WIN_VEC], 1, IPI_WAIT_US);
		check(taken && win_rcx == 1, "interrupt pending at sti taken %s%lu instructions after "
		      "it, expected after 1", taken ? "" : "only > ", taken ? win_rcx : WIN_RUN);
		pv_metric("sti_window", taken ? (int64_t)win_rcx : -1, "insns");
	}
	idt_set_handler(WIN_VEC, NULL);
}

static volatile uint32_t irr_in, isr_in, isr_after, ppr_in, ppr_after;

static void prio_handler(struct frame *f)
{
	irr_in = apic_vec_bit(APIC_IRR, PRIO_VEC);
	isr_in = apic_vec_bit(APIC_ISR, PRIO_VEC);
	ppr_in = apic_read(APIC_PROCPRI);
	apic_eoi();
	isr_after = apic_vec_bit(APIC_ISR, PRIO_VEC);
	ppr_after = apic_read(APIC_PROCPRI);
	hits[PRIO_VEC]++;
}

static bool prio_run(void)
{
	arm(PRIO_VEC, prio_handler);
	self_ipi(PRIO_VEC);
	wait_count(&hits[PRIO_VEC], 1, IPI_WAIT_US);
	idt_set_handler(PRIO_VEC, NULL);
	return check(hits[PRIO_VEC] == 1, "self-IPI 0x%x delivered %u times, expected 1", PRIO_VEC,
		     hits[PRIO_VEC]);
}

/* SDM Vol. 3A 11.8.4: dispatching a vector to the core moves it from IRR to ISR; EOI clears
 * the ISR bit. */
void check_isr_in_handler(void)
{
	if (!check_begin("ISR bit set in handler; EOI clears"))
		return;
	if (!prio_run())
		return;
	check(irr_in == 0, "IRR bit of vector 0x%x still set inside its handler", PRIO_VEC);
	check(isr_in == 1, "ISR bit of vector 0x%x reads 0 inside its handler", PRIO_VEC);
	check(isr_after == 0, "ISR bit of vector 0x%x still set after EOI", PRIO_VEC);
}

/* SDM Vol. 3A 11.8.3.1: PPR = max(TPR, ISRV) by class; TPR 0, vector 0x5A in service: 0x50. */
void check_ppr_in_handler(void)
{
	if (!check_begin("PPR 0x50 in 0x5A's handler, then 0"))
		return;
	if (!prio_run())
		return;
	check(ppr_in == PRIO_CLASS, "PPR inside the handler of vector 0x%x: 0x%x, expected 0x%x",
	      PRIO_VEC, ppr_in, PRIO_CLASS);
	check(ppr_after == 0, "PPR after EOI: 0x%x, expected 0", ppr_after);
}

static volatile uint32_t low_in, high_in;

/* With PRIO_VEC in service, a same-class vector waits in IRR and a higher class nests. */
static void blocking_handler(struct frame *f)
{
	self_ipi(LOW_VEC);
	self_ipi(HIGH_VEC);
	wait_count(&hits[HIGH_VEC], 1, IPI_WAIT_US);
	wait_count(&hits[LOW_VEC], 1, SETTLE_US);
	low_in = hits[LOW_VEC];
	high_in = hits[HIGH_VEC];
	hits[PRIO_VEC]++;
	apic_eoi();
}

void check_ppr_blocks(void)
{
	if (!check_begin("same-class IRQ held until EOI"))
		return;
	arm(LOW_VEC, count_irq);
	arm(HIGH_VEC, count_irq);
	arm(PRIO_VEC, blocking_handler);
	self_ipi(PRIO_VEC);
	wait_count(&hits[PRIO_VEC], 1, IPI_WAIT_US);
	wait_count(&hits[LOW_VEC], 1, IPI_WAIT_US);
	if (check(hits[PRIO_VEC] == 1, "self-IPI 0x%x delivered %u times", PRIO_VEC, hits[PRIO_VEC])) {
		check(high_in == 1, "vector 0x%x (class 6) did not nest in the handler of 0x%x "
		      "(class 5)", HIGH_VEC, PRIO_VEC);
		check(low_in == 0, "vector 0x%x delivered inside the handler of 0x%x: same class, "
		      "PPR 0x%x must hold it until EOI", LOW_VEC, PRIO_VEC, PRIO_CLASS);
		check(hits[LOW_VEC] == 1, "vector 0x%x delivered %u times in all, expected once "
		      "after EOI", LOW_VEC, hits[LOW_VEC]);
	}
	idt_set_handler(LOW_VEC, NULL);
	idt_set_handler(HIGH_VEC, NULL);
	idt_set_handler(PRIO_VEC, NULL);
}

static void count_nmi(struct frame *f)
{
	hits[X86_VEC_NMI]++;
}

/*
 * NMIs collapse only while one is blocked (in its handler, SDM Vol. 3A 6.7.1) and another is
 * already pending. Sending the next self-NMI only after the handler counted the previous one
 * (and returned: it is this CPU's) leaves nothing to collapse: every one must arrive. The wait
 * is long: a vCPU thread of a busy host may not run for milliseconds, late is not lost.
 */
void check_nmi_storm(void)
{
	uint32_t sent = 0, lost = 0, first_lost = 0;
	uint64_t t, worst = 0;

	if (!check_begin("each of 100 self-NMIs taken"))
		return;
	arm(X86_VEC_NMI, count_nmi);
	while (sent < NMI_STORM && lost < NMI_GIVE_UP) {
		t = rdtsc();
		self_nmi();
		if (!wait_count(&hits[X86_VEC_NMI], ++sent, NMI_WAIT_US) && !lost++)
			first_lost = sent;
		t = rdtsc() - t;
		worst = t > worst ? t : worst;
	}
	idle_us(SETTLE_US);
	check(hits[X86_VEC_NMI] == sent && !lost, "%u self-NMIs sent, each waited for: %u taken; "
	      "%u not within %u ms (first: #%u)", sent, hits[X86_VEC_NMI], lost, NMI_WAIT_US / 1000,
	      first_lost);
	pv_metric("nmi_storm_slowest", (int64_t)tsc_to_us(worst), "us");
}

static volatile uint32_t nmi_depth, nmi_nested;

/* The first NMI sends two more and makes VM exits: both must wait for its IRET (SDM Vol. 3A
 * 6.7.1), and one is held pending meanwhile, the other collapses into it (AMD APM Vol. 2 on
 * NMI; what Linux's nested-NMI handling relies on). */
static void latch_nmi(struct frame *f)
{
	nmi_nested += nmi_depth++ != 0;
	if (hits[X86_VEC_NMI]++ == 0) {
		self_nmi();
		self_nmi();
		for (unsigned i = 0; i < 8; i++)
			(void)inl(PORT_PV);
	}
	nmi_depth--;
}

void check_nmi_latch(void)
{
	if (!check_begin("NMI blocked till IRET, 1 latched"))
		return;
	nmi_depth = nmi_nested = 0;
	arm(X86_VEC_NMI, latch_nmi);
	self_nmi();
	wait_count(&hits[X86_VEC_NMI], 2, NMI_WAIT_US);
	idle_us(SETTLE_US);
	check(nmi_nested == 0, "%u NMIs taken inside the NMI handler (before its IRET)", nmi_nested);
	check(hits[X86_VEC_NMI] == 2, "1 NMI + 2 sent from its handler: %u taken, expected 2 (one "
	      "held pending until IRET, the other collapsed into it)", hits[X86_VEC_NMI]);
	arm(X86_VEC_NMI, count_nmi);
}
