// SPDX-License-Identifier: MIT
/* IDT: 256 interrupt gates to boot/isr.asm's stubs, dispatch to registered handlers, and the
 * armed-fixup path that turns a faulting rdmsr/wrmsr into a return value. */
#include <abi/layout.h>

#include "apic.h"
#include "cpu.h"
#include "idt.h"
#include "lib.h"
#include "percpu.h"
#include "pv.h"
#include "trace.h"

#define GATE_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate: IF cleared on entry */

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
};
_Static_assert(sizeof(struct idt_gate) == 16, "SDM Vol. 3A figure 6-8");

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern const uint64_t isr_stub_table[IDT_VECTORS];    /* boot/isr.asm */

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static const struct idt_ptr idtr = { sizeof(idt) - 1, (uintptr_t)idt };
static irq_handler_t handlers[IDT_VECTORS];
static uint32_t unexpected_irqs;

/* The C side of the frame layout, checked against isr.asm's symbols by linker/guest.ld. */
__asm__(".globl idt_c_frame_size\n.set idt_c_frame_size, " STR(FRAME_SIZE) "\n"
	".globl idt_c_frame_off_vector\n.set idt_c_frame_off_vector, " STR(FRAME_OFF_VECTOR) "\n"
	".globl idt_c_frame_off_rip\n.set idt_c_frame_off_rip, " STR(FRAME_OFF_RIP) "\n");

static uint64_t gate_lo(uint64_t addr)
{
	return (addr & 0xFFFF) | (uint64_t)GDT_SEL_CODE64 << 16 | (uint64_t)GATE_INTERRUPT << 40 |
	       ((addr >> 16) & 0xFFFF) << 48;
}

/*
 * The image is below 4 GiB, so each gate's upper half stays 0 (bss). isr.asm aligns every stub
 * to 16 bytes; when they all share address bits 63:16, gate v is gate 0 plus 16 * v: two
 * instructions per gate instead of ~9 (~2 ms of boot at ~1 us per emulated instruction).
 */
void idt_init(void)
{
	uint64_t first = isr_stub_table[0], last = isr_stub_table[IDT_VECTORS - 1];
	volatile uint64_t *g = (volatile uint64_t *)idt;

	if (last - first == 16 * (IDT_VECTORS - 1) && first >> 16 == last >> 16) {
		uint64_t lo = gate_lo(first);

		for (unsigned v = 0; v < IDT_VECTORS; v += 4, lo += 64) {
			g[2 * v] = lo;
			g[2 * v + 2] = lo + 16;
			g[2 * v + 4] = lo + 32;
			g[2 * v + 6] = lo + 48;
		}
	} else {
		for (unsigned v = 0; v < IDT_VECTORS; v++)
			g[2 * v] = gate_lo(isr_stub_table[v]);
	}
	idt_load();
}

/* APs share the BSP's table: one lidt each. */
void idt_load(void)
{
	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

void idt_set_handler(uint8_t vec, irq_handler_t fn)
{
	handlers[vec] = fn;
}

/* The image lies below 4 GiB: only the gate's lower half changes, in one 8-byte store. */
void idt_set_gate(uint8_t vec, void (*entry)(void))
{
	uint64_t addr = entry ? (uintptr_t)entry : isr_stub_table[vec];

	((volatile uint64_t *)idt)[2 * vec] = gate_lo(addr);
}

static __attribute__((noreturn)) void fatal_exception(struct frame *f)
{
	pv_fault(f->vector, f->error, f->rip, read_cr2(), f->rsp);
	halt_forever();
}

void idt_dispatch(struct frame *f)
{
	struct percpu *c;

	trace_ev(PV_TR_IRQ, (uint32_t)f->vector);
	if (handlers[f->vector]) {
		handlers[f->vector](f);
		return;
	}
	if (f->vector < IDT_FIRST_IRQ) {
		c = this_cpu();
		if (!c->fixup_rip)
			fatal_exception(f);
		f->rip = c->fixup_rip;
		c->fault_vector = (int32_t)f->vector;
		c->fixup_rip = 0;
		return;
	}
	if (f->vector == SPURIOUS_VECTOR)
		return;
	/* An interrupt nobody asked for: say so once per occurrence, acknowledge it, go on. */
	unexpected_irqs++;
	pv_print("unexpected interrupt, vector 0x%lx (%u so far)", f->vector, unexpected_irqs);
	apic_eoi();
}

/*
 * Arm a fixup at the label after the instruction, run it, disarm. If it faults, idt_dispatch()
 * resumes at the label with fault_vector set. The label and the arming live in one asm statement
 * so the compiler cannot move code between them.
 */
#define SAFE_INSN(insn, ...)                                                        \
	__asm__ volatile("movl $-1, %%gs:" STR(PERCPU_OFF_FAULT_VECTOR) "\n\t"      \
			 "leaq 1f(%%rip), %%r11\n\t"                                \
			 "movq %%r11, %%gs:" STR(PERCPU_OFF_FIXUP_RIP) "\n\t"       \
			 insn "\n"                                                  \
			 "1:\tmovq $0, %%gs:" STR(PERCPU_OFF_FIXUP_RIP) "\n\t"      \
			 "movl %%gs:" STR(PERCPU_OFF_FAULT_VECTOR) ", %[vec]"       \
			 __VA_ARGS__)

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo, hi;
	int vec;

	SAFE_INSN("rdmsr", : "=a"(lo), "=d"(hi), [vec] "=r"(vec) : "c"(msr) : "r11", "memory");
	if (vec == FAULT_NONE)
		*val = (uint64_t)hi << 32 | lo;
	return vec;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
	int vec;

	SAFE_INSN("wrmsr", : [vec] "=r"(vec)
		  : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "r11", "memory");
	return vec;
}
