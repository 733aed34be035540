// SPDX-License-Identifier: MIT
/*
 * Suite `ipi`: the IPI storm and the round-trip latency (its timed path: tests/ipi_fast.asm).
 *
 * Storm: up to STORM_MAX_CPUS CPUs each send K fixed IPIs to every other participant, with one
 * vector per sender so each receiver keeps per-sender counts. IRR holds one pending interrupt per
 * vector (SDM Vol. 3A 11.8.4), so a sender sends its next IPI to a receiver only after the
 * receiver has counted the previous one: then every IPI must be counted exactly once, and any
 * difference per (sender, receiver) pair is a lost or duplicated interrupt.
 */
#include <abi/layout.h>
#include <x86/apic.h>

#include "apic.h"
#include "cpu.h"
#include "idt.h"
#include "ipi_fast.h"
#include "ipi_suite.h"
#include "lib.h"
#include "pv.h"
#include "smp.h"
#include "smp_tests.h"
#include "smp_wait.h"
#include "test.h"
#include "tsc.h"

#define STORM_MAX_CPUS  64      /* one vector per sender: 0x80..0xBF */
#define STORM_BUDGET    2048    /* IPIs in all: K = budget / (M (M - 1)), between 1 and 32 */
#define STORM_K_MAX     32
#define STORM_NAP_US    1000    /* a waiting sender rechecks this often (or at any IPI) */
#define STORM_RUN_US    5000000 /* the whole storm, then senders give up */
#define STORM_DRAIN_US  500000
#define RT_ROUNDS       100     /* round trips measured, after RT_WARMUP */
#define RT_WARMUP       4
#define RT_TIMEOUT_US   100000  /* per round trip on average (~10 s for all): each takes ~50 us,
                                   but a soak measured 2 s for 45 of them with both vCPU
                                   threads starved (docs/verdicts.md) */

static struct {
	uint32_t m, k;
	uint32_t cpu[STORM_MAX_CPUS];           /* slot -> APIC ID */
	volatile uint32_t rx[STORM_MAX_CPUS][STORM_MAX_CPUS]; /* [receiver][sender] */
	uint32_t sent[STORM_MAX_CPUS][STORM_MAX_CPUS];
	volatile uint64_t stalled[STORM_MAX_CPUS];      /* per sender: receivers given up on */
	volatile uint32_t go;                           /* start line: set once all are posted */
	uint64_t end;                                   /* TSC: senders give up on a receiver */
	volatile uint64_t max_wait[STORM_MAX_CPUS];     /* per sender: longest wait for a count */
} st;
static uint8_t slot_of[MAX_CPUS];              /* APIC ID -> slot */

static void on_storm(struct frame *f)
{
	st.rx[slot_of[this_cpu()->index]][f->vector - STORM_VEC]++;
	apic_eoi();
}

/*
 * Halted: spinning vCPUs starve the ones they wait for on the host's cores. IF=1 again on return.
 * A pending interrupt is taken at a hlt or an exit to userspace; exits that KVM handles inside
 * its instruction emulator (LAPIC MMIO, RDMSR, CPUID) leave it pending for up to ~1 ms.
 */
static bool storm_wait(volatile uint32_t *count, uint32_t target, uint32_t s)
{
	uint64_t t0 = rdtsc(), waited;
	bool ok = *count >= target || (t0 < st.end &&
		  smp_nap_until(count, target, tsc_to_us(st.end - t0), STORM_NAP_US));

	waited = rdtsc() - t0;
	if (waited > st.max_wait[s])
		st.max_wait[s] = waited;
	sti();
	return ok;
}

/*
 * Runs on every participant at once (on_cpu_async). A receiver that has not counted the previous
 * IPI by the end of the run gets no more (they would only merge in its IRR); returns those
 * receivers as a slot mask. Slow receivers are waited for: late is not lost.
 */
