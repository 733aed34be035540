/* SPDX-License-Identifier: MIT */
/* Per-CPU data, indexed by APIC ID and reached through GS base (%gs:0 holds the struct's own
 * address). percpu_init() runs on each CPU before anything that calls this_cpu(). */
#ifndef GUEST_PERCPU_H
#define GUEST_PERCPU_H

#include <stddef.h>
#include <stdint.h>

#include <abi/pvport.h>

/* Per-CPU array size, indexed by APIC ID: the host never starts more (include/abi/pvport.h). */
#define MAX_CPUS IRQLAB_MAX_CPUS

struct apic_ops;

struct percpu {
	struct percpu *self;            /* %gs:0 */
	uint32_t index;                 /* slot in the per-CPU arrays = APIC ID */
	uint32_t apic_id;
	uint64_t fixup_rip;             /* idt.c: armed by rdmsr_safe()/wrmsr_safe(), 0 = none */
	int32_t fault_vector;           /* idt.c: vector the armed instruction took, -1 = none */
	uint32_t pad;
	const struct apic_ops *apic;    /* apic.c: xAPIC or x2APIC accessors for this CPU's mode */
};

#define PERCPU_OFF_FIXUP_RIP    16
#define PERCPU_OFF_FAULT_VECTOR 24
_Static_assert(offsetof(struct percpu, fixup_rip) == PERCPU_OFF_FIXUP_RIP, "inline asm in idt.c");
_Static_assert(offsetof(struct percpu, fault_vector) == PERCPU_OFF_FAULT_VECTOR, "inline asm in idt.c");

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__("mov %%gs:0, %0" : "=r"(p));
	return p;
}

void percpu_init(void);
void percpu_init_id(uint32_t apic_id);

#endif
