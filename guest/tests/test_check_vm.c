// SPDX-License-Identifier: MIT
/*
 * Suite `check`: what a guest learns about its hypervisor and relies on. The hypervisor CPUID
 * leaves, CR4 bits CPUID advertises, KVM's pvclock, and TSC consistency across CPUs.
 */
#include <x86/cpu.h>

#include "check_suite.h"
#include "cpu.h"
#include "idt.h"
#include "lib.h"
#include "pv.h"
#include "smp.h"
#include "smp_tests.h"
#include "test.h"
#include "tsc.h"

#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)  /* CPUID 0x40000001 EAX */
#define MSR_KVM_SYSTEM_TIME_NEW 0x4B564D01u
#define PVCLOCK_SPAN_US        1000
#define PVCLOCK_TOLERANCE      100          /* parts per 10000 (1 %) */
#define WARP_ITERS             2000
#define WARP_WAIT_US           2000000

/* Under irqlab the machine is KVM: CPUID.01H:ECX[31] and the 0x40000000 leaf must say so. */
void check_hypervisor_cpuid(void)
{
	struct cpuid_regs h;

	if (!check_begin("CPUID.1:ECX[31]=1, 40000000h=KVM"))
		return;
	if (!pv_irqlab()) {
		test_skip("not under irqlab: no hypervisor is promised");
		return;
	}
	check(cpuid(1).ecx & CPUID_1_ECX_HYPERVISOR, "CPUID.01H:ECX[31] (hypervisor) clear");
	h = cpuid(0x40000000);
	check(h.ebx == KVM_SIG_EBX && h.ecx == KVM_SIG_ECX && h.edx == KVM_SIG_EDX,
	      "CPUID 0x40000000 signature %08x %08x %08x, expected \"KVMKVMKVM\\0\\0\\0\"",
	      h.ebx, h.ecx, h.edx);
	check(h.eax >= 0x40000001, "CPUID 0x40000000 EAX (max leaf) 0x%x < 0x40000001", h.eax);
	pv_print("KVM features (CPUID 0x40000001 EAX): 0x%x", cpuid(0x40000001).eax);
}

static const struct {
	uint8_t bit;
	const char *name;
	struct cpuid_bit cpuid;
} cr4_bits[] = {
	{ 0, "VME", CPUID_BIT(1, EDX, 1, "VME") },
	{ 1, "PVI", CPUID_BIT(1, EDX, 1, "VME") },
	{ 2, "TSD", CPUID_BIT(1, EDX, 4, "TSC") },
	{ 3, "DE", CPUID_BIT(1, EDX, 2, "DE") },
	{ 4, "PSE", CPUID_BIT(1, EDX, 3, "PSE") },
	{ 6, "MCE", CPUID_BIT(1, EDX, 7, "MCE") },
	{ 7, "PGE", CPUID_BIT(1, EDX, 13, "PGE") },
	{ 9, "OSFXSR", CPUID_BIT(1, EDX, 24, "FXSR") },
	{ 10, "OSXMMEXCPT", CPUID_BIT(1, EDX, 25, "SSE") },
	{ 11, "UMIP", CPUID_BIT(7, ECX, 2, "UMIP") },
	{ 13, "VMXE", CPUID_BIT(1, ECX, 5, "VMX") },
	{ 14, "SMXE", CPUID_BIT(1, ECX, 6, "SMX") },
	{ 16, "FSGSBASE", CPUID_BIT(7, EBX, 0, "FSGSBASE") },
	{ 17, "PCIDE", CPUID_BIT(1, ECX, 17, "PCID") },
	{ 18, "OSXSAVE", CPUID_BIT(1, ECX, 26, "XSAVE") },
	{ 20, "SMEP", CPUID_BIT(7, EBX, 7, "SMEP") },
	{ 21, "SMAP", CPUID_BIT(7, EBX, 20, "SMAP") },
	{ 22, "PKE", CPUID_BIT(7, ECX, 3, "PKU") },
	{ 23, "CET", CPUID_BIT(7, ECX, 7, "CET_SS") },
	{ 24, "PKS", CPUID_BIT(7, ECX, 31, "PKS") },
};

/* Set one bit; the vector a fault raised or -1, and what CR4 reads back. Every page is a
 * supervisor page and CR3[11:0] = 0, so SMEP, SMAP and PCIDE are safe to set here. */
static int cr4_try(uint64_t v, uint64_t *back)
{
	int vec;

	CHECK_TRY("mov %[v], %%cr4", : [vec] "=r"(vec) : [v] "r"(v) : "r11", "memory");
	*back = check_cr4();
	return vec;
}

/* SDM Vol. 3A 2.5: a CR4 bit whose feature CPUID reports can be set (LA57 excluded: it cannot
 * change in IA-32e mode). Each is set alone, read back and cleared again. */
void check_cr4_bits(void)
{
	uint64_t old = check_cr4(), back;
	unsigned tried = 0;
	int vec;

	if (!check_begin("advertised CR4 bits can be set"))
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(cr4_bits); i++) {
		uint64_t bit = 1ull << cr4_bits[i].bit;

		if (!check_cpuid(cr4_bits[i].cpuid) || (old & bit))
			continue;
		tried++;
		vec = cr4_try(old | bit, &back);
		check_set_cr4(old);
		check(vec == -1, "CR4.%s (bit %u; CPUID %s advertised): setting it raised %s",
		      cr4_bits[i].name, cr4_bits[i].bit, cr4_bits[i].cpuid.name, check_vec_name(vec));
		check(vec != -1 || (back & bit), "CR4.%s (bit %u; CPUID %s advertised): reads back "
		      "clear after being set", cr4_bits[i].name, cr4_bits[i].bit, cr4_bits[i].cpuid.name);
	}
	pv_print("%u advertised CR4 bits tried (CR4 was 0x%lx)", tried, old);
}

