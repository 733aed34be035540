/* SPDX-License-Identifier: MIT */
/* The guest as it is at its first instruction, for each of the two kinds of image: irqlab's own
 * ELF64 guests (entered in long mode, KTAP from the port protocol) and multiboot v1 kernels
 * (entered as QEMU -kernel does; their serial is the output). Setup: failures die (exit 2). */
#ifndef IRQLAB_HOST_GUEST_STATE_H
#define IRQLAB_HOST_GUEST_STATE_H

#include <stdbool.h>

#include "cli.h"
#include "image.h"
#include "load_elf.h"
#include "vm.h"

/* True for a multiboot kernel, false for an ELF64 run natively; *elf is the image's load plan
 * either way. An ELF64 runs natively unless `boot` was asked for; a multiboot header makes it a
 * kernel, whose RAM is 128 MiB unless --mem says otherwise (o->mem_size). `run` falls back to
 * multiboot only for a file that is an ELF (ELF32 kernels, a.out-kludge ELF64s): a damaged ELF
 * or a raw binary is refused with the ELF's reason (docs/multiboot.md). */
bool guest_state_is_multiboot(const struct image *img, struct opts *o, struct elf_image *elf);

/* irqlab's direct entry: the PT_LOAD segments, identity page tables and GDT, struct pv_boot,
 * the BSP in long mode at the entry point; the APs wait for INIT. */
void guest_state_native(struct vm *vm, const struct image *img, const struct elf_image *elf);

/* The multiboot entry, QEMU's -kernel contract: argv[0] is the image's name (then --append),
 * one module from --initrd; the info block, ACPI tables and the BSP in 32-bit protected mode. */
void guest_state_multiboot(struct vm *vm, const struct image *img, const struct elf_image *elf,
			   const struct opts *o);

#endif
