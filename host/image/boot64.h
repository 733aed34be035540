/* SPDX-License-Identifier: MIT */
/* The machine state irqlab's direct 64-bit entry starts the BSP in: host-built identity page
 * tables, a GDT, the boot parameters, and the register values that match them. */
#ifndef IRQLAB_HOST_BOOT64_H
#define IRQLAB_HOST_BOOT64_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

#include "abi/pvport.h"
#include "mem.h"

/* Identity map 0..4 GiB with 2 MiB pages (the MMIO hole uncached) and the GDT (layout.h). */
void boot64_write_tables(struct guest_mem *mem);

/* Just the GDT at LAYOUT_GDT (selectors in layout.h); boot64_write_tables() includes it. */
void boot64_write_gdt(struct guest_mem *mem);

/* A flat 4 GiB segment descriptor (type, L and D/B as given). */
void boot_flat_segment(struct kvm_segment *seg, uint16_t sel, uint8_t type, int l, int db);

/* Flat code and data segments from the GDT at LAYOUT_GDT (64- or 32-bit code), no IDT. */
void boot_flat_sregs(struct kvm_sregs *s, bool long_mode);

/* struct pv_boot at LAYOUT_BOOT_PARAMS. */
void boot64_write_params(struct guest_mem *mem, const struct pv_boot *params);

/* Long mode, paging on, flat segments from the GDT; everything else as KVM reset it. */
void boot64_sregs(struct kvm_sregs *s);

/* RIP = entry, RSP = boot stack, RDI = boot parameters, IF = 0. */
void boot64_regs(struct kvm_regs *r, uint64_t entry);

#endif