/* KVM's pvclock (Documentation/virt/kvm/x86/msr.rst), 32 bytes the host fills. */
struct pvclock {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
};

static volatile struct pvclock pvti __attribute__((aligned(64)));

/* kvmclock ns and the TSC it was computed from, read consistently (an even version, the
 * same before and after) */
static uint64_t pvclock_read(uint64_t *tsc)
{
	uint32_t v;
	uint64_t delta, ns;

	do {
		v = pvti.version;
		__asm__ volatile("" ::: "memory");
		*tsc = rdtsc();
		delta = *tsc - pvti.tsc_timestamp;
		delta = pvti.tsc_shift >= 0 ? delta << pvti.tsc_shift : delta >> -pvti.tsc_shift;
		ns = pvti.system_time + (uint64_t)(((unsigned __int128)delta * pvti.tsc_to_system_mul) >> 32);
		__asm__ volatile("" ::: "memory");
	} while ((v & 1) || v != pvti.version);
	return ns;
}

/* The TSC rate pvclock's scaling implies: ns per cycle = mul * 2^shift / 2^32. */
static uint64_t pvclock_khz(void)
{
	uint64_t scaled = (uint64_t)pvti.tsc_to_system_mul;

	scaled = pvti.tsc_shift >= 0 ? scaled << pvti.tsc_shift : scaled >> -pvti.tsc_shift;
	return scaled ? (uint64_t)(((unsigned __int128)1000000 << 32) / scaled) : 0;
}

static bool within(uint64_t v, uint64_t ref, uint64_t parts_per_10000)
{
	return v * 10000 >= ref * (10000 - parts_per_10000) &&
	       v * 10000 <= ref * (10000 + parts_per_10000);
}

/* kvmclock enabled: its scale is the TSC rate KVM reports (0.1 %), and across 1 ms of VM exits
 * (where the host may refresh it) it advances with the TSC (1 %). */
void check_kvmclock(void)
{
	uint64_t t0, t1, c0, c1, khz;

	if (!check_begin("kvmclock runs with the TSC (1 %)"))
		return;
	if (!check_on_kvm() || !(cpuid(0x40000001).eax & KVM_FEATURE_CLOCKSOURCE2)) {
		test_skip("no KVM clock: CPUID 0x40000001 EAX[3] (KVM_FEATURE_CLOCKSOURCE2) clear");
		return;
	}
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uintptr_t)&pvti | 1);
	if (check(pvti.version && pvti.tsc_to_system_mul, "pvclock not filled in after enabling "
		  "it: version %u, multiplier %u", pvti.version, pvti.tsc_to_system_mul)) {
		khz = pvclock_khz();
		check(within(khz, tsc_khz(), 10), "pvclock scale (multiplier %u, shift %d) is %lu kHz, "
		      "the TSC runs at %u kHz", pvti.tsc_to_system_mul, pvti.tsc_shift, khz, tsc_khz());
		c0 = pvclock_read(&t0);
		idle_us(PVCLOCK_SPAN_US);
		c1 = pvclock_read(&t1);
		check(c1 > c0 && within(c1 - c0, tsc_to_ns(t1 - t0), PVCLOCK_TOLERANCE), "kvmclock "
		      "advanced %ld ns while the TSC says %lu ns", (int64_t)(c1 - c0), tsc_to_ns(t1 - t0));
	}
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);
}

static volatile uint32_t warp_lock, warps;
static volatile uint64_t warp_last, warp_worst;

/* Linux's check_tsc_warp(): under a lock, each CPU's TSC must not be below the last one read
 * anywhere (the lock orders the reads). */
static uint64_t warp_loop(void *arg)
{
	for (unsigned i = 0; i < WARP_ITERS; i++) {
		uint64_t prev, now;

		while (__atomic_exchange_n(&warp_lock, 1, __ATOMIC_ACQUIRE))
			pause();
		prev = warp_last;
		now = rdtsc();
		if (now < prev) {
			warps++;
			warp_worst = prev - now > warp_worst ? prev - now : warp_worst;
		}
		warp_last = now;
		__atomic_store_n(&warp_lock, 0, __ATOMIC_RELEASE);
	}
	return 0;
}

void check_tsc_sync(void)
{
	uint64_t res;
	int r;

	if (!check_begin("TSC never goes back across CPUs"))
		return;
	if (!smp_need_aps() || !smp_all_online())
		return;
	warps = 0;
	warp_last = warp_worst = 0;
	r = on_cpu_async(1, warp_loop, NULL);
	if (!check(r == SMP_OK, "cannot start the AP's half: %s", smp_strerror(r)))
		return;
	warp_loop(NULL);
	r = on_cpu_wait(1, &res, WARP_WAIT_US);
	check(r == SMP_OK, "the AP's half did not finish: %s", smp_strerror(r));
	check(warps == 0, "%u TSC reads went back in time after another CPU's, by up to %lu "
	      "cycles", warps, warp_worst);
}
