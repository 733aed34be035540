/* SPDX-License-Identifier: MIT */
/*
 * Suite `check`: architectural checks of the machine underneath (docs/check.md). `irqlab check`
 * runs each one in a VM of its own, so a check may crash the VM (an instruction the hypervisor
 * rejects) or hang it (a hypercall): the host records that as the check's outcome.
 *
 * Every check starts with check_begin(), which prints "expect: <short text>" (the host's table
 * shows it), then tests strictly what the SDM says; instruction checks are gated on the CPUID
 * bit that advertises the instruction and SKIP when it is clear. Every function holding an
 * instruction the project's KVM rejects is listed, with the reason, in tests/lint/allow.txt.
 */
#ifndef GUEST_TESTS_CHECK_SUITE_H
#define GUEST_TESTS_CHECK_SUITE_H

#include <stdbool.h>
#include <stdint.h>

#include "percpu.h"

/* CR0/CR4 bits the checks need that include/x86/cpu.h does not name (SDM Vol. 3A 2.5) */
#define CK_CR0_EM         (1ull << 2)
#define CK_CR0_TS         (1ull << 3)
#define CK_CR4_OSFXSR     (1ull << 9)
#define CK_CR4_OSXMMEXCPT (1ull << 10)
#define CK_CR4_OSXSAVE    (1ull << 18)

#define MSR_TSC_AUX       0xC0000103u
#define TSC_AUX_MARK      0x5A5u     /* written to IA32_TSC_AUX, read back by rdtscp/rdpid */

/* One CPUID feature bit: leaf (subleaf 0), register, bit, and its name in the SDM. */
enum cpuid_reg { REG_EAX, REG_EBX, REG_ECX, REG_EDX };
struct cpuid_bit {
	uint32_t leaf;
	uint8_t reg, bit;
	const char *name;
};
#define CPUID_BIT(leaf, reg, bit, name) ((struct cpuid_bit){ leaf, REG_##reg, bit, name })

bool check_cpuid(struct cpuid_bit b);        /* advertised (and the leaf exists)? */
bool check_need(struct cpuid_bit b);         /* advertised, else SKIP naming the bit */
/* Print "expect: <what>" (the host's table shows it); false (SKIP) if this run selected more
 * checks than this one under irqlab: a crashing check would end the others. */
bool check_begin(const char *expect);
bool check_on_kvm(void);                     /* CPUID 0x40000000 says "KVMKVMKVM" */
#define KVM_SIG_EBX 0x4B4D564Bu              /* "KVMKVMKVM\0\0\0" in EBX, ECX, EDX */
#define KVM_SIG_ECX 0x564B4D56u
#define KVM_SIG_EDX 0x0000004Du
const char *check_vec_name(int vec);         /* "#UD", or "vector N" */
uint64_t check_cr0(void);
uint64_t check_cr4(void);
void check_set_cr0(uint64_t v);
void check_set_cr4(uint64_t v);
/* CR0.EM = CR0.TS = 0, CR0.MP = 1 and CR4 |= cr4_bits (OSFXSR...): what x87/SSE/AVX need
 * (SDM Vol. 3A 13.1, 13.3). Returns the old CR4 for check_simd_restore(). */
uint64_t check_simd_enable(uint64_t cr4_bits);
void check_simd_restore(uint64_t cr4);

#define CK_STR_(x) #x
#define CK_STR(x) CK_STR_(x)
/*
 * Run `insn` with idt.c's fault fixup armed (as rdmsr_safe() does): an exception with no
 * registered handler resumes after it. The caller's operand list starts with `[vec] "=r"(vec)`
 * and its clobbers include "r11": vec is -1 (FAULT_NONE) if insn completed, else the vector.
 * insn must not define the local label 1.
 */
#define CHECK_TRY(insn, ...)                                                          \
	__asm__ volatile("movl $-1, %%gs:" CK_STR(PERCPU_OFF_FAULT_VECTOR) "\n\t"     \
			 "leaq 1f(%%rip), %%r11\n\t"                                  \
			 "movq %%r11, %%gs:" CK_STR(PERCPU_OFF_FIXUP_RIP) "\n\t"      \
			 insn "\n"                                                    \
			 "1:\tmovq $0, %%gs:" CK_STR(PERCPU_OFF_FIXUP_RIP) "\n\t"     \
			 "movl %%gs:" CK_STR(PERCPU_OFF_FAULT_VECTOR) ", %[vec]"      \
			 __VA_ARGS__)

/* the vector an instruction raised, as a failed check; true if it completed */
#define check_completed(vec, what) \
	check((vec) == -1, "%s raised %s instead of completing", what, check_vec_name(vec))

/* test_check_insn.c: general-register instructions */
void check_popcnt(void);
void check_lzcnt(void);
void check_tzcnt(void);
void check_bmi1(void);
void check_bmi2(void);
void check_movbe(void);
void check_cmpxchg16b(void);
void check_crc32(void);
void check_rdtscp(void);
void check_rdpid(void);
void check_rdrand(void);
void check_invpcid(void);
void check_monitor_mwait(void);
/* test_check_simd.c: x87, SSE, AVX */
void check_x87(void);
void check_sse(void);
void check_sse2_movq(void);
void check_xgetbv(void);
void check_avx(void);
void check_avx512f(void);
/* test_check_irq.c: exceptions, interrupt window, ISR/PPR, NMIs */
void check_int3(void);
void check_int_n(void);
void check_sti_window(void);
void check_isr_in_handler(void);
void check_ppr_in_handler(void);
void check_ppr_blocks(void);
void check_nmi_storm(void);
void check_nmi_latch(void);
/* test_check_dev.c: IOAPIC, timer, machine check, hypercalls */
void check_ioapic_level(void);
void check_timer_1ms(void);
void check_mce(void);
void check_vmcall(void);
void check_vmmcall(void);
/* test_check_vm.c: what a guest learns about its hypervisor */
void check_hypervisor_cpuid(void);
void check_cr4_bits(void);
void check_kvmclock(void);
void check_tsc_sync(void);

#endif
