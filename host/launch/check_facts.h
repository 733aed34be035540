/* SPDX-License-Identifier: MIT */
/* `irqlab check`, host half: the KVM capabilities relevant to irqlab and the CPU facts. */
#ifndef IRQLAB_HOST_CHECK_FACTS_H
#define IRQLAB_HOST_CHECK_FACTS_H

#include <linux/kvm.h>
#include <stdbool.h>

struct check_fact {
	long cap;
	const char *name, *unit, *what;
};

struct cpu_facts {
	char guest_vendor[13];      /* CPUID leaf 0 as KVM offers it */
	bool vmx, svm;              /* offered to the guest: nested virtualization one level down */
	bool host_nested;           /* this host itself runs under a hypervisor */
	char host_hypervisor[13];   /* its CPUID 0x40000000 signature */
};

/* The capability table (KVM_CHECK_EXTENSION values are read by the caller). */
const struct check_fact *check_facts(int *n);

void check_cpu_facts(const struct kvm_cpuid2 *supported, struct cpu_facts *out);

#endif
