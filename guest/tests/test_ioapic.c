// SPDX-License-Identifier: MIT
/*
 * Suite `ioapic`: the I/O APIC (82093AA datasheet; SDM Vol. 3A 11.8.4, 11.11) programmed through
 * its MMIO window, its input pins driven by the host (PV_REQ_IRQ_LINE). --irqchip kernel tests
 * KVM's in-kernel IOAPIC, --irqchip split irqlab's own (pv_boot.flags PV_BOOT_SPLIT_IRQCHIP).
 * Pins 16-23 are used: GSIs 0-15 also reach the (masked) 8259s. Every test leaves its pins
 * deasserted and masked, and interrupts arrive only inside the bounded waits (IF=1 there only).
 */
#include <x86/apic.h>
#include <abi/layout.h>
#include <x86/cpu.h>

#include "apic.h"
#include "cpu.h"
#include "idt.h"
#include "ioapic.h"
#include "irq_hits.h"
#include "lib.h"
#include "pv.h"
#include "pvreq.h"
#include "smp_tests.h"
#include "test.h"
#include "tsc.h"

#define PIN_EDGE    16
#define PIN_LEVEL   17
#define PIN_SPARE   20
#define VEC_EDGE    (HIT_VEC_BASE + 4)
#define VEC_LEVEL   (HIT_VEC_BASE + 5)
#define VEC_ACK     (HIT_VEC_BASE + 6)  /* level_once's own handler */
#define NEW_ID      0x5u

static uint64_t rte(uint8_t vec, uint32_t dest, uint64_t flags)
{
	return vec | flags | (uint64_t)(dest & 0xFF) << IOAPIC_RTE_DEST_SHIFT;
}

static bool split_irqchip(void)
{
	const struct pv_boot *b = pvreq_boot();

	return b && (b->flags & PV_BOOT_SPLIT_IRQCHIP);
}

/* The host drives pins, every CPU is up, counters armed. */
static bool ioapic_ready(void)
{
	if (!pv_irqlab()) {
		test_skip("no irqlab host: only irqlab drives IOAPIC pins on request");
		return false;
	}
	if (!smp_all_online())
		return false;
	hits_arm();
	return true;
}

static void line(unsigned pin, int level)
{
	int64_t status;
	int r = pvreq_irq_line(pin, level, &status);

	check(r == 0, "%s pin %u: host answered %d", level ? "assert" : "deassert", pin, r);
}

static void release(unsigned pin)
{
	line(pin, 0);
	ioapic_mask(pin);
	hits_disarm();
}

static uint32_t targets(void)
{
	return hits_cpus() < 255 ? hits_cpus() : 255;  /* 8-bit physical destination */
}

/* After the expected deliveries: vec counted `want` times on cpu and nowhere else. */
static void only_on(uint32_t cpu, uint8_t vec, uint32_t want, const char *how)
{
	char where[128];

	idle_us(HIT_SETTLE_US);
	check(*hits_of(cpu, vec) == want && hits_total(vec) == want, "%s: expected %u of vector 0x%x "
	      "on cpu %u only, got %s", how, want, vec, cpu, hits_where(where, sizeof(where), vec));
}

/* 82093AA 3.2: version 0x11 (chipset IOAPICs with an EOI register: 0x20), 24 entries; the ID
 * (27:24) is writable and the arbitration ID follows it. */
static void id_version(void)
{
	uint32_t ver = ioapic_read(IOAPIC_VER), id0 = ioapic_read(IOAPIC_ID), id, arb;

	check((ver & IOAPIC_VER_MASK) == 0x11 || (ver & IOAPIC_VER_MASK) == 0x20, "IOAPICVER 0x%x: "
	      "version 0x%x, expected 0x11 (82093AA) or 0x20 (with an EOI register)", ver,
	      ver & IOAPIC_VER_MASK);
	check(ioapic_pins() == PV_GSI_IOAPIC_PINS, "IOAPICVER 0x%x: %u entries, expected %u", ver,
	      ioapic_pins(), PV_GSI_IOAPIC_PINS);
	ioapic_write(IOAPIC_ID, NEW_ID << IOAPIC_ID_SHIFT);
	id = ioapic_read(IOAPIC_ID);
	arb = ioapic_read(IOAPIC_ARB);
	check(id == NEW_ID << IOAPIC_ID_SHIFT, "IOAPICID after writing 0x%x: 0x%x",
	      NEW_ID << IOAPIC_ID_SHIFT, id);
	check(((arb >> IOAPIC_ID_SHIFT) & 0xF) == NEW_ID, "IOAPICARB 0x%x after setting ID %u", arb,
	      NEW_ID);
	ioapic_write(IOAPIC_ID, id0);
	pv_print("%s IOAPIC: IOAPICVER 0x%08x, IOAPICID 0x%08x", split_irqchip() ? "irqlab's" :
		 "KVM's in-kernel", ver, id0);
}

