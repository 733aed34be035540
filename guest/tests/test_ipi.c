// SPDX-License-Identifier: MIT
/*
 * Suite `ipi`: interprocessor interrupts between all CPUs against the SDM (Vol. 3A 11.6). Every
 * receiver counts its deliveries in memory and the BSP compares each CPU's count with what was
 * sent, after waiting long enough for duplicates. Every test starts and ends with all CPUs online
 * in the base mode (xAPIC up to 255 CPUs, x2APIC above) with LDR/DFR and TPR at reset values.
 */
#include <x86/apic.h>
#include <x86/cpu.h>

#include "apic.h"
#include "cpu.h"
#include "idt.h"
#include "ipi_suite.h"
#include "lib.h"
#include "pv.h"
#include "smp.h"
#include "smp_tests.h"
#include "smp_wait.h"
#include "test.h"
#include "tsc.h"

#define ICR_POLLS       1000    /* reads of a busy xAPIC ICR before giving up */

volatile uint32_t ipi_hits[MAX_CPUS];
volatile uint32_t ipi_total;
static volatile uint32_t nmi_hits[MAX_CPUS];
/* zero_counts() clears smp_ncpus() (<= IRQLAB_MAX_CPUS) counters rounded up to whole qwords. */
_Static_assert(ARRAY_SIZE(ipi_hits) >= IRQLAB_MAX_CPUS && ARRAY_SIZE(ipi_hits) % 2 == 0, "ipi_hits");

static void on_ipi(struct frame *f)
{
	ipi_hits[this_cpu()->index]++;
	__atomic_add_fetch(&ipi_total, 1, __ATOMIC_SEQ_CST);
	apic_eoi();
}

static void on_nmi(struct frame *f)
{
	nmi_hits[this_cpu()->index]++;  /* NMIs take no EOI (SDM Vol. 3A 11.8.5) */
}

/* rep stosq: one emulated iteration per 8 bytes (memset's rep stosb does one per byte). */
static void zero_counts(volatile uint32_t *p, uint32_t n)
{
	size_t q = (n + 1) / 2;
	void *d = (void *)(uintptr_t)p;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(0ull) : "memory");
}

void ipi_reset(void)
{
	zero_counts(ipi_hits, smp_ncpus());
	ipi_total = 0;
	idt_set_handler(IPI_VEC, on_ipi);
}

bool ipi_mode(int x2apic)
{
	uint32_t n = smp_ncpus();

	if (!smp_all_online())
		return false;
	if (!x2apic && n > 255) {
		test_skip("xAPIC mode: %u CPUs, APIC IDs above 254 need x2APIC", n);
		return false;
	}
	if (x2apic && !apic_x2apic_supported()) {
		test_skip("no x2APIC: CPUID.01H:ECX[21] clear");
		return false;
	}
	return check(!smp_set_apic_mode(x2apic), "could not put all %u CPUs in %s mode", n,
		     x2apic ? "x2APIC" : "xAPIC");
}

void ipi_restore(void)
{
	check(!smp_set_apic_mode(smp_ncpus() > 255), "could not return all CPUs to the base mode");
}

uint32_t ipi_want_all(uint32_t cpu, const void *ctx) { return 1; }
uint32_t ipi_want_all_but(uint32_t cpu, const void *ex) { return cpu != *(const uint32_t *)ex; }
uint32_t ipi_want_only(uint32_t cpu, const void *only) { return cpu == *(const uint32_t *)only; }

bool ipi_expect(const char *what, ipi_want_fn want, const void *ctx)
{
	uint32_t n = smp_ncpus(), sum = 0, bad = 0, got, w;

	for (uint32_t i = 0; i < n; i++)
		sum += want(i, ctx);
	smp_spin_until(&ipi_total, sum, IPI_WAIT_US);
	idle_us(IPI_SETTLE_US);
	for (uint32_t i = 0; i < n; i++) {
		got = ipi_hits[i];
		w = want(i, ctx);
		if (got != w && bad++ < IPI_MAX_REPORTS)
			check(0, "%s: APIC ID %u received %u, expected %u", what, i, got, w);
	}
	check(bad <= IPI_MAX_REPORTS, "%s: %u CPUs in all received a wrong count (%u deliveries, "
	      "expected %u)", what, bad, ipi_total, sum);
	idt_set_handler(IPI_VEC, 0);    /* a late duplicate now shows as an unexpected interrupt */
	return !bad;
}

/* --- physical destination, and back ----------------------------------------------------- */
static volatile uint32_t pongs;
static uint32_t pong_to;

static void on_ping(struct frame *f)
{
	ipi_hits[this_cpu()->index]++;
	__atomic_add_fetch(&ipi_total, 1, __ATOMIC_SEQ_CST);
	apic_icr_write(APIC_DM_FIXED | PONG_VEC, pong_to);
	apic_eoi();
}

