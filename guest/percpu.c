// SPDX-License-Identifier: MIT
/* Per-CPU setup: find this CPU's APIC ID and point GS base at its struct percpu. */
#include <x86/msr.h>

#include "cpu.h"
#include "percpu.h"

static struct percpu percpus[MAX_CPUS];

/* x2APIC ID from CPUID.0BH:EDX when the leaf exists (> 255 CPUs), else CPUID.01H:EBX[31:24] */
static uint32_t cpuid_apic_id(void)
{
	if (cpuid(0).eax >= 0xB)
		return cpuid_count(0xB, 0).edx;
	return cpuid(1).ebx >> 24;
}

void percpu_init(void)
{
	percpu_init_id(cpuid_apic_id());
}

/* APs: the trampoline already read the APIC ID from CPUID (smp.c's ap_main) */
void percpu_init_id(uint32_t id)
{
	struct percpu *c = &percpus[id < MAX_CPUS ? id : 0];

	c->self = c;
	c->index = id < MAX_CPUS ? id : 0;
	c->apic_id = id;
	c->fixup_rip = 0;
	c->fault_vector = -1;
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
}
