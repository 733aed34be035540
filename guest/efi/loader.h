/* SPDX-License-Identifier: MIT */
/*
 * irqlab-guest.efi: a UEFI application (gnu-efi) that boots the irqlab guest kernel it carries.
 * loader.c talks to the firmware (console, ACPI tables, memory, ExitBootServices); machine.c
 * builds what irqlab's host would (GDT, page tables, struct pv_boot) and quiets the local APIC;
 * handoff.asm switches to that state and jumps to the kernel's _start64.
 */
#ifndef GUEST_EFI_LOADER_H
#define GUEST_EFI_LOADER_H

#include <stdint.h>

#include <abi/pvport.h>

struct platform_cpus;

/* The kernel image: an ELF64 (guest/irqlab-guest.elf) linked into .data by payload.asm. */
extern const uint8_t payload_start[], payload_end[];

#define LOADER_MAX_SEGS 8

struct kernel_seg {
	uint64_t paddr, filesz, memsz;
	const uint8_t *data;
};

struct kernel {
	struct kernel_seg seg[LOADER_MAX_SEGS];
	int nseg;
	uint64_t entry;
	uint64_t lo, hi;                /* page-aligned physical range of all PT_LOADs */
};

/* machine.c, after ExitBootServices: boot services are gone, IF = 0. */
void machine_load_kernel(const struct kernel *k);
void machine_write_boot_params(const struct platform_cpus *cpus, uint64_t mem_bytes);
void machine_write_tables(void);       /* GDT at LAYOUT_GDT, identity map at LAYOUT_PML4 */
void machine_use_tables(void);         /* CR3 = LAYOUT_PML4 (the loader runs below 4 GiB) */
void machine_quiet_interrupts(void);   /* 8259s masked, LAPIC as after reset */
__attribute__((noreturn)) void machine_enter_kernel(uint64_t entry);

/* handoff.asm */
__attribute__((noreturn)) void handoff(uint64_t entry, uint64_t boot_params, uint64_t efer);
void drain_interrupts(const void *idtr); /* lidt idtr, sti, wait, cli, firmware IDT back */
void drain_stub(void);                 /* interrupt gate target: EOI, iretq */
void halt_stub(void);                  /* exception gate target: stop */

#endif