static void on_pong(struct frame *f)
{
	pongs++;
	apic_eoi();
}

/* Each AP in turn: it must take the IPI and answer; after IPI_MAX_REPORTS losses, stop waiting. */
static void fixed_to_each_ap(void)
{
	uint32_t n = smp_ncpus(), self = this_cpu()->index, lost = 0, answered = 0;

	if (!smp_need_aps() || !smp_all_online())
		return;
	ipi_reset();
	pongs = 0;
	pong_to = this_cpu()->apic_id;
	idt_set_handler(PING_VEC, on_ping);
	idt_set_handler(PONG_VEC, on_pong);
	for (uint32_t i = 0; i < n; i++) {
		if (i == self)
			continue;
		apic_icr_write(APIC_DM_FIXED | PING_VEC, i);
		if (lost >= IPI_MAX_REPORTS || smp_halt_until(&pongs, ++answered, IPI_WAIT_US))
			continue;
		answered--;
		lost++;
		check(0, "fixed IPI 0x%x to APIC ID %u: %s within %u us", PING_VEC, i,
		      ipi_hits[i] ? "taken, but no answer" : "not taken", IPI_WAIT_US);
	}
	idle_us(IPI_SETTLE_US);
	check(pongs == n - 1, "%u APs sent a fixed IPI, %u answered", n - 1, pongs);
	ipi_expect("fixed IPI to each AP", ipi_want_all_but, &self);
	idt_set_handler(PING_VEC, 0);
	idt_set_handler(PONG_VEC, 0);
}

static void nmi_to_each_ap(void)
{
	uint32_t n = smp_ncpus(), self = this_cpu()->index, lost = 0, bad = 0;

	if (!smp_need_aps() || !smp_all_online())
		return;
	zero_counts(nmi_hits, n);
	idt_set_handler(X86_VEC_NMI, on_nmi);
	for (uint32_t i = 0; i < n; i++) {
		if (i == self)
			continue;
		apic_icr_write(APIC_DM_NMI, i);
		if (lost < IPI_MAX_REPORTS && !smp_spin_until(&nmi_hits[i], 1, IPI_WAIT_US))
			lost++;
	}
	idle_us(IPI_SETTLE_US);
	for (uint32_t i = 0; i < n; i++)
		if (nmi_hits[i] != (i != self) && bad++ < IPI_MAX_REPORTS)
			check(0, "NMI IPI by destination: APIC ID %u took %u NMIs, expected %u", i,
			      nmi_hits[i], i != self);
	check(bad <= IPI_MAX_REPORTS, "NMI IPIs to %u APs: %u CPUs took a wrong number", n - 1, bad);
	idt_set_handler(X86_VEC_NMI, 0);
}

/*
 * The AP in its idle hlt and staying there for IPI_SETTLE_US: a call IPI for a request it served
 * before the IPI landed (it saw the request first) is still pending and wakes that hlt once more,
 * which is the harness's, not the test's. Returns the wakeup count then, or false (*wakeups
 * unset) if the AP was not quietly halted within IPI_WAIT_US.
 */
static bool quietly_halted(struct smp_cpu *c, uint32_t *wakeups)
{
	uint64_t deadline = rdtsc() + us_to_tsc(IPI_WAIT_US);
	uint32_t w;

	do {
		if (!smp_spin_until(&c->halts, c->wakeups + 1, IPI_WAIT_US))
			return false;
		w = c->wakeups;
		idle_us(IPI_SETTLE_US);
		if (c->wakeups == w && c->halts == w + 1) {
			*wakeups = w;
			return true;
		}
	} while (rdtsc() < deadline);
	return false;
}

/* The AP must be in its idle hlt, leave it exactly once for the IPI, and go back. */
static void wake_one(uint32_t cpu)
{
	struct smp_cpu *c = &smp_cpus[cpu];
	uint32_t wakeups;

	if (!check(quietly_halted(c, &wakeups), "APIC ID %u never stayed in the hlt of its idle "
		   "loop for %u us", cpu, IPI_SETTLE_US))
		return;
	apic_icr_write(APIC_DM_FIXED | IPI_VEC, cpu);
	check(smp_spin_until(&c->wakeups, wakeups + 1, IPI_WAIT_US), "fixed IPI to halted APIC ID "
	      "%u: hlt did not return within %u us (%u IPIs taken)", cpu, IPI_WAIT_US, ipi_hits[cpu]);
	/* going back to hlt is waited for (a descheduled AP takes its time), then the settle gives a
	 * second IPI or wakeup the chance to show (docs/verdicts.md, rule 1) */
	smp_spin_until(&c->halts, wakeups + 2, IPI_WAIT_US);
	idle_us(IPI_SETTLE_US);
	check(ipi_hits[cpu] == 1 && c->wakeups == wakeups + 1 && c->halts == c->wakeups + 1,
	      "APIC ID %u: %u IPIs taken, hlt returned %u times, back in hlt: %s; expected 1, 1, yes",
	      cpu, ipi_hits[cpu], c->wakeups - wakeups, c->halts == c->wakeups + 1 ? "yes" : "no");
}

