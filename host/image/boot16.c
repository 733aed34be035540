/* SPDX-License-Identifier: MIT */
#include "boot16.h"

#include <string.h>

#include "x86/cpu.h"

/* A real-mode segment as after reset: base = selector << 4, 64 KiB, present, accessed. */
static void real_segment(struct kvm_segment *seg, uint16_t sel, uint8_t type)
{
	*seg = (struct kvm_segment){
		.base = (uint64_t)sel << 4, .limit = 0xFFFF, .selector = sel, .type = type,
		.present = 1, .s = 1,
	};
}

/* The interrupt-related fields (interrupt_bitmap, apic_base) stay as KVM has them. */
void boot16_sregs(struct kvm_sregs *s, uint32_t vector)
{
	real_segment(&s->cs, (uint16_t)(vector >> 4), 0xB);
	real_segment(&s->ds, 0, 0x3);
	s->es = s->fs = s->gs = s->ss = s->ds;
	s->ldt = (struct kvm_segment){ .limit = 0xFFFF, .type = 0x2, .present = 1 };
	s->tr = (struct kvm_segment){ .limit = 0xFFFF, .type = 0xB, .present = 1 };
	s->gdt.base = s->idt.base = 0;
	s->gdt.limit = s->idt.limit = 0xFFFF;
	s->cr0 = BOOT16_CR0_RESET;
	s->cr2 = s->cr3 = s->cr4 = 0;
	s->cr8 = 0;
	s->efer = 0;
}

void boot16_regs(struct kvm_regs *r, uint32_t vector)
{
	memset(r, 0, sizeof(*r));
	r->rip = vector & 0xF;
	r->rflags = X86_RFLAGS_FIXED;
}
