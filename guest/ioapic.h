/* SPDX-License-Identifier: MIT */
/*
 * The I/O APIC at LAYOUT_IOAPIC_BASE (82093AA datasheet): an index register (IOREGSEL, offset
 * 0x00) selects the 32-bit register the data window (IOWIN, 0x10) reads and writes. With
 * --irqchip kernel it is KVM's; with --irqchip split, irqlab's (every access is an MMIO exit).
 */
#ifndef GUEST_IOAPIC_H
#define GUEST_IOAPIC_H

#include <stdint.h>

#include <x86/ioapic.h>

uint32_t ioapic_read(uint32_t reg);
void ioapic_write(uint32_t reg, uint32_t val);
uint64_t ioapic_rte_read(unsigned pin);
/* High half (destination) first, then the low half that may unmask the entry. */
void ioapic_rte_write(unsigned pin, uint64_t rte);
void ioapic_mask(unsigned pin);                 /* low half only: mask bit set */
uint32_t ioapic_pins(void);                     /* VER[23:16] + 1 */

#endif