static uint64_t storm_send(void *arg)
{
	uint32_t s = slot_of[this_cpu()->index];
	uint64_t stalled = 0;

	if (!smp_halt_until(&st.go, 1, STORM_RUN_US))  /* woken by the start IPI */
		return ~0ull;           /* never started: every receiver counts as stalled */
	sti();
	for (uint32_t k = 0; k < st.k; k++)
		for (uint32_t r = 0; r < st.m; r++) {
			if (r == s || stalled >> r & 1)
				continue;
			if (k && !storm_wait(&st.rx[r][s], k, s)) {
				stalled |= 1ull << r;
				continue;
			}
			apic_icr_write(APIC_DM_FIXED | (STORM_VEC + s), st.cpu[r]);
			st.sent[r][s] = k + 1;
			(void)inl(PORT_PV);     /* lets one pending IPI in: one received per one sent */
		}
	for (uint32_t r = 0; r < st.m; r++)
		if (r != s && !(stalled >> r & 1) && !storm_wait(&st.rx[r][s], st.k, s))
			stalled |= 1ull << r;
	cli();
	return stalled;
}

/* Participants spread over all APIC IDs (the highest included), the caller in slot 0. */
static void storm_pick(void)
{
	uint32_t n = smp_ncpus(), self = this_cpu()->index;

	st.m = n < STORM_MAX_CPUS ? n : STORM_MAX_CPUS;
	st.k = STORM_BUDGET / (st.m * (st.m - 1));
	st.k = st.k < 1 ? 1 : st.k > STORM_K_MAX ? STORM_K_MAX : st.k;
	for (uint32_t j = 0; j < st.m; j++) {
		st.cpu[j] = (uint32_t)((uint64_t)j * (n - 1) / (st.m - 1));
		st.cpu[j] = st.cpu[j] == self ? 0 : st.cpu[j] == 0 ? self : st.cpu[j];
		slot_of[st.cpu[j]] = (uint8_t)j;
		for (uint32_t i = 0; i < st.m; i++)
			st.rx[j][i] = st.sent[j][i] = 0;
		st.max_wait[j] = 0;
	}
	for (uint32_t j = 0; j < st.m; j++)
		idt_set_handler((uint8_t)(STORM_VEC + j), on_storm);
}

/* Every pair: what the receiver counted against what the sender sent, and the pairs whose
 * sender gave up (an IPI not counted within STORM_WAIT_US: late or lost). */
static void storm_check(void)
{
	uint32_t bad = 0, slow = 0, got, sent;

	for (uint32_t r = 0; r < st.m; r++)
		for (uint32_t s = 0; s < st.m; s++) {
			got = st.rx[r][s];
			sent = st.sent[r][s];
			if (st.stalled[s] >> r & 1 && slow++ < IPI_MAX_REPORTS)
				check(0, "storm: APIC ID %u -> %u: IPI %u of %u not counted within the run "
				      "(%u ms); stopped sending", st.cpu[s], st.cpu[r], got + 1, st.k,
				      STORM_RUN_US / 1000);
			if (got == sent)
				continue;
			if (bad++ < 2 * IPI_MAX_REPORTS)
				check(0, "storm: APIC ID %u -> %u: sent %u, received %u (%s)", st.cpu[s],
				      st.cpu[r], sent, got, got < sent ? "lost" : "duplicated");
		}
	check(!bad && !slow, "storm: %u of %u sender/receiver pairs with a count difference, %u "
	      "stalled", bad, st.m * (st.m - 1), slow);
}

/* The longest any sender waited for a receiver to count its previous IPI. */
static uint64_t storm_max_wait(void)
{
	uint64_t max = 0;

	for (uint32_t j = 0; j < st.m; j++)
		max = st.max_wait[j] > max ? st.max_wait[j] : max;
	return max;
}

