/* SPDX-License-Identifier: MIT */
/* Model-specific registers used by irqlab (SDM Vol. 4), Linux msr-index.h names. */
#ifndef IRQLAB_X86_MSR_H
#define IRQLAB_X86_MSR_H

#ifndef BIT
#define BIT(n) (1u << (n))
#endif

#define MSR_IA32_TSC            0x00000010
#define MSR_IA32_APICBASE       0x0000001B
#define   MSR_IA32_APICBASE_BSP     BIT(8)
#define   MSR_IA32_APICBASE_EXTD    BIT(10) /* x2APIC mode */
#define   MSR_IA32_APICBASE_ENABLE  BIT(11)
#define   MSR_IA32_APICBASE_BASE    0xFFFFF000ull
#define MSR_IA32_MCG_CAP        0x00000179
#define MSR_IA32_MCG_STATUS     0x0000017A
#define MSR_IA32_MCG_CTL        0x0000017B
#define MSR_IA32_TSC_DEADLINE   0x000006E0
#define MSR_IA32_MC0_CTL        0x00000400 /* bank i: CTL 0x400+4i, STATUS +1, ADDR +2, MISC +3 */
#define MSR_EFER                0xC0000080
#define   EFER_SCE                  BIT(0)
#define   EFER_LME                  BIT(8)
#define   EFER_LMA                  BIT(10)
#define   EFER_NX                   BIT(11)
#define MSR_GS_BASE             0xC0000101 /* the guest's per-CPU pointer */

#endif
