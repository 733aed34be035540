/* SPDX-License-Identifier: MIT */
/* `irqlab check`, host half: what this KVM offers, read from KVM_CHECK_EXTENSION and CPUID. */
#include "check_facts.h"

#include <cpuid.h>
#include <stdio.h>
#include <string.h>

#include <x86/cpu.h>

#include "util.h"

#define FACT(c, unit, what) { c, #c, unit, what }
static const struct check_fact facts[] = {
	FACT(KVM_CAP_IRQCHIP, "", "in-kernel PIC/IOAPIC/LAPIC"),
	FACT(KVM_CAP_SPLIT_IRQCHIP, "", "LAPIC in KVM, IOAPIC in userspace"),
	FACT(KVM_CAP_SIGNAL_MSI, "", "KVM_SIGNAL_MSI"),
	FACT(KVM_CAP_IRQ_ROUTING, "routes", "GSI routing table size"),
	FACT(KVM_CAP_IRQFD, "", "irqfd"),
	FACT(KVM_CAP_IOEVENTFD, "", "ioeventfd"),
	FACT(KVM_CAP_MAX_VCPUS, "vCPUs", "vCPU limit"),
	FACT(KVM_CAP_NR_VCPUS, "vCPUs", "recommended vCPUs"),
	FACT(KVM_CAP_MAX_VCPU_ID, "", "largest vCPU/APIC ID + 1"),
	FACT(KVM_CAP_MCE, "banks", "machine-check banks"),
	FACT(KVM_CAP_X2APIC_API, "flags", "x2APIC API (32-bit IDs, broadcast quirk)"),
	FACT(KVM_CAP_TSC_DEADLINE_TIMER, "", "TSC-deadline timer"),
	FACT(KVM_CAP_TSC_CONTROL, "", "guest TSC frequency control"),
	FACT(KVM_CAP_NESTED_STATE, "bytes", "nested virtualization state save/restore"),
	FACT(KVM_CAP_X86_SMM, "", "system management mode"),
	FACT(KVM_CAP_PMU_CAPABILITY, "", "PMU control"),
	FACT(KVM_CAP_HYPERV, "", "Hyper-V enlightenments"),
	FACT(KVM_CAP_BINARY_STATS_FD, "", "binary statistics"),
	FACT(KVM_CAP_EXIT_ON_EMULATION_FAILURE, "", "emulation failures exit with the instruction bytes"),
	FACT(KVM_CAP_X86_DISABLE_EXITS, "flags", "exits that can be disabled (HLT, PAUSE, ...)"),
	FACT(KVM_CAP_NR_MEMSLOTS, "slots", "memory slots"),
	FACT(KVM_CAP_IMMEDIATE_EXIT, "", "immediate_exit"),
};

const struct check_fact *check_facts(int *n)
{
	*n = (int)ARRAY_SIZE(facts);
	return facts;
}

static const struct kvm_cpuid_entry2 *leaf(const struct kvm_cpuid2 *c, uint32_t fn)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn && c->entries[i].index == 0)
			return &c->entries[i];
	return NULL;
}

static void vendor_of(uint32_t b, uint32_t c, uint32_t d, char out[13])
{
	memcpy(out, &b, 4);
	memcpy(out + 4, &d, 4);
	memcpy(out + 8, &c, 4);
	out[12] = '\0';
}

void check_cpu_facts(const struct kvm_cpuid2 *supported, struct cpu_facts *out)
{
	const struct kvm_cpuid_entry2 *l0 = leaf(supported, 0), *l1 = leaf(supported, 1);
	const struct kvm_cpuid_entry2 *e1 = leaf(supported, 0x80000001);
	unsigned a, b, c, d;

	memset(out, 0, sizeof(*out));
	if (l0)
		vendor_of(l0->ebx, l0->ecx, l0->edx, out->guest_vendor);
	out->vmx = l1 && (l1->ecx & CPUID_1_ECX_VMX);
	out->svm = e1 && (e1->ecx & CPUID_80000001_ECX_SVM);
	__cpuid(1, a, b, c, d);
	out->host_nested = c & CPUID_1_ECX_HYPERVISOR;
	if (out->host_nested) {
		__cpuid(0x40000000, a, b, c, d);
		vendor_of(b, d, c, out->host_hypervisor); /* hypervisor leaves order EBX, ECX, EDX */
	}
	for (char *p = out->host_hypervisor; *p; p++)
		if (*p < ' ' || *p > '~')
			*p = '?';
}
