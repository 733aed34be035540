/* SPDX-License-Identifier: MIT */
/* I/O APIC registers and the redirection table entry (82093AA datasheet, 3.1-3.2). Two MMIO
 * offsets select and move data; the rest are indirect register numbers written to IOREGSEL.
 * Register at column 1, its fields indented under it. */
#ifndef IRQLAB_X86_IOAPIC_H
#define IRQLAB_X86_IOAPIC_H

#ifndef BIT_ULL
#define BIT_ULL(n) (1ull << (n))
#endif

#define IOAPIC_REGSEL       0x00        /* MMIO offset: index register */
#define IOAPIC_WINDOW       0x10        /* MMIO offset: data window */

#define IOAPIC_ID           0x00
#define   IOAPIC_ID_SHIFT           24  /* bits 27:24 */
#define IOAPIC_VER          0x01
#define   IOAPIC_VER_MASK           0xFFu
#define   IOAPIC_VER_MAXREDIR_SHIFT 16  /* bits 23:16: entries - 1 */
#define IOAPIC_ARB          0x02
#define IOAPIC_REDTBL(pin)  (0x10u + 2u * (pin))   /* low half; high half at +1 */
#define   IOAPIC_RTE_VECTOR         0xFFull
#define   IOAPIC_RTE_DM_SHIFT       8   /* bits 10:8, as the ICR's (include/x86/apic.h) */
#define   IOAPIC_RTE_DM_FIXED       (0ull << 8)
#define   IOAPIC_RTE_DM_LOWEST      (1ull << 8)
#define   IOAPIC_RTE_DM_NMI         (4ull << 8)
#define   IOAPIC_RTE_DEST_LOGICAL   BIT_ULL(11)
#define   IOAPIC_RTE_DELIVS         BIT_ULL(12) /* read-only: send pending */
#define   IOAPIC_RTE_POLARITY_LOW   BIT_ULL(13)
#define   IOAPIC_RTE_REMOTE_IRR     BIT_ULL(14) /* read-only: level interrupt accepted, no EOI yet */
#define   IOAPIC_RTE_LEVEL          BIT_ULL(15)
#define   IOAPIC_RTE_MASKED         BIT_ULL(16)
#define   IOAPIC_RTE_DEST_SHIFT     56  /* bits 63:56 */

#endif
