// SPDX-License-Identifier: MIT
/*
 * Suite `smp`: bring-up with INIT-SIPI-SIPI (SDM Vol. 3A 9.4.4) and on_cpu(). The first test
 * needs APs that never received INIT, so the suite runs before anything else starts them;
 * every later test (and the `ipi` suite) brings them up on first use through smp_boot().
 */
#include <abi/layout.h>
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/msr.h>

#include "apic.h"
#include "cpu.h"
#include "lib.h"
#include "pv.h"
#include "smp.h"
#include "smp_tests.h"
#include "test.h"
#include "tsc.h"

#define PROBE_US        2000    /* an AP that wrongly starts runs its first insn within ~100 us */
#define PROBE_PER_AP_US 20
#define RESTART_US      500000  /* 500 ms convention: returns as soon as the AP is up */
#define TPR_MARK        0x20    /* set before INIT: INIT must clear it (SDM Vol. 3A 11.4.7.3) */

bool smp_need_aps(void)
{
	if (smp_ncpus() >= 2)
		return true;
	test_skip("needs an AP: this run has 1 CPU (--cpus N)");
	return false;
}

bool smp_all_online(void)
{
	const struct smp_bringup *b;
	char ids[160];
	uint32_t down;

	if (!smp_boot())
		return true;
	b = smp_bringup_result();
	if (b->error) {
		check(0, "AP bring-up not attempted: %s", b->error);
		return false;
	}
	down = smp_offline(ids, sizeof(ids));
	check(0, "%u of %u APs not online %lu ms after INIT-SIPI-SIPI (%u entered the trampoline); "
	      "offline APIC IDs: %s", down, b->target, b->timeout_us / 1000, b->entered, ids);
	return false;
}

/*
 * irqlab's APs wait for INIT (KVM_MP_STATE_UNINITIALIZED), and only INIT enters wait-for-SIPI
 * (SDM Vol. 3A 11.4.7.3). Elsewhere the state before the first INIT is the firmware's: after
 * RESET an AP waits for SIPI (9.4.1), after firmware's own bring-up it is parked in a loop.
 */
static void sipi_without_init(void)
{
	uint32_t n = smp_ncpus(), last = n - 1, entered;
	uint64_t probe = PROBE_US + (uint64_t)PROBE_PER_AP_US * n;

	if (!smp_need_aps())
		return;
	if (!pv_irqlab()) {
		test_skip("outside irqlab the APs' state before INIT is the firmware's");
		return;
	}
	if (smp_started()) {
		test_skip("the APs already received INIT (an earlier test started them)");
		return;
	}
	if (!check(!smp_tramp_prepare(), "no room for AP stacks above the image"))
		return;
	smp_send_sipi(APIC_DEST_ALLBUT, 0);
	smp_send_sipi(0, last);
	idle_us(probe);
	entered = smp_tramp_entered();
	check(entered == 0, "SIPI (all-excluding-self, then to APIC ID %u) to APs that never got "
	      "INIT: %u entered the trampoline within %lu us, expected none", last, entered, probe);
	smp_send_init(APIC_DEST_ALLBUT, 0);
	idle_us(probe);
	entered = smp_tramp_entered() - entered;
	check(entered == 0, "INIT alone after those SIPIs: %u APs entered the trampoline, expected "
	      "none (a SIPI outside wait-for-SIPI must be dropped, not latched)", entered);
}

static void bringup_broadcast(void)
{
	const struct smp_bringup *b;
	uint32_t n = smp_ncpus(), twice = 0, first = 0;

	if (!smp_need_aps() || !smp_all_online())
		return;
	b = smp_bringup_result();
	check(b->entered == b->target, "%u trampoline entries for %u APs, expected one each (the "
	      "second SIPI must be ignored by a running AP)", b->entered, b->target);
	for (uint32_t i = 1; i < n; i++)
		if (smp_cpus[i].boots != 1 && !twice++)
			first = i;
	check(!twice, "%u APs went through ap_main() more than once, first APIC ID %u (%u times)",
	      twice, first, smp_cpus[first].boots);
	pv_print("%u APs online in %lu us by broadcast INIT-SIPI-SIPI, %s mode", b->target,
		 b->ns / 1000, b->mode);
	pv_metric("ap_bringup_total", (int64_t)b->ns, "ns");
	pv_metric("ap_bringup_per_ap", (int64_t)(b->ns / b->target), "ns");
}