/* Entries read back as written, except Delivery Status and Remote IRR (read-only, 3.2.4). */
static void rte_readback(void)
{
	uint64_t want = rte(0xA7, 0xA5, IOAPIC_RTE_DM_LOWEST | IOAPIC_RTE_DEST_LOGICAL |
			    IOAPIC_RTE_POLARITY_LOW | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED), got;

	for (unsigned pin = 0; pin < ioapic_pins(); pin++)
		check(ioapic_rte_read(pin) & IOAPIC_RTE_MASKED, "entry %u unmasked: 0x%lx (reset masks "
		      "all; this suite re-masks what it uses)", pin, ioapic_rte_read(pin));
	ioapic_rte_write(PIN_SPARE, want);
	check((got = ioapic_rte_read(PIN_SPARE)) == want, "entry %u: wrote 0x%lx, reads 0x%lx",
	      PIN_SPARE, want, got);
	ioapic_rte_write(PIN_SPARE, want | IOAPIC_RTE_DELIVS | IOAPIC_RTE_REMOTE_IRR);
	check((got = ioapic_rte_read(PIN_SPARE)) == want, "entry %u: wrote 0x%lx with the read-only "
	      "bits 12 and 14 set, reads 0x%lx", PIN_SPARE, (uint64_t)(want | IOAPIC_RTE_DELIVS |
	      IOAPIC_RTE_REMOTE_IRR), got);
	ioapic_rte_write(PIN_SPARE, IOAPIC_RTE_MASKED);
}

/* One rising edge, one interrupt, on the addressed CPU only; Remote IRR stays 0 for edge. */
static void edge_physical(void)
{
	uint64_t e;

	if (!ioapic_ready())
		return;
	for (uint32_t c = 0; c < targets(); c++) {
		ioapic_rte_write(PIN_EDGE, rte(VEC_EDGE, c, 0));
		line(PIN_EDGE, 1);
		check(hits_wait(c, VEC_EDGE, 1), "edge pin %u to APIC ID %u: not delivered", PIN_EDGE, c);
		line(PIN_EDGE, 0);
		only_on(c, VEC_EDGE, 1, "edge, physical destination");
		e = ioapic_rte_read(PIN_EDGE);
		check(!(e & IOAPIC_RTE_REMOTE_IRR), "edge entry 0x%lx has Remote IRR set", e);
		check(!hits_tmr(c), "edge vector 0x%x: TMR set on cpu %u (11.8.4: level only)", VEC_EDGE, c);
		hits_arm();
	}
	release(PIN_EDGE);
}

/* Flat logical destinations: one bit reaches that CPU; all bits reach each CPU once. */
static void edge_logical(void)
{
	uint32_t n = hits_logical_cpus(), all = (1u << n) - 1;
	char where[128];

	if (!ioapic_ready())
		return;
	if (!hits_logical_on())
		goto out;
	for (uint32_t c = 0; c < n; c++) {
		ioapic_rte_write(PIN_EDGE, rte(VEC_EDGE, 1u << c, IOAPIC_RTE_DEST_LOGICAL));
		line(PIN_EDGE, 1);
		line(PIN_EDGE, 0);
		check(hits_wait(c, VEC_EDGE, 1), "logical 0x%x: not delivered to cpu %u", 1u << c, c);
		only_on(c, VEC_EDGE, 1, "edge, logical destination");
		hits_arm();
	}
	ioapic_rte_write(PIN_EDGE, rte(VEC_EDGE, all, IOAPIC_RTE_DEST_LOGICAL));
	line(PIN_EDGE, 1);
	line(PIN_EDGE, 0);
	hits_wait_total(VEC_EDGE, n);
	idle_us(HIT_SETTLE_US);
	for (uint32_t c = 0; c < n; c++)
		check(*hits_of(c, VEC_EDGE) == 1, "logical 0x%x: cpu %u got %u, expected 1 each (%s)",
		      all, c, *hits_of(c, VEC_EDGE), hits_where(where, sizeof(where), VEC_EDGE));
	hits_logical_off();
out:
	release(PIN_EDGE);
}

