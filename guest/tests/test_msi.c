// SPDX-License-Identifier: MIT
/*
 * Suite `msi`: message-signalled interrupts (SDM Vol. 3A 11.11) raised by the host three ways:
 * KVM_SIGNAL_MSI (PV_REQ_MSI_SIGNAL), a GSI routed to an MSI and asserted with
 * KVM_IRQ_LINE_STATUS (PV_REQ_MSI_ROUTE + PV_REQ_IRQ_LINE), and an irqfd on such a GSI
 * (PV_REQ_IRQFD). Each test checks the vector, the CPU it reached, the delivery mode and the
 * count on every CPU: exactly the expected deliveries, no loss, no duplicate.
 */
#include <x86/apic.h>
#include <x86/cpu.h>

#include "apic.h"
#include "cpu.h"
#include "irq_hits.h"
#include "lib.h"
#include "pv.h"
#include "pvreq.h"
#include "smp_tests.h"
#include "test.h"
#include "tsc.h"

#define VEC         (HIT_VEC_BASE + 1)
#define GSI_LINE    PV_GSI_MSI_BASE         /* + cpu: routes for route_and_line */
#define GSI_IRQFD   (PV_GSI_MSI_BASE + 64)  /* + cpu: routes for irqfd_counts */
#define IRQFD_KICKS 3
#define ROUTED_CPUS 64                      /* GSI_LINE + cpu stays below GSI_IRQFD */
#define BURST       8                       /* distinct vectors HIT_VEC_BASE.. */

/* The host can raise MSIs, every CPU is up, the counters are armed. */
static bool msi_ready(void)
{
	if (!pv_irqlab()) {
		test_skip("no irqlab host: only irqlab raises MSIs on request");
		return false;
	}
	if (!smp_all_online())
		return false;
	hits_arm();
	return true;
}

/* msi_ready() and flat logical IDs set (bit c on cpu c); false, disarmed, if they cannot be. */
static bool msi_logical_ready(void)
{
	if (!msi_ready())
		return false;
	if (hits_logical_on())
		return true;
	hits_disarm();
	return false;
}

/* The end of a test that msi_logical_ready() began: logical IDs cleared, counters disarmed. */
static void msi_logical_done(void)
{
	hits_logical_off();
	hits_disarm();
}

static uint32_t targets(void)
{
	return hits_cpus() < 255 ? hits_cpus() : 255;  /* 8-bit MSI destination (11.11.1) */
}

static uint32_t routed(void)
{
	return targets() < ROUTED_CPUS ? targets() : ROUTED_CPUS;
}

/* After the expected deliveries: vec counted exactly `want` times on cpu, nowhere else. */
static void only_on(uint32_t cpu, uint8_t vec, uint32_t want, const char *how)
{
	char where[128];

	idle_us(HIT_SETTLE_US);
	check(*hits_of(cpu, vec) == want && hits_total(vec) == want, "%s to cpu %u: expected %u "
	      "of vector 0x%x there only, got %s", how, cpu, want, vec, hits_where(where, sizeof(where), vec));
}

static void signal_fixed_physical(void)
{
	int64_t delivered;
	int r;

	if (!msi_ready())
		return;
	for (uint32_t c = 0; c < targets(); c++) {
		r = pvreq_msi_signal(msi_addr(c, 0), VEC, &delivered);
		if (!check(r == 0 && delivered > 0, "MSI to APIC ID %u: host answered %d, KVM "
			   "delivered %ld", c, r, delivered))
			continue;
		check(hits_wait(c, VEC, 1), "MSI to APIC ID %u: vector 0x%x not delivered", c, VEC);
		only_on(c, VEC, 1, "fixed physical MSI");
		hits_arm();
	}
	hits_disarm();
}

