// SPDX-License-Identifier: MIT
/*
 * Suite `ipi`: logical destinations (SDM Vol. 3A 11.6.2.2) and lowest-priority delivery
 * (11.6.2.4). xAPIC: software programs DFR (flat or cluster model, the same on every CPU) and
 * LDR; x2APIC: LDR is read-only, derived from the x2APIC ID (11.12.10.2).
 */
#include <x86/apic.h>

#include "apic.h"
#include "idt.h"
#include "ipi_suite.h"
#include "lib.h"
#include "pv.h"
#include "smp.h"
#include "smp_tests.h"
#include "smp_wait.h"
#include "test.h"
#include "tsc.h"

#define FLAT_CPUS       8       /* flat model: one bit of LDR[31:24] per CPU */
#define CLUSTER_CPUS    60      /* cluster model: clusters 0..14 of 4 CPUs (15 = broadcast) */
#define X2_CLUSTER      16      /* x2APIC: 16 CPUs per cluster */
#define LOWEST_SENDS    4

/* --- xAPIC ---------------------------------------------------------------------------- */
static uint32_t flat_ldr(uint32_t cpu) { return cpu < FLAT_CPUS ? 1u << cpu : 0; }
static uint32_t cluster_ldr(uint32_t cpu)
{
	return cpu < CLUSTER_CPUS ? (cpu / 4) << 4 | 1u << (cpu % 4) : 0;
}

static uint64_t set_flat(void *arg)
{
	apic_write(APIC_DFR, APIC_DFR_FLAT);
	apic_write(APIC_LDR, flat_ldr(this_cpu()->index) << APIC_LDR_SHIFT);
	return 0;
}

static uint64_t set_cluster(void *arg)
{
	apic_write(APIC_DFR, APIC_DFR_CLUSTER);
	apic_write(APIC_LDR, cluster_ldr(this_cpu()->index) << APIC_LDR_SHIFT);
	return 0;
}

static uint64_t reset_logical(void *arg)      /* the values after RESET/INIT (11.4.7.1) */
{
	apic_write(APIC_LDR, 0);
	apic_write(APIC_DFR, APIC_DFR_FLAT);
	return 0;
}

/* want(): the 8-bit xAPIC destination *ctx matched against each CPU's LDR (0xFF: everyone) */
static uint32_t want_flat(uint32_t cpu, const void *ctx)
{
	uint32_t dest = *(const uint32_t *)ctx;

	return dest == 0xFF || (flat_ldr(cpu) & dest) != 0;
}

static uint32_t want_cluster(uint32_t cpu, const void *ctx)
{
	uint32_t dest = *(const uint32_t *)ctx, ldr = cluster_ldr(cpu);

	return dest == 0xFF || (ldr >> 4 == dest >> 4 && (ldr & dest & 0xF));
}

/* x2APIC logical ID: cluster (ID >> 4) in bits 31:16, bit ID & 15 in bits 15:0 */
static uint32_t x2_ldr(uint32_t cpu) { return (cpu >> 4) << 16 | 1u << (cpu & 15); }

static uint32_t want_x2(uint32_t cpu, const void *ctx)
{
	uint32_t dest = *(const uint32_t *)ctx, ldr = x2_ldr(cpu);

	return dest == 0xFFFFFFFFu || (ldr >> 16 == dest >> 16 && (ldr & dest & 0xFFFF));
}

static bool logical_setup(int x2apic, smp_fn program)
{
	uint32_t failed;

	if (!smp_need_aps() || !ipi_mode(x2apic))
		return false;
	if (!program)
		return true;
	failed = on_each_cpu(program, 0, 0);
	return check(!failed, "programming DFR/LDR: %u CPUs did not run the call", failed);
}

static void logical_teardown(int x2apic)
{
	if (!x2apic)
		check(!on_each_cpu(reset_logical, 0, 0), "resetting DFR/LDR failed on some CPU");
	ipi_restore();
}

static void send_logical(const char *model, uint32_t dest, ipi_want_fn want)
{
	char what[64];

	snprintf(what, sizeof(what), "%s logical destination 0x%x", model, dest);
	ipi_reset();
	apic_icr_write(APIC_DEST_LOGICAL | APIC_DM_FIXED | IPI_VEC, dest);
	ipi_expect(what, want, &dest);
}

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* 0xFF is a broadcast in the flat model (11.6.2.2): "all CPUs with an LDR bit" is at most 0x7F. */
void logical_flat_xapic(void)
{
	uint32_t all = ((1u << min_u32(smp_ncpus(), FLAT_CPUS)) - 1) & 0x7F;

	if (!logical_setup(0, set_flat))
		return;
	send_logical("flat", all, want_flat);
	send_logical("flat", all & 0xAA, want_flat);
	send_logical("flat", 0xFF, want_flat);          /* all-ones: broadcast to every CPU */
	logical_teardown(0);
}

