/* SPDX-License-Identifier: MIT */
/* The IDT, the interrupt frame built by boot/isr.asm, handler registration and the fault fixups
 * behind rdmsr_safe()/wrmsr_safe() (kvm-unit-tests' ASM_TRY idea). */
#ifndef GUEST_IDT_H
#define GUEST_IDT_H

#include <stddef.h>
#include <stdint.h>

/* Pushed by boot/isr.asm, low address first; linker/guest.ld checks the asm side agrees. */
struct frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;                /* pushed by the stub */
	uint64_t error;                 /* CPU's error code, or 0 pushed by the stub */
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU (SDM Vol. 3A 6.14.2) */
};

#define FRAME_OFF_VECTOR 120
#define FRAME_OFF_RIP    136
#define FRAME_SIZE       176
_Static_assert(offsetof(struct frame, vector) == FRAME_OFF_VECTOR, "boot/isr.asm layout");
_Static_assert(offsetof(struct frame, rip) == FRAME_OFF_RIP, "boot/isr.asm layout");
_Static_assert(sizeof(struct frame) == FRAME_SIZE, "boot/isr.asm layout");

typedef void (*irq_handler_t)(struct frame *f);

#define IDT_VECTORS     256
#define IDT_FIRST_IRQ   32              /* 0..31 are exceptions */
#define SPURIOUS_VECTOR 0xFF            /* APIC SVR vector: no EOI (SDM Vol. 3A 11.9) */

void idt_init(void);
void idt_load(void);                  /* lidt of the shared table (APs) */
/* Handlers are global (all CPUs). An interrupt handler sends its own EOI (apic_eoi()). */
void idt_set_handler(uint8_t vec, irq_handler_t fn);
/*
 * A raw entry for one vector in place of its isr.asm stub (NULL: the stub again), for paths that
 * cannot afford the stub's frame and C dispatch. The entry gets only the CPU's frame: it keeps
 * the interrupted code's registers, sends its own EOI and ends with iretq. Shared by all CPUs.
 */
void idt_set_gate(uint8_t vec, void (*entry)(void));
void idt_dispatch(struct frame *f);

/*
 * MSR accesses that may fault. Return convention: -1 if the instruction completed, otherwise the
 * exception vector it raised (e.g. 13 = #GP); then *val is left untouched. An exception with no
 * registered handler resumes after the instruction when a fixup is armed, instead of being fatal.
 */
#define FAULT_NONE (-1)
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);

#endif
