/* SPDX-License-Identifier: MIT */
/* The multiboot entry state (Multiboot spec 3.2): 32-bit protected mode, paging off, flat
 * 4 GiB segments, IF=0, EAX = 0x2BADB002, EBX = the information block. */
#ifndef IRQLAB_HOST_BOOT32_H
#define IRQLAB_HOST_BOOT32_H

#include <linux/kvm.h>
#include <stdint.h>

#include "mem.h"

/* The GDT the segments come from (the kernel is expected to load its own). */
void boot32_write_gdt(struct guest_mem *mem);
void boot32_sregs(struct kvm_sregs *s);
void boot32_regs(struct kvm_regs *r, uint32_t entry, uint32_t mb_info);

#endif