/* 82093AA 3.2.4, Interrupt Mask: "Edge-sensitive interrupts signaled on a masked interrupt pin
 * are ignored (i.e., not delivered or held pending)" -- neither a pulse nor a line still high
 * when the entry is unmasked; the next rising edge is delivered. */
static void edge_masked_not_delivered(void)
{
	uint32_t self = this_cpu()->index;

	if (!ioapic_ready())
		return;
	ioapic_rte_write(PIN_EDGE, rte(VEC_EDGE, self, IOAPIC_RTE_MASKED));
	line(PIN_EDGE, 1);
	line(PIN_EDGE, 0);
	ioapic_rte_write(PIN_EDGE, rte(VEC_EDGE, self, 0));
	idle_us(HIT_SETTLE_US);
	check(hits_total(VEC_EDGE) == 0, "edge pulsed while masked: delivered %u times after "
	      "unmasking", hits_total(VEC_EDGE));
	ioapic_mask(PIN_EDGE);
	line(PIN_EDGE, 1);
	ioapic_rte_write(PIN_EDGE, rte(VEC_EDGE, self, 0));
	idle_us(HIT_SETTLE_US);
	check(hits_total(VEC_EDGE) == 0, "edge raised while masked, unmasked while high: delivered "
	      "%u times", hits_total(VEC_EDGE));
	line(PIN_EDGE, 0);
	line(PIN_EDGE, 1);
	check(hits_wait(self, VEC_EDGE, 1), "rising edge on the unmasked entry: not delivered");
	line(PIN_EDGE, 0);
	only_on(self, VEC_EDGE, 1, "rising edge after the masked ones");
	release(PIN_EDGE);
}

/*
 * A level line asserted while its entry is masked is not sent; unmasking it with the line still
 * high sends it (82093AA 3.2.4; the entry's Remote IRR goes to 1). IF=0 holds the interrupt in
 * the local APIC's IRR while the line is released, as a driver's device ack would, so exactly
 * one delivery follows: TMR set (SDM 11.8.4), Remote IRR cleared by the handler's EOI.
 */
static void level_unmask_while_asserted(void)
{
	uint32_t self = this_cpu()->index;
	uint64_t e;

	if (!ioapic_ready())
		return;
	ioapic_rte_write(PIN_LEVEL, rte(VEC_LEVEL, self, IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED));
	line(PIN_LEVEL, 1);
	idle_us(HIT_SETTLE_US);
	e = ioapic_rte_read(PIN_LEVEL);
	check(hits_total(VEC_LEVEL) == 0 && !(e & IOAPIC_RTE_REMOTE_IRR), "masked level line: "
	      "delivered %u times, entry 0x%lx", hits_total(VEC_LEVEL), e);
	ioapic_rte_write(PIN_LEVEL, rte(VEC_LEVEL, self, IOAPIC_RTE_LEVEL));
	e = ioapic_rte_read(PIN_LEVEL);
	check(e & IOAPIC_RTE_REMOTE_IRR, "unmasked with the line high: not sent (entry 0x%lx)", e);
	check(apic_vec_bit(APIC_IRR, VEC_LEVEL), "unmasked with the line high: vector 0x%x not "
	      "pending in the local APIC's IRR", VEC_LEVEL);
	line(PIN_LEVEL, 0);
	check(hits_wait(self, VEC_LEVEL, 1), "unmasked with the line high: never delivered");
	only_on(self, VEC_LEVEL, 1, "level line unmasked while asserted, released before delivery");
	check(hits_tmr(self), "level vector 0x%x: TMR clear at delivery (11.8.4)", VEC_LEVEL);
	e = ioapic_rte_read(PIN_LEVEL);
	check(!(e & IOAPIC_RTE_REMOTE_IRR), "Remote IRR still set after the EOI: entry 0x%lx", e);
	release(PIN_LEVEL);
}

/*
 * Remote IRR is set when a local APIC accepts the level interrupt and cleared by the EOI message
 * its handler's EOI causes (82093AA 3.2.4, SDM 11.8.5); until then the entry sends nothing more.
 * The handler here leaves the EOI to the test, which checks the entry while it is in service.
 */