void logical_cluster_xapic(void)
{
	uint32_t last = (min_u32(smp_ncpus(), CLUSTER_CPUS) - 1) / 4;

	if (!logical_setup(0, set_cluster))
		return;
	send_logical("cluster", 0x0F, want_cluster);
	send_logical("cluster", last << 4 | 0x5, want_cluster);
	send_logical("cluster", 0xFF, want_cluster);    /* cluster 15, all members: broadcast */
	logical_teardown(0);
}

static uint64_t read_ldr(void *arg)
{
	return apic_read(APIC_LDR);
}

static uint64_t ldrs[MAX_CPUS];

void logical_x2apic(void)
{
	uint32_t n = smp_ncpus(), bad = 0, last = n - 1;

	if (!logical_setup(1, 0))
		return;
	check(!on_each_cpu(read_ldr, 0, ldrs), "reading LDR: some CPU did not run the call");
	for (uint32_t i = 0; i < n; i++)
		if (ldrs[i] != x2_ldr(i) && bad++ < IPI_MAX_REPORTS)
			check(0, "x2APIC ID %u: LDR 0x%lx, expected 0x%x (SDM Vol. 3A 11.12.10.2)",
			      i, ldrs[i], x2_ldr(i));
	send_logical("x2APIC", (1u << min_u32(n, X2_CLUSTER)) - 1, want_x2);
	send_logical("x2APIC", (last >> 4) << 16 | 1u << (last & 15) | 1, want_x2);
	send_logical("x2APIC", 0xFFFFFFFFu, want_x2);
	logical_teardown(1);
}

/* Which CPUs of the set took the lowest-priority IPIs: "APIC ID:count ..." */
static void report_receivers(int x2apic, uint32_t dest, uint32_t m)
{
	char buf[128];
	size_t off = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < m && off < sizeof(buf); i++)
		if (ipi_hits[i])
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %u:%u", i, ipi_hits[i]);
	pv_print("%s lowest priority, %u IPIs to logical 0x%x; taken by (APIC ID:count)%s",
		 x2apic ? "x2APIC" : "xAPIC", LOWEST_SENDS, dest, buf);
}

/* Each lowest-priority IPI must land on exactly one CPU of the set, never outside it. */
static void lowest_priority(int x2apic)
{
	uint32_t n = smp_ncpus(), m, dest, extra = 0;
	ipi_want_fn in_set = x2apic ? want_x2 : want_flat;

	if (!logical_setup(x2apic, x2apic ? 0 : set_flat))
		return;
	m = min_u32(n, x2apic ? X2_CLUSTER : FLAT_CPUS - 1);     /* xAPIC 0xFF: broadcast */
	dest = (1u << m) - 1;
	ipi_reset();
	for (uint32_t k = 1; k <= LOWEST_SENDS; k++) {
		apic_icr_write(APIC_DEST_LOGICAL | APIC_DM_LOWEST | IPI_VEC, dest);
		if (!check(smp_spin_until(&ipi_total, k, IPI_WAIT_US), "lowest-priority IPI %u to "
			   "logical 0x%x: not delivered", k, dest))
			break;
		idle_us(IPI_SETTLE_US);
		extra += ipi_total - k;
		ipi_total = k;
	}
	check(!extra, "lowest-priority IPIs to %u CPUs: %u extra deliveries (each must reach "
	      "exactly one)", m, extra);
	for (uint32_t i = 0, bad = 0; i < n && bad < IPI_MAX_REPORTS; i++)
		if (!in_set(i, &dest) && ipi_hits[i] && ++bad)
			check(0, "lowest-priority IPI to logical 0x%x reached APIC ID %u, outside the "
			      "set", dest, i);
	report_receivers(x2apic, dest, m);
	idt_set_handler(IPI_VEC, 0);
	logical_teardown(x2apic);
}

void lowest_priority_xapic(void) { lowest_priority(0); }
void lowest_priority_x2apic(void) { lowest_priority(1); }
