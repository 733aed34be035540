/* SPDX-License-Identifier: MIT */
/*
 * The I/O APIC at LAYOUT_IOAPIC_BASE (82093AA datasheet): an index register (IOREGSEL, offset
 * 0x00) selects the 32-bit register the data window (IOWIN, 0x10) reads and writes. With
 * --irqchip kernel it is KVM's; with --irqchip split, irqlab's (every access is an MMIO exit).
 */
#ifndef GUEST_IOAPIC_H
#define GUEST_IOAPIC_H

#include <stdint.h>

#define IOAPIC_REGSEL       0x00
#define IOAPIC_WINDOW       0x10

#define IOAPIC_ID           0x00
#define   IOAPIC_ID_SHIFT           24      /* bits 27:24 */
#define IOAPIC_VER          0x01
#define   IOAPIC_VER_MASK           0xFFu
#define   IOAPIC_VER_MAXREDIR_SHIFT 16      /* bits 23:16: entries - 1 */
#define IOAPIC_ARB          0x02
#define IOAPIC_REDTBL(pin)  (0x10u + 2u * (pin))   /* low half; high half at +1 */

/* redirection table entry (datasheet 3.2.4), 64 bits */
#define IOAPIC_RTE_VECTOR       0xFFull
#define IOAPIC_RTE_DM_FIXED     (0ull << 8)
#define IOAPIC_RTE_DM_LOWEST    (1ull << 8)
#define IOAPIC_RTE_DM_NMI       (4ull << 8)
#define IOAPIC_RTE_DEST_LOGICAL (1ull << 11)
#define IOAPIC_RTE_DELIVS       (1ull << 12)    /* read-only: send pending */
#define IOAPIC_RTE_POLARITY_LOW (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR   (1ull << 14)    /* read-only: level interrupt accepted, no EOI yet */
#define IOAPIC_RTE_LEVEL        (1ull << 15)
#define IOAPIC_RTE_MASKED       (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT   56

uint32_t ioapic_read(uint32_t reg);
void ioapic_write(uint32_t reg, uint32_t val);
uint64_t ioapic_rte_read(unsigned pin);
/* High half (destination) first, then the low half that may unmask the entry. */
void ioapic_rte_write(unsigned pin, uint64_t rte);
void ioapic_mask(unsigned pin);                 /* low half only: mask bit set */
uint32_t ioapic_pins(void);                     /* VER[23:16] + 1 */

#endif
