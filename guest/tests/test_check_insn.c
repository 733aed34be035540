// SPDX-License-Identifier: MIT
/*
 * Suite `check`: general-register instructions a CPU advertises in CPUID, each run once at CPL0
 * with known operands and its result compared with the SDM's definition (Vol. 2). A hypervisor
 * that cannot run one crashes the VM (KVM_EXIT_INTERNAL_ERROR); one that runs it wrongly (lzcnt
 * as bsr) fails the value check; one that raises #UD fails as such.
 */
#include <x86/apic.h>
#include <x86/msr.h>

#include "apic.h"
#include "apic_timer.h"
#include "check_suite.h"
#include "cpu.h"
#include "idt.h"
#include "lib.h"
#include "test.h"
#include "tsc.h"

#define WAKE_VEC     0x50       /* the one-shot that ends an MWAIT that waits anyway */
#define WAKE_US      2000
#define RDRAND_TRIES 10         /* SDM Vol. 1 7.3.17.1: retry up to 10 times before failing */

void check_popcnt(void)
{
	uint64_t a = 0xF0F0, b = ~0ull, ra = 0, rb = 0;
	int vec;

	if (!check_begin("popcnt(0xF0F0) = 8 (POPCNT)"))
		return;
	if (!check_need(CPUID_BIT(1, ECX, 23, "POPCNT")))
		return;
	CHECK_TRY("popcnt %[a], %[ra]\n\tpopcnt %[b], %[rb]",
		  : [vec] "=r"(vec), [ra] "=&r"(ra), [rb] "=&r"(rb) : [a] "r"(a), [b] "r"(b) : "r11", "cc");
	if (check_completed(vec, "popcnt")) {
		check(ra == 8, "popcnt(0xF0F0) = %lu, expected 8", ra);
		check(rb == 64, "popcnt(~0) = %lu, expected 64", rb);
	}
}

/* LZCNT with CPUID.80000001H:ECX.LZCNT[5] clear is BSR (F3 prefix ignored): lzcnt(1) = 0. */
void check_lzcnt(void)
{
	uint64_t one = 1, zero = 0, r1 = 0, r0 = 0;
	uint8_t cf = 0;
	int vec;

	if (!check_begin("lzcnt(1)=63, lzcnt(0)=64 (ABM)"))
		return;
	if (!check_need(CPUID_BIT(0x80000001, ECX, 5, "LZCNT (ABM)")))
		return;
	CHECK_TRY("lzcnt %[one], %[r1]\n\tlzcnt %[zero], %[r0]\n\tsetc %[cf]",
		  : [vec] "=r"(vec), [r1] "=&r"(r1), [r0] "=&r"(r0), [cf] "=&r"(cf)
		  : [one] "r"(one), [zero] "r"(zero) : "r11", "cc");
	if (check_completed(vec, "lzcnt")) {
		check(r1 == 63, "lzcnt(1) = %lu, expected 63 (bsr would give 0)", r1);
		check(r0 == 64 && cf, "lzcnt(0) = %lu with CF=%u, expected 64 with CF=1", r0, cf);
	}
}

/* TZCNT without BMI1 is BSF, which leaves the destination alone for a zero source. */
void check_tzcnt(void)
{
	uint64_t eight = 8, zero = 0, r8 = 0, r0 = 0x5A;
	uint8_t cf = 0;
	int vec;

	if (!check_begin("tzcnt(0)=64, tzcnt(8)=3 (BMI1)"))
		return;
	if (!check_need(CPUID_BIT(7, EBX, 3, "BMI1")))
		return;
	CHECK_TRY("tzcnt %[eight], %[r8]\n\ttzcnt %[zero], %[r0]\n\tsetc %[cf]",
		  : [vec] "=r"(vec), [r8] "=&r"(r8), [r0] "+&r"(r0), [cf] "=&r"(cf)
		  : [eight] "r"(eight), [zero] "r"(zero) : "r11", "cc");
	if (check_completed(vec, "tzcnt")) {
		check(r8 == 3, "tzcnt(8) = %lu, expected 3", r8);
		check(r0 == 64 && cf, "tzcnt(0) = %lu with CF=%u, expected 64 with CF=1 (bsf leaves "
		      "the destination, 0x5A)", r0, cf);
	}
}

