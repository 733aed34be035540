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
	boot_flat_sregs(s, false);
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
