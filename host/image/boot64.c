/* SPDX-License-Identifier: MIT */
#include "boot64.h"

#include <string.h>

#include "abi/boot_tables.h"
#include "abi/layout.h"
#include "x86/cpu.h"
#include "x86/msr.h"


void boot64_write_tables(struct guest_mem *mem)
{
	uint64_t *pml4 = mem_ptr(mem, LAYOUT_PML4, 0x1000);
	uint64_t *pdpt = mem_ptr(mem, LAYOUT_PDPT, 0x1000);
	uint64_t *pd = mem_ptr(mem, LAYOUT_PD, 4 * 0x1000);

	boot_tables_identity(pml4, pdpt, pd);
	boot64_write_gdt(mem);
}

void boot64_write_gdt(struct guest_mem *mem)
{
	uint64_t *gdt = mem_ptr(mem, LAYOUT_GDT, GDT_ENTRIES * 8);

	boot_tables_gdt(gdt);
}

void boot64_write_params(struct guest_mem *mem, const struct pv_boot *params)
{
	memcpy(mem_ptr(mem, LAYOUT_BOOT_PARAMS, sizeof(*params)), params, sizeof(*params));
}

void boot_flat_segment(struct kvm_segment *seg, uint16_t sel, uint8_t type, int l, int db)
{
	*seg = (struct kvm_segment){
		.base = 0, .limit = 0xFFFFFFFF, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = db, .s = 1, .l = l, .g = 1,
	};
}

void boot_flat_sregs(struct kvm_sregs *s, bool long_mode)
{
	boot_flat_segment(&s->cs, long_mode ? GDT_SEL_CODE64 : GDT_SEL_CODE32, 0xB, long_mode, !long_mode);
	boot_flat_segment(&s->ds, GDT_SEL_DATA, 0x3, 0, 1);
	s->es = s->fs = s->gs = s->ss = s->ds;
	s->gdt.base = LAYOUT_GDT;
	s->gdt.limit = GDT_ENTRIES * 8 - 1;
	s->idt.base = 0;
	s->idt.limit = 0;
}

void boot64_sregs(struct kvm_sregs *s)
{
	boot_flat_sregs(s, true);
	s->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | X86_CR0_PG;
	s->cr3 = LAYOUT_PML4;
	s->cr4 = X86_CR4_PAE;
	s->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX;
}

void boot64_regs(struct kvm_regs *r, uint64_t entry)
{
	memset(r, 0, sizeof(*r));
	r->rip = entry;
	r->rsp = LAYOUT_BOOT_STACK_TOP;
	r->rdi = LAYOUT_BOOT_PARAMS;
	r->rflags = X86_RFLAGS_FIXED;
}
