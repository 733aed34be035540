/* SPDX-License-Identifier: MIT */
/* Control registers, paging and descriptor bits (SDM Vol. 3A ch. 2-4), CPUID feature bits. */
#ifndef IRQLAB_X86_CPU_H
#define IRQLAB_X86_CPU_H

#ifndef BIT
#define BIT(n) (1u << (n))
#endif

#define X86_CR0_PE      BIT(0)
#define X86_CR0_MP      BIT(1)
#define X86_CR0_ET      BIT(4)
#define X86_CR0_NE      BIT(5)
#define X86_CR0_WP      BIT(16)
#define X86_CR0_AM      BIT(18)
#define X86_CR0_PG      BIT(31)

#define X86_CR4_PAE     BIT(5)
#define X86_CR4_MCE     BIT(6)
#define X86_CR4_PGE     BIT(7)

#define X86_RFLAGS_IF   BIT(9)
#define X86_RFLAGS_FIXED BIT(1)

#define PTE_PRESENT     BIT(0)
#define PTE_WRITE       BIT(1)
#define PTE_PWT         BIT(3)
#define PTE_PCD         BIT(4)
#define PTE_PS          BIT(7) /* 2 MiB page in a PD entry */

/* CPUID leaf 1 */
#define CPUID_1_EBX_APIC_ID_SHIFT 24
#define CPUID_1_ECX_VMX         BIT(5)
#define CPUID_1_ECX_X2APIC      BIT(21)
#define CPUID_1_ECX_TSC_DEADLINE BIT(24)
#define CPUID_1_ECX_HYPERVISOR  BIT(31)
#define CPUID_1_EDX_MCE         BIT(7)
#define CPUID_1_EDX_APIC        BIT(9)
#define CPUID_1_EDX_MCA         BIT(14)

/* CPUID leaf 0x80000001 */
#define CPUID_80000001_ECX_SVM  BIT(2)

/* Exception vectors (SDM Vol. 3A table 6-1) */
#define X86_VEC_DE  0
#define X86_VEC_NMI 2
#define X86_VEC_BP  3
#define X86_VEC_UD  6
#define X86_VEC_DF  8
#define X86_VEC_GP  13
#define X86_VEC_PF  14
#define X86_VEC_MC  18

#endif