/* Flat logical destination: one bit reaches that CPU; all bits reach each CPU once. */
static void signal_fixed_logical(void)
{
	uint32_t n = hits_logical_cpus(), all = (1u << n) - 1;
	char where[128];

	if (!msi_logical_ready())
		return;
	for (uint32_t c = 0; c < n; c++) {
		check(!pvreq_msi_signal(msi_addr(1u << c, MSI_ADDR_DM_LOGICAL), VEC, 0), "refused");
		check(hits_wait(c, VEC, 1), "logical MSI to 0x%x: not delivered to cpu %u", 1u << c, c);
		only_on(c, VEC, 1, "fixed logical MSI");
		hits_arm();
	}
	check(!pvreq_msi_signal(msi_addr(all, MSI_ADDR_DM_LOGICAL), VEC, 0), "refused");
	hits_wait_total(VEC, n);
	idle_us(HIT_SETTLE_US);
	for (uint32_t c = 0; c < n; c++)
		check(*hits_of(c, VEC) == 1, "logical MSI to 0x%x: cpu %u got %u, expected 1 each "
		      "(all: %s)", all, c, *hits_of(c, VEC), hits_where(where, sizeof(where), VEC));
	msi_logical_done();
}

/* Delivery mode 100b: an NMI on the addressed CPU only; the vector field is ignored. */
static void signal_nmi(void)
{
	char where[128];

	if (!msi_ready())
		return;
	for (uint32_t c = 0; c < targets(); c++) {
		check(!pvreq_msi_signal(msi_addr(c, 0), APIC_DM_NMI | VEC, 0), "NMI MSI refused");
		check(hits_wait_nmi(c, 1), "NMI MSI to APIC ID %u: no NMI there", c);
		idle_us(HIT_SETTLE_US);
		check(*hits_nmi(c) == 1 && hits_nmi_total() == 1 && hits_total(VEC) == 0, "NMI MSI to "
		      "cpu %u: NMIs %s, vector 0x%x %u times", c, hits_where(where, sizeof(where), 2),
		      VEC, hits_total(VEC));
		hits_arm();
	}
	hits_disarm();
}

/* Delivery mode 001b to a logical set: exactly one CPU of the set takes each (11.6.2.4). */
static void signal_lowest_priority(void)
{
	uint32_t n = hits_logical_cpus(), all = (1u << n) - 1;
	char where[128];

	if (!msi_logical_ready())
		return;
	for (uint32_t k = 1; k <= 4; k++) {
		check(!pvreq_msi_signal(msi_addr(all, MSI_ADDR_DM_LOGICAL | MSI_ADDR_RH),
					APIC_DM_LOWEST | VEC, 0), "lowest-priority MSI refused");
		hits_wait_total(VEC, k);
		idle_us(HIT_SETTLE_US);
		check(hits_total(VEC) == k, "lowest-priority MSI %u to logical 0x%x: expected %u "
		      "deliveries in all, got %s", k, all, k, hits_where(where, sizeof(where), VEC));
	}
	pv_print("lowest-priority deliveries: %s", hits_where(where, sizeof(where), VEC));
	msi_logical_done();
}

/* An MSI route asserted: one interrupt; deasserting an MSI GSI sends nothing. */
static void route_and_line(void)
{
	int64_t st_on = 0, st_off = 0;
	int r;

	if (!msi_ready())
		return;
	for (uint32_t c = 0; c < routed(); c++) {
		r = pvreq_msi_route(GSI_LINE + c, msi_addr(c, 0), VEC);
		if (!check(r == 0, "route GSI %u to APIC ID %u: host answered %d", GSI_LINE + c, c, r))
			continue;
		r = pvreq_irq_line(GSI_LINE + c, 1, &st_on);
		check(r == 0, "assert GSI %u: host answered %d", GSI_LINE + c, r);
		check(hits_wait(c, VEC, 1), "GSI %u asserted (status %ld): nothing on cpu %u",
		      GSI_LINE + c, st_on, c);
		r = pvreq_irq_line(GSI_LINE + c, 0, &st_off);
		check(r == 0, "deassert GSI %u: host answered %d", GSI_LINE + c, r);
		only_on(c, VEC, 1, "routed MSI, assert then deassert,");
		hits_arm();
	}
	hits_disarm();
}