/* x2APIC ID (CPUID.0BH:EDX), initial APIC ID (CPUID.01H:EBX[31:24]), local APIC ID register */
static uint64_t read_ids(void *arg)
{
	uint32_t reg = apic_read(APIC_ID);

	return (uint64_t)cpuid_count(0xB, 0).edx << 40 | (uint64_t)(cpuid(1).ebx >> 24) << 32 |
	       (smp_x2apic() ? reg : reg >> 24);
}

static uint64_t results[MAX_CPUS];

static void apic_ids_match_cpuid(void)
{
	uint32_t n = smp_ncpus(), bad = 0, failed;

	if (n > 1 && !smp_all_online())
		return;
	failed = on_each_cpu(read_ids, 0, results);
	check(!failed, "on_each_cpu(): %u of %u CPUs did not run the call", failed, n);
	for (uint32_t i = 0; i < n && bad < 8; i++) {
		uint32_t x2 = (uint32_t)(results[i] >> 40), init = (results[i] >> 32) & 0xFF;
		uint32_t reg = (uint32_t)results[i], want_reg = smp_x2apic() ? i : i & 0xFF;

		if (x2 == i && init == (i & 0xFF) && reg == want_reg)
			continue;
		bad++;
		check(0, "CPU in slot %u: CPUID.0BH:EDX %u, CPUID.01H:EBX[31:24] %u, %s ID register "
		      "%u; expected %u, %u, %u", i, x2, init, smp_x2apic() ? "x2APIC" : "xAPIC",
		      reg, i, i & 0xFF, want_reg);
	}
}

static uint64_t whoami(void *arg)
{
	return (uintptr_t)arg * 10000 + this_cpu()->index;
}

static void on_cpu_every_cpu(void)
{
	uint32_t n = smp_ncpus(), bad = 0;
	uint64_t r, t0;
	int err;

	if (n > 1 && !smp_all_online())
		return;
	t0 = rdtsc();
	for (uint32_t i = 0; i < n && bad < 8; i++) {
		r = 0;
		err = on_cpu(i, whoami, (void *)(uintptr_t)(i + 7), &r);
		if (!check(!err && r == (i + 7) * 10000ull + i, "on_cpu(%u): %s, result %lu, expected "
			   "%lu", i, smp_strerror(err), r, (uint64_t)(i + 7) * 10000 + i))
			bad++;
	}
	if (n > 1 && !bad)
		pv_metric("on_cpu_avg", (int64_t)(tsc_to_ns(rdtsc() - t0) / n), "ns");
	err = on_cpu(n, whoami, 0, &r);
	check(err == SMP_EINVAL, "on_cpu(%u) with %u CPUs: %s, expected \"%s\"", n, n,
	      smp_strerror(err), smp_strerror(SMP_EINVAL));
}

/* SDM Vol. 3A 11.4.7.3: only INIT enters wait-for-SIPI; a running AP ignores a SIPI. */
static void second_sipi_ignored(void)
{
	uint32_t last = smp_ncpus() - 1, entered, boots;
	uint64_t r = 0, probe = PROBE_US + (uint64_t)PROBE_PER_AP_US * smp_ncpus();
	int err;

	if (!smp_need_aps() || !smp_all_online())
		return;
	entered = smp_tramp_entered();
	boots = smp_cpus[last].boots;
	smp_send_sipi(0, last);
	smp_send_sipi(APIC_DEST_ALLBUT, 0);
	idle_us(probe);
	check(smp_tramp_entered() == entered, "SIPI to running APs: %u entered the trampoline, "
	      "expected none", smp_tramp_entered() - entered);
	check(smp_cpus[last].boots == boots, "SIPI to running APIC ID %u restarted it", last);
	err = on_cpu(last, whoami, (void *)1, &r);
	check(!err && r == 10000ull + last, "on_cpu(%u) after the SIPI: %s, result %lu", last,
	      smp_strerror(err), r);
}

