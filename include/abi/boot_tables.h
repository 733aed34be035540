/* SPDX-License-Identifier: MIT */
/*
 * The GDT and identity page tables irqlab's 64-bit entry (_start64) expects, at the addresses in
 * layout.h. One definition for both writers: the host (host/image/boot64.c) and the UEFI loader
 * (guest/efi/machine.c). Callers pass pointers to the table memory and zero it first.
 */
#ifndef IRQLAB_ABI_BOOT_TABLES_H
#define IRQLAB_ABI_BOOT_TABLES_H

#include <stdint.h>

#include "abi/layout.h"
#include "x86/cpu.h"

#define BOOT_PAGE_2M     0x200000ull
#define BOOT_GDT_CODE64  0x00AF9A000000FFFFull /* P, DPL0, code exec/read, L=1, G=1 */
#define BOOT_GDT_DATA    0x00CF92000000FFFFull /* P, DPL0, data read/write, D/B=1, G=1 */
#define BOOT_GDT_CODE32  0x00CF9A000000FFFFull /* P, DPL0, code exec/read, D=1, G=1 */

/* GDT_ENTRIES descriptors at the selectors layout.h names. */
static inline void boot_tables_gdt(uint64_t *gdt)
{
	gdt[GDT_SEL_NULL / 8] = 0;
	gdt[GDT_SEL_CODE64 / 8] = BOOT_GDT_CODE64;
	gdt[GDT_SEL_DATA / 8] = BOOT_GDT_DATA;
	gdt[GDT_SEL_CODE32 / 8] = BOOT_GDT_CODE32;
}

/* Identity map 0..4 GiB with 2 MiB pages; the MMIO hole from the IOAPIC up is uncached
 * (SDM 11.4.1). pml4/pdpt/pd are the table pages at LAYOUT_PML4/PDPT/PD (4 PD pages). */
static inline void boot_tables_identity(uint64_t *pml4, uint64_t *pdpt, uint64_t *pd)
{
	pml4[0] = LAYOUT_PDPT | PTE_PRESENT | PTE_WRITE;
	for (int i = 0; i < 4; i++)
		pdpt[i] = (LAYOUT_PD + i * 0x1000ull) | PTE_PRESENT | PTE_WRITE;
	for (uint64_t i = 0; i < 4 * 512; i++) {
		uint64_t addr = i * BOOT_PAGE_2M;

		pd[i] = addr | PTE_PRESENT | PTE_WRITE | PTE_PS;
		if (addr >= (LAYOUT_IOAPIC_BASE & ~(BOOT_PAGE_2M - 1)))
			pd[i] |= PTE_PCD | PTE_PWT;
	}
}

#endif
