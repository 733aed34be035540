/* SPDX-License-Identifier: MIT */
#include "boot32.h"

#include <string.h>

#include "abi/layout.h"
#include "abi/multiboot.h"
#include "boot64.h"
#include "x86/cpu.h"

void boot32_write_gdt(struct guest_mem *mem)
{
	boot64_write_gdt(mem);
}

void boot32_sregs(struct kvm_sregs *s)
{
	boot_flat_segment(&s->cs, GDT_SEL_CODE32, 0xB, 0, 1);
	boot_flat_segment(&s->ds, GDT_SEL_DATA, 0x3, 0, 1);
	s->es = s->fs = s->gs = s->ss = s->ds;
	s->gdt.base = LAYOUT_GDT;
	s->gdt.limit = GDT_ENTRIES * 8 - 1;
	s->idt.base = 0;
	s->idt.limit = 0;
	s->cr0 = X86_CR0_PE | X86_CR0_ET;
	s->cr3 = 0;
	s->cr4 = 0;
	s->efer = 0;
}

void boot32_regs(struct kvm_regs *r, uint32_t entry, uint32_t mb_info)
{
	memset(r, 0, sizeof(*r));
	r->rip = entry;
	r->rax = MB_BOOT_MAGIC;
	r->rbx = mb_info;
	r->rflags = X86_RFLAGS_FIXED;
}
