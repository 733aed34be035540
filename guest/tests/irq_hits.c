// SPDX-License-Identifier: MIT
/* Per-CPU delivery counters for the msi and ioapic suites (irq_hits.h). */
#include <abi/layout.h>
#include <x86/apic.h>
#include <x86/cpu.h>

#include "apic.h"
#include "cpu.h"
#include "idt.h"
#include "irq_hits.h"
#include "lib.h"
#include "percpu.h"
#include "test.h"
#include "tsc.h"

struct cpu_hits {
	volatile uint32_t n[HIT_VECS];
	volatile uint32_t nmi;
	volatile uint32_t tmr;          /* TMR bit of the last counted vector */
};

static struct cpu_hits hits[MAX_CPUS];
static volatile uint16_t defer_mask;    /* bit v - HIT_VEC_BASE: no EOI in the handler */
static bool armed;

static void on_hit(struct frame *f)
{
	struct cpu_hits *h = &hits[this_cpu()->index];
	unsigned i = (unsigned)f->vector - HIT_VEC_BASE;

	h->n[i]++;
	h->tmr = (uint32_t)apic_vec_bit(APIC_TMR, (uint8_t)f->vector);
	if (!(defer_mask & (1u << i)))
		apic_eoi();
}

static void on_nmi(struct frame *f)
{
	hits[this_cpu()->index].nmi++;
}

void hits_arm(void)
{
	memset(hits, 0, sizeof(hits[0]) * (hits_cpus() < MAX_CPUS ? hits_cpus() : MAX_CPUS));
	defer_mask = 0;
	for (unsigned i = 0; i < HIT_VECS; i++)
		idt_set_handler((uint8_t)(HIT_VEC_BASE + i), on_hit);
	idt_set_handler(X86_VEC_NMI, on_nmi);
	armed = true;
	test_at_end(hits_disarm);	/* a test that returns early is drained all the same */
}

/* This CPU's IRR bits for HIT_VEC_BASE.. (one register: the 16 vectors share a 32-bit word). */
static uint64_t pending_here(void *unused)
{
	_Static_assert(HIT_VEC_BASE % 32 + HIT_VECS <= 32, "one IRR register");
	return apic_read(APIC_IRR + HIT_VEC_BASE / 32 * 0x10) >> HIT_VEC_BASE % 32 & 0xFFFFu;
}

/* Every online CPU's pending hit vectors, or'ed (APs answer in parallel). */
static uint32_t pending_anywhere(void)
{
	static uint64_t r[MAX_CPUS];
	uint32_t p = (uint32_t)pending_here(0), self = this_cpu()->index;

	if (hits_cpus() < 2)
		return p;
	memset(r, 0, sizeof(r[0]) * (hits_cpus() < MAX_CPUS ? hits_cpus() : MAX_CPUS));
	on_each_ap(pending_here, 0, r);
	for (uint32_t c = 0; c < hits_cpus() && c < MAX_CPUS; c++)
		if (c != self)
			p |= (uint32_t)r[c];
	return p;
}

static uint32_t counted(void)
{
	uint32_t n = hits_nmi_total();

	for (unsigned i = 0; i < HIT_VECS; i++)
		n += hits_total((uint8_t)(HIT_VEC_BASE + i));
	return n;
}

/*
 * The isolation rule (docs/verdicts.md): before a test ends, every interrupt it caused that is
 * still pending in an IRR is let in (IF=1, with exits) and counted, for up to HIT_WAIT_US, so it
 * can never land in the next test. One that arrives only now came after the test's own checks:
 * it is reported here, against the test that caused it.
 */
static void drain(void)
{
	uint64_t deadline = rdtsc() + us_to_tsc(HIT_WAIT_US);
	uint32_t before = counted(), pending;

	while ((pending = pending_anywhere()) && rdtsc() < deadline)
		idle_us(HIT_SETTLE_US);
	check(!pending, "interrupts still pending %u ms after the test (IRR bits 0x%x from vector "
	      "0x%x)", HIT_WAIT_US / 1000, pending, HIT_VEC_BASE);
	check(counted() == before, "%u interrupt(s) arrived after the test's checks",
	      counted() - before);
}

