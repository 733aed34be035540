// SPDX-License-Identifier: MIT
/* Suite `check` (check_suite.h): its table and the helpers the check files share. */
#include <x86/cpu.h>

#include "check_suite.h"
#include "cpu.h"
#include "lib.h"
#include "pv.h"
#include "test.h"

#define CHECK(name) { #name, check_##name, 1, { 0 } }

/* The two hypercalls first: where they hang, `irqlab check` waits out both timeouts at once. */
struct test check_tests[] = {
	CHECK(vmcall), CHECK(vmmcall),
	CHECK(x87), CHECK(sse), CHECK(sse2_movq), CHECK(xgetbv), CHECK(avx), CHECK(avx512f),
	CHECK(popcnt), CHECK(lzcnt), CHECK(tzcnt), CHECK(bmi1), CHECK(bmi2), CHECK(movbe),
	CHECK(cmpxchg16b), CHECK(crc32), CHECK(rdtscp), CHECK(rdpid), CHECK(rdrand),
	CHECK(invpcid), CHECK(monitor_mwait),
	CHECK(int3), CHECK(int_n), CHECK(sti_window), CHECK(isr_in_handler),
	CHECK(ppr_in_handler), CHECK(ppr_blocks), CHECK(nmi_storm), CHECK(nmi_latch),
	CHECK(ioapic_level), CHECK(timer_1ms), CHECK(mce),
	CHECK(hypervisor_cpuid), CHECK(cr4_bits), CHECK(kvmclock), CHECK(tsc_sync),
};
SUITE(70, check, check_tests, 1); /* `irqlab check`: one VM per test */

static uint32_t reg_of(struct cpuid_regs r, enum cpuid_reg reg)
{
	return reg == REG_EAX ? r.eax : reg == REG_EBX ? r.ebx : reg == REG_ECX ? r.ecx : r.edx;
}

bool check_cpuid(struct cpuid_bit b)
{
	if (cpuid(b.leaf & 0xF0000000u).eax < b.leaf)
		return false;
	return (reg_of(cpuid(b.leaf), b.reg) >> b.bit) & 1;
}

bool check_need(struct cpuid_bit b)
{
	static const char regs[] = "ABCD";

	if (check_cpuid(b))
		return true;
	test_skip("%s not advertised: CPUID.%XH:E%cX[%u] clear", b.name, b.leaf, regs[b.reg], b.bit);
	return false;
}

static uint32_t checks_selected(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < ARRAY_SIZE(check_tests); i++)
		n += check_tests[i].selected;
	return n;
}

bool check_on_kvm(void)
{
	struct cpuid_regs r = cpuid(0x40000000);

	return (cpuid(1).ecx & CPUID_1_ECX_HYPERVISOR) && r.ebx == KVM_SIG_EBX &&
	       r.ecx == KVM_SIG_ECX && r.edx == KVM_SIG_EDX;
}

/*
 * A check may crash or hang its VM on purpose. Under irqlab it runs only when it is the one
 * check selected (`irqlab check` gives each a VM of its own; --test check.NAME); without irqlab
 * only where no hypervisor can reject an instruction (QEMU TCG, the reference platform).
 */
bool check_begin(const char *expect)
{
	pv_print("expect: %s", expect);
	if (pv_irqlab() ? checks_selected() == 1 : !check_on_kvm())
		return true;
	if (pv_irqlab())
		test_skip("may crash its VM: `irqlab check` runs each check alone (or --test check.NAME)");
	else
		test_skip("may crash a VM under KVM: `irqlab check` runs each check in a VM of its own");
	return false;
}

const char *check_vec_name(int vec)
{
	static const char *const names[] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "vector 9",
		"#TS", "#NP", "#SS", "#GP", "#PF", "vector 15", "#MF", "#AC", "#MC", "#XM",
	};
	static char buf[16];

	if (vec >= 0 && vec < (int)ARRAY_SIZE(names))
		return names[vec];
	snprintf(buf, sizeof(buf), "vector %d", vec);
	return buf;
}

uint64_t check_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

uint64_t check_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

void check_set_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

void check_set_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

uint64_t check_simd_enable(uint64_t cr4_bits)
{
	uint64_t cr4 = check_cr4();

	check_set_cr0((check_cr0() & ~(CK_CR0_EM | CK_CR0_TS)) | X86_CR0_MP);
	check_set_cr4(cr4 | cr4_bits);
	return cr4;
}

void check_simd_restore(uint64_t cr4)
{
	check_set_cr4(cr4);
}