static void level_remote_irr_until_eoi(void)
{
	uint32_t self = this_cpu()->index;
	uint64_t e;

	if (!ioapic_ready())
		return;
	hits_defer_eoi(VEC_LEVEL, true);
	ioapic_rte_write(PIN_LEVEL, rte(VEC_LEVEL, self, IOAPIC_RTE_LEVEL));
	line(PIN_LEVEL, 1);
	e = ioapic_rte_read(PIN_LEVEL);
	check(e & IOAPIC_RTE_REMOTE_IRR, "level line asserted: Remote IRR clear (entry 0x%lx)", e);
	line(PIN_LEVEL, 0);
	check(hits_wait(self, VEC_LEVEL, 1), "level line asserted: never delivered");
	idle_us(HIT_SETTLE_US);
	e = ioapic_rte_read(PIN_LEVEL);
	check(e & IOAPIC_RTE_REMOTE_IRR, "in service, before the guest's EOI: Remote IRR already "
	      "clear (entry 0x%lx, %u deliveries, ISR bit %d): the EOI message came without an EOI "
	      "write", e, *hits_of(self, VEC_LEVEL), apic_vec_bit(APIC_ISR, VEC_LEVEL));
	apic_eoi();
	e = ioapic_rte_read(PIN_LEVEL);
	check(!(e & IOAPIC_RTE_REMOTE_IRR), "after the EOI: Remote IRR still set (entry 0x%lx)", e);
	only_on(self, VEC_LEVEL, 1, "one level assertion");
	release(PIN_LEVEL);
}

static volatile uint32_t acked;

/* A slow device's level handler: the line stays high for HOLD_US after delivery, then the
 * driver acks the device (the line drops), then EOIs. Until that EOI the IOAPIC's Remote IRR
 * holds the entry: the held line is not delivered again. (Holding it makes the verdict
 * deterministic: a LAPIC that ends the service at delivery lets the IOAPIC redeliver within the
 * hold every time, instead of only when its EOI happens to beat the ack.) It runs only inside
 * the test's bounded waits, where no PV message is being built, so it may send its own. */
#define HOLD_US 1000

static void on_ack(struct frame *f)
{
	uint64_t end = rdtsc() + us_to_tsc(HOLD_US);

	acked++;
	while (rdtsc() < end)
		(void)inl(PORT_PV);   /* VM exits: an early EOI and a redelivery get their chance */
	pvreq_irq_line(PIN_LEVEL, 0, 0);
	apic_eoi();
}

/* One assertion, held, then acked before the EOI: exactly one delivery (the line is low at the
 * EOI, and Remote IRR blocked it until then). */
static void level_once(void)
{
	uint32_t self = this_cpu()->index;
	uint64_t e;

	if (!ioapic_ready())
		return;
	acked = 0;
	idt_set_handler(VEC_ACK, on_ack);
	ioapic_rte_write(PIN_LEVEL, rte(VEC_ACK, self, IOAPIC_RTE_LEVEL));
	line(PIN_LEVEL, 1);
	check(wait_count(&acked, 1, HIT_WAIT_US), "level line asserted: never delivered");
	idle_us(HIT_SETTLE_US);
	e = ioapic_rte_read(PIN_LEVEL);
	check(acked == 1, "one level assertion, held %u us and acked in the handler before its EOI: "
	      "delivered %u times (%s IOAPIC; entry now 0x%lx)", HOLD_US, acked, split_irqchip() ? "irqlab's" :
	      "KVM's in-kernel", e);
	idt_set_handler(VEC_ACK, 0);
	release(PIN_LEVEL);
}

/* level_once per IOAPIC, so a platform expectation can name the one that misbehaves. */
static void level_once_kernel_ioapic(void)
{
	if (split_irqchip())
		test_skip("--irqchip split: level_once_irqlab_ioapic tests irqlab's IOAPIC");
	else
		level_once();
}

static void level_once_irqlab_ioapic(void)
{
	if (!split_irqchip())
		test_skip("--irqchip kernel: level_once_kernel_ioapic tests KVM's IOAPIC");
	else
		level_once();
}

struct test ioapic_tests[] = {
	TEST(id_version),
	TEST(rte_readback),
	TEST(edge_physical),
	TEST(edge_logical),
	TEST(edge_masked_not_delivered),
	TEST(level_unmask_while_asserted),
	TEST(level_remote_irr_until_eoi),
	TEST(level_once_kernel_ioapic),
	TEST(level_once_irqlab_ioapic),
};
SUITE(60, ioapic, ioapic_tests, 1);