void storm(void)
{
	uint32_t failed = 0;
	uint64_t t0, ns, ipis = 0;

	if (!smp_need_aps() || !smp_all_online())
		return;
	storm_pick();
	t0 = rdtsc();
	st.go = 0;
	st.end = t0 + us_to_tsc(STORM_RUN_US);
	for (uint32_t j = 1; j < st.m; j++)
		failed += on_cpu_async(st.cpu[j], storm_send, 0) != SMP_OK;
	st.go = 1;              /* the participants nap until now: wake them all at once */
	apic_icr_write(APIC_DEST_ALLBUT | APIC_DM_FIXED | SMP_WAKE_VEC, 0);
	st.stalled[0] = storm_send(0);
	for (uint32_t j = 1; j < st.m; j++) {
		struct smp_cpu *c = &smp_cpus[st.cpu[j]];

		failed += !smp_nap_until(&c->done, c->req, STORM_RUN_US + STORM_DRAIN_US, STORM_NAP_US);
		st.stalled[j] = c->result;
	}
	ns = tsc_to_ns(rdtsc() - t0);
	idle_us(IPI_SETTLE_US);
	check(!failed, "storm: %u of %u participants did not finish within %u ms", failed, st.m - 1,
	      STORM_RUN_US / 1000);
	storm_check();
	for (uint32_t j = 0; j < st.m; j++)
		idt_set_handler((uint8_t)(STORM_VEC + j), 0);
	for (uint32_t r = 0; r < st.m; r++)
		for (uint32_t s = 0; s < st.m; s++)
			ipis += st.sent[r][s];
	pv_print("storm: %u CPUs (%s mode), %u IPIs per pair, %lu IPIs in %lu us", st.m,
		 smp_x2apic() ? "x2APIC" : "xAPIC", st.k, ipis, ns / 1000);
	pv_metric("ipi_storm_rate", (int64_t)(ipis * 1000000000ull / (ns ? ns : 1)), "IPI/s");
	pv_metric("ipi_storm_max_wait", (int64_t)tsc_to_ns(storm_max_wait()), "ns");
}

/* --- round trip: ping-pong with both sides halted -------------------------------------- */
/*
 * The timed path is tests/ipi_fast.asm, as lean as bench/ipi-floor.asm: the initiator reads the
 * TSC, pings and waits in `sti; hlt`; the responder, halted in a loop of its own (on_cpu_async),
 * takes the ping in a raw entry that sends the pong and the EOI; the initiator's raw entry takes
 * the pong and sends the EOI, and the TSC is read once its hlt loop sees the pong. The entries are
 * the ping and pong vectors' IDT gates only while the responder's loop runs.
 */
static uint64_t rt_ns[RT_ROUNDS];

static void rt_gates(int x2apic, bool on)
{
	idt_set_gate(PING_VEC, !on ? 0 : x2apic ? ipi_fast_ping_x2apic : ipi_fast_ping_xapic);
	idt_set_gate(PONG_VEC, !on ? 0 : x2apic ? ipi_fast_pong_x2apic : ipi_fast_pong_xapic);
}

/* The peer is in its idle loop's hlt (smp.c), so the call IPI below is what wakes it and
 * does not stay pending to wake the loop it starts. */
static bool peer_idle(const struct smp_cpu *c, uint64_t deadline)
{
	while (c->halts != c->wakeups + 1)
		if (rdtsc() >= deadline)
			return false;
	return true;
}

/* Precomputed ICR values and the gates, then the responder's loop (on_cpu_async fences first). */
static int rt_start(uint32_t peer, int x2apic, uint64_t deadline)
{
	uint32_t self = this_cpu()->apic_id, shift = x2apic ? 0 : APIC_ICR2_DEST_SHIFT;
	int err = SMP_ETIMEDOUT;

	ipi_fast_ping_icr = APIC_DM_FIXED | PING_VEC;
	ipi_fast_ping_dest = peer << shift;
	ipi_fast_pong_icr = APIC_DM_FIXED | PONG_VEC;
	ipi_fast_pong_dest = self << shift;
	ipi_fast_pongs = ipi_fast_halts = ipi_fast_wakeups = ipi_fast_stop = 0;
	rt_gates(x2apic, true);
	if (peer_idle(&smp_cpus[peer], deadline))
		err = on_cpu_async(peer, x2apic ? ipi_fast_respond_x2apic : ipi_fast_respond_xapic, 0);
	if (err)
		rt_gates(x2apic, false);
	return check(!err, "ping-pong: on_cpu_async(%u): %s", peer, smp_strerror(err)) ? 0 : -1;
}