static uint64_t mark_apic(void *arg)
{
	apic_write(APIC_TASKPRI, TPR_MARK);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | 0x50);  /* TMICT stays 0: never fires */
	return 0;
}

static uint64_t read_apic(void *arg)
{
	return (uint64_t)apic_read(APIC_TASKPRI) << 32 | apic_read(APIC_LVTT);
}

static uint32_t boots_before[MAX_CPUS];

/* One AP at a time by destination; returns how many did not come back. */
static uint32_t restart_each(char *ids, size_t len)
{
	uint32_t n = smp_ncpus(), failed = 0;
	size_t off = 0;

	ids[0] = '\0';
	for (uint32_t i = 1; i < n; i++) {
		boots_before[i] = smp_cpus[i].boots;
		if (!smp_restart(i, RESTART_US))
			continue;
		if (off < len)
			off += (size_t)snprintf(ids + off, len - off, "%s%u", failed ? ", " : "", i);
		failed++;
	}
	return failed;
}

/* Restarted APs keep their APIC mode and ID and have a freshly reset APIC otherwise. */
static bool check_restarted(uint32_t i, uint64_t state, int x2apic)
{
	uint64_t base = smp_cpus[i].apic_base;
	uint32_t tpr = (uint32_t)(state >> 32), lvtt = (uint32_t)state;
	bool ok;

	ok = check(smp_cpus[i].boots == boots_before[i] + 1, "APIC ID %u: %u boots after one restart, "
	      "expected %u", i, smp_cpus[i].boots, boots_before[i] + 1);
	ok &= check((base & MSR_IA32_APICBASE_ENABLE) && !(base & MSR_IA32_APICBASE_BSP) &&
	      !!(base & MSR_IA32_APICBASE_EXTD) == x2apic, "APIC ID %u: IA32_APIC_BASE 0x%lx after "
	      "INIT, expected EN=1 BSP=0 EXTD=%d (INIT keeps the mode, SDM Vol. 3A 11.12.5.1)",
	      i, base, x2apic);
	ok &= check(tpr == 0 && (lvtt & APIC_LVT_MASKED), "APIC ID %u after INIT: TPR 0x%x, LVT "
		    "timer 0x%x; expected 0 and masked (INIT resets the APIC, SDM Vol. 3A 11.4.7.3)",
		    i, tpr, lvtt);
	return ok;
}

static void init_sipi_restart(void)
{
	uint32_t n = smp_ncpus(), failed, bad = 0, entered;
	char list[160];
	uint64_t t0, ns;

	if (!smp_need_aps() || !smp_all_online())
		return;
	check(!on_each_ap(mark_apic, 0, 0), "on_each_ap(): could not mark the APs' TPR");
	entered = smp_tramp_entered();
	t0 = rdtsc();
	failed = restart_each(list, sizeof(list));
	ns = tsc_to_ns(rdtsc() - t0);
	check(!failed, "%u of %u APs not back online within %u ms of INIT-SIPI-SIPI by "
	      "destination: APIC IDs %s", failed, n - 1, RESTART_US / 1000, list);
	entered = smp_tramp_entered() - entered;
	check(entered == n - 1, "%u trampoline entries for %u restarts, expected one each (the "
	      "second SIPI must be ignored)", entered, n - 1);
	failed = on_each_ap(read_apic, 0, results);
	check(!failed, "on_each_ap() after the restarts: %u APs did not run the call", failed);
	for (uint32_t i = 1; i < n && bad < 8; i++)
		if (smp_cpus[i].online)
			bad += !check_restarted(i, results[i], smp_x2apic());
	pv_metric("ap_restart_per_ap", (int64_t)(ns / (n - 1)), "ns");
}

struct test smp_tests[] = {
	TEST(sipi_without_init),
	TEST(bringup_broadcast),
	TEST(apic_ids_match_cpuid),
	TEST(on_cpu_every_cpu),
	TEST(second_sipi_ignored),
	TEST(init_sipi_restart),
};
SUITE(20, smp, smp_tests, 1); /* before any suite that starts the APs */