void check_bmi1(void)
{
	uint64_t a = 0xF0, b = 0xFF, r = 0;
	int vec;

	if (!check_begin("andn(0xF0, 0xFF) = 0x0F (BMI1)"))
		return;
	if (!check_need(CPUID_BIT(7, EBX, 3, "BMI1")))
		return;
	CHECK_TRY("andn %[b], %[a], %[r]", : [vec] "=r"(vec), [r] "=&r"(r)
		  : [a] "r"(a), [b] "r"(b) : "r11", "cc");
	if (check_completed(vec, "andn"))
		check(r == 0x0F, "andn: ~0xF0 & 0xFF = 0x%lx, expected 0xf", r);
}

void check_bmi2(void)
{
	uint64_t src = 5, mask = 0xF0, r = 0;
	int vec;

	if (!check_begin("pdep(5, mask 0xF0) = 0x50 (BMI2)"))
		return;
	if (!check_need(CPUID_BIT(7, EBX, 8, "BMI2")))
		return;
	CHECK_TRY("pdep %[mask], %[src], %[r]", : [vec] "=r"(vec), [r] "=&r"(r)
		  : [src] "r"(src), [mask] "r"(mask) : "r11");
	if (check_completed(vec, "pdep"))
		check(r == 0x50, "pdep(5, 0xF0) = 0x%lx, expected 0x50", r);
}

void check_movbe(void)
{
	static const uint64_t m = 0x1122334455667788ull;
	uint64_t r = 0;
	int vec;

	if (!check_begin("movbe load byte-swaps (MOVBE)"))
		return;
	if (!check_need(CPUID_BIT(1, ECX, 22, "MOVBE")))
		return;
	CHECK_TRY("movbe %[m], %[r]", : [vec] "=r"(vec), [r] "=&r"(r) : [m] "m"(m) : "r11");
	if (check_completed(vec, "movbe"))
		check(r == 0x8877665544332211ull, "movbe of 0x%lx loaded 0x%lx, expected "
		      "0x8877665544332211", m, r);
}

void check_cmpxchg16b(void)
{
	static uint64_t m[2] __attribute__((aligned(16))) = { 1, 2 };
	uint64_t lo = 1, hi = 2;
	uint8_t zf = 0;
	int vec;

	if (!check_begin("cmpxchg16b swaps 16 bytes (CX16)"))
		return;
	if (!check_need(CPUID_BIT(1, ECX, 13, "CMPXCHG16B")))
		return;
	CHECK_TRY("lock cmpxchg16b %[m]\n\tsetz %[zf]",
		  : [vec] "=r"(vec), [m] "+m"(m), "+a"(lo), "+d"(hi), [zf] "=&r"(zf)
		  : "b"(3ull), "c"(4ull) : "r11", "cc", "memory");
	if (check_completed(vec, "lock cmpxchg16b"))
		check(zf && m[0] == 3 && m[1] == 4, "cmpxchg16b of {1,2} with RDX:RAX = 2:1, RCX:RBX "
		      "= 4:3: ZF=%u, memory {%lu,%lu}, expected ZF=1 and {3,4}", zf, m[0], m[1]);
}

/* CRC-32C (Castagnoli, what SSE4.2 crc32 computes) of "123456789" is 0xE3069283. */
void check_crc32(void)
{
	static const char data[] = "123456789";
	uint32_t crc = ~0u;
	int vec = -1;

	if (!check_begin("crc32c(\"123456789\") = 0xE3069283"))
		return;
	if (!check_need(CPUID_BIT(1, ECX, 20, "SSE4.2")))
		return;
	for (unsigned i = 0; i < 9 && vec == -1; i++)
		CHECK_TRY("crc32b %[b], %[crc]", : [vec] "=r"(vec), [crc] "+r"(crc)
			  : [b] "m"(data[i]) : "r11");
	if (check_completed(vec, "crc32b"))
		check(~crc == 0xE3069283u, "crc32c(\"123456789\") = 0x%x, expected 0xe3069283", ~crc);
}

/* IA32_TSC_AUX must be writable whenever RDTSCP or RDPID is advertised (SDM Vol. 4 table 2-2). */
static bool set_tsc_aux(void)
{
	return check(wrmsr_safe(MSR_TSC_AUX, TSC_AUX_MARK) == FAULT_NONE,
		     "wrmsr IA32_TSC_AUX (0x%x) faulted", MSR_TSC_AUX);
}