/* Full barrier first: a WRMSR to the x2APIC ICR may pass earlier stores (SDM Vol. 3A 11.12.3). */
static void rt_stop(uint32_t peer, int x2apic)
{
	int err;

	ipi_fast_stop = 1;
	__asm__ volatile("lock orq $0, (%%rsp)" ::: "memory", "cc");
	apic_icr_write(APIC_DM_FIXED | SMP_WAKE_VEC, peer);
	err = on_cpu_wait(peer, 0, IPI_WAIT_US);
	rt_gates(x2apic, false);        /* a late ping or pong now shows as an unexpected interrupt */
	check(!err, "ping-pong: APIC ID %u did not leave its wait loop: %s", peer, smp_strerror(err));
}

/*
 * The responder is back in its hlt since the last time: it woke (wakeups moved on from *seen) and
 * entered hlt again (halts = wakeups + 1). Wakeups are read first: the loop bumps them second.
 */
static bool peer_halted(uint32_t *seen, uint64_t deadline)
{
	uint32_t w;

	while ((w = ipi_fast_wakeups) == *seen || ipi_fast_halts != w + 1)
		if (rdtsc() >= deadline)
			return false;
	*seen = w;
	return true;
}

static uint32_t rt_measure(uint32_t peer, int x2apic)
{
	uint64_t deadline = rdtsc() + us_to_tsc((uint64_t)RT_TIMEOUT_US * (RT_ROUNDS + RT_WARMUP));
	uint32_t (*round)(uint32_t, uint64_t) = x2apic ? ipi_fast_round_x2apic : ipi_fast_round_xapic;
	uint32_t r, ticks, seen = ~0u;

	if (rt_start(peer, x2apic, deadline))
		return 0;
	smp_halt_arm(deadline);
	for (r = 0; r < RT_ROUNDS + RT_WARMUP; r++) {
		if (!peer_halted(&seen, deadline) || !(ticks = round(r + 1, deadline)))
			break;
		if (r >= RT_WARMUP)
			rt_ns[r - RT_WARMUP] = tsc_to_ns(ticks);
	}
	smp_halt_disarm();
	rt_stop(peer, x2apic);
	check(ipi_fast_pongs == r, "ping-pong with APIC ID %u: %u round trips, %u pongs", peer, r,
	      ipi_fast_pongs);
	return r;
}

static void sort_u64(uint64_t *a, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		uint64_t v = a[i];
		uint32_t j = i;

		for (; j && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

static void roundtrip(int x2apic)
{
	const char *mode = x2apic ? "x2apic" : "xapic";
	uint32_t peer = this_cpu()->index ? 0 : 1, done;
	char name[PV_NAME_MAX];

	if (!smp_need_aps() || !ipi_mode(x2apic))
		return;
	done = rt_measure(peer, x2apic);
	if (check(done == RT_ROUNDS + RT_WARMUP, "%s ping-pong with APIC ID %u: round trip %u of %u "
		  "not completed within %u ms for all", mode, peer, done + 1, RT_ROUNDS + RT_WARMUP,
		  RT_TIMEOUT_US / 1000 * (RT_ROUNDS + RT_WARMUP))) {
		sort_u64(rt_ns, RT_ROUNDS);
		snprintf(name, sizeof(name), "ipi_roundtrip_%s_min", mode);
		pv_metric(name, (int64_t)rt_ns[0], "ns");
		snprintf(name, sizeof(name), "ipi_roundtrip_%s_median", mode);
		pv_metric(name, (int64_t)rt_ns[RT_ROUNDS / 2], "ns");
		snprintf(name, sizeof(name), "ipi_roundtrip_%s_p99", mode);
		pv_metric(name, (int64_t)rt_ns[RT_ROUNDS * 99 / 100 - 1], "ns");
		for (uint32_t d = 1; d < 10; d++) {     /* deciles: bench_smp.py's histogram */
			snprintf(name, sizeof(name), "ipi_roundtrip_%s_p%u0", mode, d);
			pv_metric(name, (int64_t)rt_ns[RT_ROUNDS * d / 10], "ns");
		}
	}
	ipi_restore();
}

void roundtrip_xapic(void) { roundtrip(0); }
void roundtrip_x2apic(void) { roundtrip(1); }