static void wakes_halted_cpu(void)
{
	if (!smp_need_aps() || !smp_all_online())
		return;
	ipi_reset();
	wake_one(1);
	if (smp_ncpus() > 2)
		wake_one(smp_ncpus() - 1);
	idt_set_handler(IPI_VEC, 0);
}

/* --- shorthands and broadcast (SDM Vol. 3A 11.6.1: destination shorthand field) --------- */
static uint64_t send_all_but_self(void *arg)
{
	apic_icr_write(APIC_DEST_ALLBUT | APIC_DM_FIXED | IPI_VEC, 0);
	return 0;
}

static void shorthand_all_but_self(void)
{
	uint32_t self = this_cpu()->index, sender = smp_ncpus() - 1;

	if (!smp_need_aps() || !smp_all_online())
		return;
	ipi_reset();
	send_all_but_self(0);
	ipi_expect("all-excluding-self from the BSP", ipi_want_all_but, &self);
	ipi_reset();
	check(!on_cpu(sender, send_all_but_self, 0, 0), "on_cpu(%u) failed", sender);
	ipi_expect("all-excluding-self from the last AP", ipi_want_all_but, &sender);
}

static void shorthand_all_incl_self(void)
{
	if (!smp_need_aps() || !smp_all_online())
		return;
	ipi_reset();
	apic_icr_write(APIC_DEST_ALLINC | APIC_DM_FIXED | IPI_VEC, 0);
	ipi_expect("all-including-self", ipi_want_all, 0);
}

/* Physical destination all-ones: 0xFF in xAPIC mode, 0xFFFFFFFF in x2APIC mode (11.12.10). */
static void physical_broadcast(int x2apic)
{
	if (!smp_need_aps() || !ipi_mode(x2apic))
		return;
	ipi_reset();
	apic_icr_write(APIC_DM_FIXED | IPI_VEC, x2apic ? 0xFFFFFFFFu : 0xFFu);
	ipi_expect(x2apic ? "physical destination 0xFFFFFFFF" : "physical destination 0xFF",
		   ipi_want_all, 0);
	ipi_restore();
}

static void physical_broadcast_xapic(void) { physical_broadcast(0); }
static void physical_broadcast_x2apic(void) { physical_broadcast(1); }

/*
 * xAPIC ICR bit 12, delivery status: 1 while the IPI is pending, 0 (idle) once sent; software
 * polls it before reusing the ICR (SDM Vol. 3A 11.6.1). The other fields read back as written.
 */
static void icr_delivery_status_xapic(void)
{
	uint32_t sent = APIC_DM_FIXED | IPI_VEC, first, icr = 0, dest;
	unsigned polls = 0;

	if (!smp_need_aps() || !ipi_mode(0))
		return;
	ipi_reset();
	apic_icr_write(sent, 1);
	first = apic_read(APIC_ICR);
	for (icr = first; (icr & APIC_ICR_BUSY) && polls < ICR_POLLS; polls++)
		icr = apic_read(APIC_ICR);
	dest = apic_read(APIC_ICR2) >> APIC_ICR2_DEST_SHIFT;
	pv_print("ICR read right after the write: 0x%05x (delivery status %s); idle after %u polls",
		 first, first & APIC_ICR_BUSY ? "send pending" : "idle", polls);
	check(!(icr & APIC_ICR_BUSY), "delivery status still send-pending after %u ICR reads", polls);
	check((icr & ~APIC_ICR_BUSY) == sent && dest == 1, "ICR reads 0x%x, ICR2 destination %u; "
	      "expected 0x%x and 1", icr, dest, sent);
	ipi_expect("fixed IPI to APIC ID 1", ipi_want_only, &(uint32_t){ 1 });
	ipi_restore();
}

struct test ipi_tests[] = {
	TEST(fixed_to_each_ap),
	TEST(nmi_to_each_ap),
	TEST(wakes_halted_cpu),
	TEST(shorthand_all_but_self),
	TEST(shorthand_all_incl_self),
	TEST(physical_broadcast_xapic),
	TEST(physical_broadcast_x2apic),
	TEST(logical_flat_xapic),
	TEST(logical_cluster_xapic),
	TEST(logical_x2apic),
	TEST(lowest_priority_xapic),
	TEST(lowest_priority_x2apic),
	TEST(icr_delivery_status_xapic),
	TEST(storm),
	TEST(roundtrip_xapic),
	TEST(roundtrip_x2apic),
};
SUITE(30, ipi, ipi_tests, 2);