void check_rdtscp(void)
{
	uint64_t before, lo = 0, hi = 0, aux = 0;
	int vec;

	if (!check_begin("rdtscp: TSC, ECX=TSC_AUX (RDTSCP)"))
		return;
	if (!check_need(CPUID_BIT(0x80000001, EDX, 27, "RDTSCP")) || !set_tsc_aux())
		return;
	before = rdtsc();
	CHECK_TRY("rdtscp", : [vec] "=r"(vec), "=a"(lo), "=d"(hi), "=c"(aux) : : "r11");
	if (check_completed(vec, "rdtscp")) {
		check(aux == TSC_AUX_MARK, "rdtscp: ECX = 0x%lx, expected IA32_TSC_AUX = 0x%x",
		      aux, TSC_AUX_MARK);
		check((hi << 32 | lo) >= before, "rdtscp: TSC 0x%lx below an earlier rdtsc 0x%lx",
		      hi << 32 | lo, before);
	}
}

void check_rdpid(void)
{
	uint64_t r = 0;
	int vec;

	if (!check_begin("rdpid = IA32_TSC_AUX (RDPID)"))
		return;
	if (!check_need(CPUID_BIT(7, ECX, 22, "RDPID")) || !set_tsc_aux())
		return;
	CHECK_TRY("rdpid %[r]", : [vec] "=r"(vec), [r] "=r"(r) : : "r11");
	if (check_completed(vec, "rdpid"))
		check(r == TSC_AUX_MARK, "rdpid = 0x%lx, expected IA32_TSC_AUX = 0x%x", r, TSC_AUX_MARK);
}

void check_rdrand(void)
{
	uint64_t r = 0;
	uint8_t ok = 0;
	int vec = -1;

	if (!check_begin("rdrand: CF=1 within 10 tries"))
		return;
	if (!check_need(CPUID_BIT(1, ECX, 30, "RDRAND")))
		return;
	for (unsigned i = 0; i < RDRAND_TRIES && !ok && vec == -1; i++)
		CHECK_TRY("rdrand %[r]\n\tsetc %[ok]", : [vec] "=r"(vec), [r] "=r"(r), [ok] "=r"(ok)
			  : : "r11", "cc");
	if (check_completed(vec, "rdrand"))
		check(ok, "rdrand: CF=0 (no random number) %u times in a row", RDRAND_TRIES);
}

/* Type 2: invalidate all mappings, globals included (SDM Vol. 2A INVPCID); legal with
 * CR4.PCIDE=0. A harmless TLB flush of the identity map. */
void check_invpcid(void)
{
	static const uint64_t desc[2] __attribute__((aligned(16)));
	uint64_t type = 2;
	int vec;

	if (!check_begin("invpcid type 2 completes (INVPCID)"))
		return;
	if (!check_need(CPUID_BIT(7, EBX, 10, "INVPCID")))
		return;
	CHECK_TRY("invpcid %[d], %[t]", : [vec] "=r"(vec) : [d] "m"(desc), [t] "r"(type)
		  : "r11", "memory");
	check_completed(vec, "invpcid");
}

static volatile uint32_t wake_hits;

static void wake_irq(struct frame *f)
{
	wake_hits++;
	apic_eoi();
}

/*
 * A store to the armed range between MONITOR and MWAIT means MWAIT does not wait (SDM Vol. 2B
 * MWAIT, Vol. 3A 9.10.4): it falls through, whatever the hypervisor does with a real wait. A
 * one-shot timer wakes an MWAIT that waits anyway (IF=1: `sti; mwait` shadows nothing else).
 */
void check_monitor_mwait(void)
{
	static volatile uint64_t line[8] __attribute__((aligned(64)));
	uint64_t rax = (uintptr_t)line, t0, us;
	int vec;

	if (!check_begin("store after MONITOR: mwait returns"))
		return;
	if (!check_need(CPUID_BIT(1, ECX, 3, "MONITOR/MWAIT")))
		return;
	wake_hits = 0;
	idt_set_handler(WAKE_VEC, wake_irq);
	apic_write(APIC_TDCR, APIC_TDR_DIV_1);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | WAKE_VEC);
	apic_write(APIC_TMICT, (uint32_t)(timer_apic_khz() * WAKE_US / 1000));
	t0 = rdtsc();
	CHECK_TRY("monitor\n\tmovq $1, (%%rax)\n\txorl %%eax, %%eax\n\tsti\n\tmwait\n\tcli",
		  : [vec] "=r"(vec), "+a"(rax) : "c"(0), "d"(0) : "r11", "memory");
	us = tsc_to_us(rdtsc() - t0);
	wait_count(&wake_hits, 1, WAKE_US + 10000);
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	idt_set_handler(WAKE_VEC, NULL);
	if (check_completed(vec, "monitor; store; mwait"))
		check(us < WAKE_US, "mwait after a store to the monitored line waited %lu us (the "
		      "%u us wake-up timer ended it)", us, WAKE_US);
}