/* irqfd: each eventfd write is one interrupt; waiting for each keeps IRR from merging them. */
static void irqfd_counts(void)
{
	int r;

	if (!msi_ready())
		return;
	for (uint32_t c = 0; c < routed(); c++) {
		if (!check(!pvreq_msi_route(GSI_IRQFD + c, msi_addr(c, 0), VEC), "route GSI %u refused",
			   GSI_IRQFD + c))
			continue;
		for (uint32_t k = 1; k <= IRQFD_KICKS; k++) {
			r = pvreq_irqfd(GSI_IRQFD + c);
			check(r == 0, "irqfd on GSI %u: host answered %d", GSI_IRQFD + c, r);
			check(hits_wait(c, VEC, k), "irqfd write %u on GSI %u: cpu %u counted %u", k,
			      GSI_IRQFD + c, c, *hits_of(c, VEC));
		}
		only_on(c, VEC, IRQFD_KICKS, "irqfd MSI");
		hits_arm();
	}
	hits_disarm();
}

/* Eight vectors pending at once (IF=0): each arrives once when IF=1 (11.8.4: one IRR bit each). */
static void burst_distinct_vectors(void)
{
	uint32_t self = this_cpu()->index;
	char where[128];

	if (!msi_ready())
		return;
	for (uint32_t i = 0; i < BURST; i++)
		check(!pvreq_msi_signal(msi_addr(self, 0), HIT_VEC_BASE + i, 0), "MSI %u refused", i);
	/* The highest vector arrives first and one more per VM exit after each EOI: wait for all
	 * of them (a descheduled vCPU takes none), not for the first one plus a fixed settle. */
	for (uint32_t i = 0; i < BURST; i++)
		hits_wait(self, HIT_VEC_BASE + i, 1);
	idle_us(HIT_SETTLE_US);
	for (uint32_t i = 0; i < BURST; i++)
		check(*hits_of(self, HIT_VEC_BASE + i) == 1 && hits_total(HIT_VEC_BASE + i) == 1,
		      "burst: vector 0x%x expected once on cpu %u, got %s", HIT_VEC_BASE + i, self,
		      hits_where(where, sizeof(where), HIT_VEC_BASE + i));
	hits_disarm();
}

/* SDM 11.11.1: the address is 0xFEExxxxx; delivery modes 011b and 110b are reserved (11.11.2). */
static void malformed_refused(void)
{
	static const struct { const char *what; uint64_t addr; uint32_t data; } bad[] = {
		{ "address outside 0xFEExxxxx", 0xFED00000ull, VEC },
		{ "address with bits 63:32 set", 1ull << 32 | MSI_ADDR_BASE, VEC },
		{ "reserved delivery mode 011b", MSI_ADDR_BASE, 3u << 8 | VEC },
		{ "reserved delivery mode 110b", MSI_ADDR_BASE, 6u << 8 | VEC },
		{ "data wider than 16 bits", MSI_ADDR_BASE, 1u << 16 | VEC },
	};
	int r;

	if (!msi_ready())
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		r = pvreq_msi_signal(bad[i].addr, bad[i].data, 0);
		check(r == -PV_EINVAL, "MSI with %s (0x%lx, 0x%x): host answered %d, expected %d",
		      bad[i].what, bad[i].addr, bad[i].data, r, -PV_EINVAL);
		r = pvreq_msi_route(GSI_LINE, bad[i].addr, bad[i].data);
		check(r == -PV_EINVAL, "route with %s: host answered %d", bad[i].what, r);
	}
	r = pvreq_msi_route(PV_GSI_IOAPIC_PINS - 1, MSI_ADDR_BASE, VEC);
	check(r == -PV_EINVAL, "MSI route on IOAPIC pin GSI %u: host answered %d", PV_GSI_IOAPIC_PINS - 1, r);
	idle_us(HIT_SETTLE_US);
	check(hits_total(VEC) == 0 && hits_nmi_total() == 0, "refused MSIs delivered %u interrupts, "
	      "%u NMIs", hits_total(VEC), hits_nmi_total());
	hits_disarm();
}

struct test msi_tests[] = {
	TEST(signal_fixed_physical),
	TEST(signal_fixed_logical),
	TEST(signal_nmi),
	TEST(signal_lowest_priority),
	TEST(route_and_line),
	TEST(irqfd_counts),
	TEST(burst_distinct_vectors),
	TEST(malformed_refused),
};
SUITE(50, msi, msi_tests, 1);
