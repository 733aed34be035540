/* SPDX-License-Identifier: MIT */
/* Local APIC registers and fields (SDM Vol. 3A, ch. 11). Offsets are xAPIC MMIO; the x2APIC MSR
 * for an offset is APIC_X2APIC_MSR(off). Register at column 1, its fields indented under it. */
#ifndef IRQLAB_X86_APIC_H
#define IRQLAB_X86_APIC_H

#ifndef BIT
#define BIT(n) (1u << (n))
#endif

#define APIC_ID         0x020
#define APIC_LVR        0x030
#define   APIC_LVR_VERSION_MASK   0xFFu
#define   APIC_LVR_MAXLVT_SHIFT   16
#define   APIC_LVR_DIRECTED_EOI   BIT(24)
#define APIC_TASKPRI    0x080
#define   APIC_TPR_MASK           0xFFu
#define APIC_ARBPRI     0x090
#define APIC_PROCPRI    0x0A0
#define APIC_EOI        0x0B0
#define APIC_LDR        0x0D0
#define   APIC_LDR_SHIFT          24
#define APIC_DFR        0x0E0
#define   APIC_DFR_FLAT           0xFFFFFFFFu
#define   APIC_DFR_CLUSTER        0x0FFFFFFFu
#define APIC_SPIV       0x0F0
#define   APIC_SPIV_VECTOR_MASK   0xFFu
#define   APIC_SPIV_APIC_ENABLED  BIT(8)
#define   APIC_SPIV_FOCUS_DISABLED BIT(9)
#define APIC_ISR        0x100 /* 8 registers, 0x10 apart */
#define APIC_TMR        0x180
#define APIC_IRR        0x200
#define APIC_ESR        0x280
#define APIC_ICR        0x300
#define   APIC_VECTOR_MASK        0xFFu
#define   APIC_DM_FIXED           (0u << 8)
#define   APIC_DM_LOWEST          (1u << 8)
#define   APIC_DM_SMI             (2u << 8)
#define   APIC_DM_NMI             (4u << 8)
#define   APIC_DM_INIT            (5u << 8)
#define   APIC_DM_STARTUP         (6u << 8)
#define   APIC_DM_EXTINT          (7u << 8)
#define   APIC_DEST_LOGICAL       BIT(11)
#define   APIC_ICR_BUSY           BIT(12) /* delivery status (xAPIC only) */
#define   APIC_INT_ASSERT         BIT(14)
#define   APIC_INT_LEVELTRIG      BIT(15)
#define   APIC_DEST_SELF          (1u << 18)
#define   APIC_DEST_ALLINC        (2u << 18)
#define   APIC_DEST_ALLBUT        (3u << 18)
#define APIC_ICR2       0x310
#define   APIC_ICR2_DEST_SHIFT    24
#define APIC_LVTT       0x320
#define   APIC_LVT_MASKED         BIT(16)
#define   APIC_LVT_TIMER_ONESHOT  (0u << 17)
#define   APIC_LVT_TIMER_PERIODIC (1u << 17)
#define   APIC_LVT_TIMER_TSCDEADLINE (2u << 17)
#define   APIC_LVT_TIMER_MODE_MASK (3u << 17)
#define APIC_LVTTHMR    0x330
#define APIC_LVTPC      0x340
#define APIC_LVT0       0x350
#define APIC_LVT1       0x360
#define APIC_LVTERR     0x370
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3E0
#define   APIC_TDR_DIV_1          0xBu
#define   APIC_TDR_DIV_2          0x0u
#define   APIC_TDR_DIV_16         0x3u
#define APIC_SELF_IPI   0x3F0 /* x2APIC only */

#define APIC_X2APIC_MSR(off)    (0x800u + ((off) >> 4))

#endif
