/* SPDX-License-Identifier: MIT */
/*
 * The AP trampoline's parameter block: boot/trampoline.asm reads it, guest/smp.c fills it after
 * copying the trampoline to LAYOUT_TRAMPOLINE. nasm addresses each field as
 * LAYOUT_TRAMPOLINE + TRAMPOLINE_PARAMS_OFF + TP_<FIELD> (numbers exported through abi.inc), the
 * asserts below tie those numbers to the struct, and the asm pads its first bytes so the block
 * sits exactly at TRAMPOLINE_PARAMS_OFF (nasm fails the build otherwise).
 */
#ifndef IRQLAB_ABI_TRAMPOLINE_H
#define IRQLAB_ABI_TRAMPOLINE_H

#include <stddef.h>
#include <stdint.h>

#define TRAMPOLINE_PARAMS_OFF   8   /* after the 2-byte jmp at the SIPI entry, 8-aligned */
#define TRAMPOLINE_MAX_SIZE     4096 /* one page: LAYOUT_TRAMPOLINE .. LAYOUT_MB_INFO */

#define TP_ENTERED              0   /* u32: APs that reached the real-mode entry (lock inc) */
#define TP_CR0                  4   /* u32: CR0 to load with paging (the BSP's) */
#define TP_CR3                  8   /* u32: PML4 address (the BSP's CR3, below 4 GiB) */
#define TP_CR4                  12  /* u32: CR4 (the BSP's: PAE at least) */
#define TP_EFER                 16  /* u32: EFER low half: LME|NX|SCE (the CPU sets LMA) */
#define TP_ID_LEAF              20  /* u32: CPUID leaf giving the APIC ID: 0xB (EDX) or 1 */
#define TP_NSLOTS               24  /* u32: APs with APIC ID >= this have no stack: they park */
#define TP_STACK_SIZE           28  /* u32: bytes per AP stack */
#define TP_STACK_BASE           32  /* u64: AP with APIC ID i: stack top base + (i + 1) * size */
#define TP_ENTRY                40  /* u64: void ap_main(uint32_t apic_id), never returns */
#define TP_SIZE                 48

struct trampoline_params {
	uint32_t entered;
	uint32_t cr0;
	uint32_t cr3;
	uint32_t cr4;
	uint32_t efer;
	uint32_t id_leaf;
	uint32_t nslots;
	uint32_t stack_size;
	uint64_t stack_base;
	uint64_t entry;
};

_Static_assert(offsetof(struct trampoline_params, entered) == TP_ENTERED, "trampoline.asm");
_Static_assert(offsetof(struct trampoline_params, cr0) == TP_CR0, "trampoline.asm");
_Static_assert(offsetof(struct trampoline_params, cr3) == TP_CR3, "trampoline.asm");
_Static_assert(offsetof(struct trampoline_params, cr4) == TP_CR4, "trampoline.asm");
_Static_assert(offsetof(struct trampoline_params, efer) == TP_EFER, "trampoline.asm");
_Static_assert(offsetof(struct trampoline_params, id_leaf) == TP_ID_LEAF, "trampoline.asm");
_Static_assert(offsetof(struct trampoline_params, nslots) == TP_NSLOTS, "trampoline.asm");
_Static_assert(offsetof(struct trampoline_params, stack_size) == TP_STACK_SIZE, "trampoline.asm");
_Static_assert(offsetof(struct trampoline_params, stack_base) == TP_STACK_BASE, "trampoline.asm");
_Static_assert(offsetof(struct trampoline_params, entry) == TP_ENTRY, "trampoline.asm");
_Static_assert(sizeof(struct trampoline_params) == TP_SIZE, "trampoline.asm");
_Static_assert(TRAMPOLINE_PARAMS_OFF % 8 == 0, "64-bit fields stay aligned");

#endif