void hits_disarm(void)
{
	if (!armed)
		return;
	drain();
	for (unsigned i = 0; i < HIT_VECS; i++)
		idt_set_handler((uint8_t)(HIT_VEC_BASE + i), 0);
	idt_set_handler(X86_VEC_NMI, 0);
	defer_mask = 0;
	armed = false;
}

void hits_defer_eoi(uint8_t vec, bool defer)
{
	uint16_t bit = (uint16_t)(1u << (vec - HIT_VEC_BASE));

	defer_mask = defer ? defer_mask | bit : defer_mask & (uint16_t)~bit;
}

volatile uint32_t *hits_of(uint32_t cpu, uint8_t vec) { return &hits[cpu].n[vec - HIT_VEC_BASE]; }
volatile uint32_t *hits_nmi(uint32_t cpu) { return &hits[cpu].nmi; }
bool hits_tmr(uint32_t cpu) { return hits[cpu].tmr; }

uint32_t hits_total(uint8_t vec)
{
	uint32_t n = 0;

	for (uint32_t c = 0; c < hits_cpus(); c++)
		n += *hits_of(c, vec);
	return n;
}

uint32_t hits_nmi_total(void)
{
	uint32_t n = 0;

	for (uint32_t c = 0; c < hits_cpus(); c++)
		n += hits[c].nmi;
	return n;
}

const char *hits_where(char *buf, unsigned len, uint8_t vec)
{
	unsigned off = 0;

	buf[0] = '\0';
	for (uint32_t c = 0; c < hits_cpus() && off < len; c++) {
		uint32_t n = vec == X86_VEC_NMI ? hits[c].nmi : *hits_of(c, vec);

		if (n)
			off += (unsigned)snprintf(buf + off, len - off, "%scpu%u:%u", off ? " " : "", c, n);
	}
	if (!off)
		snprintf(buf, len, "none");
	return buf;
}

bool hits_wait(uint32_t cpu, uint8_t vec, uint32_t n)
{
	return wait_count(hits_of(cpu, vec), n, HIT_WAIT_US);
}

bool hits_wait_nmi(uint32_t cpu, uint32_t n)
{
	return wait_count(&hits[cpu].nmi, n, HIT_WAIT_US);
}

bool hits_wait_total(uint8_t vec, uint32_t n)
{
	uint64_t deadline = rdtsc() + us_to_tsc(HIT_WAIT_US);
	bool ok;

	sti();
	while (!(ok = hits_total(vec) >= n) && rdtsc() < deadline) {
		(void)inl(PORT_PV);	/* a VM exit: pending interrupts get injected (docs/kvm-pvm.md) */
		pause();
	}
	cli();
	return ok;
}

uint32_t hits_cpus(void)
{
	return smp_ncpus();
}

static uint64_t set_ldr(void *arg)
{
	apic_write(APIC_DFR, APIC_DFR_FLAT);
	apic_write(APIC_LDR, (uint32_t)(uintptr_t)arg << APIC_LDR_SHIFT);
	return apic_read(APIC_LDR) >> APIC_LDR_SHIFT;
}

bool hits_logical_on(void)
{
	uint64_t got;
	int err;

	if (apic_x2apic_mode()) {
		test_skip("x2APIC mode: logical IDs are fixed (cluster model), not programmable");
		return false;
	}
	for (uint32_t c = 0; c < hits_logical_cpus(); c++) {
		err = on_cpu(c, set_ldr, (void *)(uintptr_t)(1u << c), &got);
		if (!check(!err && got == 1u << c, "cpu %u: LDR 0x%lx after writing 0x%x (%s)", c,
			   got, 1u << c, smp_strerror(err)))
			return false;
	}
	return true;
}

void hits_logical_off(void)
{
	for (uint32_t c = 0; c < hits_logical_cpus(); c++)
		on_cpu(c, set_ldr, 0, 0);
}
