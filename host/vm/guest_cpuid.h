/* SPDX-License-Identifier: MIT */
/* The CPUID each vCPU gets: KVM's supported table (fetched once) plus what irqlab promises the
 * guest: its APIC ID in leaf 1 and the x2APIC topology leaves, APIC/x2APIC/TSC-deadline/MCE. */
#ifndef IRQLAB_HOST_GUEST_CPUID_H
#define IRQLAB_HOST_GUEST_CPUID_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

/* The vendor string the guest sees in leaf 0: the host's, or one picked with --cpu-vendor
 * (kernels that take Intel or AMD paths by vendor). */
enum cpu_vendor { VENDOR_HOST, VENDOR_INTEL, VENDOR_AMD };

/* A new table (free() it) for the vCPU with `apic_id` in a VM of `ncpus` vCPUs. */
struct kvm_cpuid2 *cpuid_for_vcpu(const struct kvm_cpuid2 *supported, uint32_t apic_id, int ncpus,
				  enum cpu_vendor vendor);

/*
 * Feature bits a command line can clear or set (QEMU's `-cpu MODEL,+feat,-feat`). A set bit is
 * only shown when KVM supports it or irqlab provides it itself (x2APIC, TSC-deadline: the
 * in-kernel LAPIC); the edits apply after irqlab's own patches, so `-tsc-deadline` clears it.
 */
enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

struct cpuid_feature {
	const char *name;         /* QEMU's name: "x2apic", "tsc-deadline", ... */
	uint32_t leaf, subleaf;
	enum cpuid_reg reg;
	uint8_t bit;
	bool provided;            /* irqlab provides it whatever KVM's supported table says */
};

#define CPUID_EDITS_MAX 32

struct cpuid_edits {
	int n;
	struct { const struct cpuid_feature *f; bool set; } e[CPUID_EDITS_MAX];
};

/* The feature called `name`, or NULL. */
const struct cpuid_feature *cpuid_feature_find(const char *name);
/* Append "+f" (set) or "-f" to `ed`: 0, or -ENOSPC when full. A later edit of f wins. */
int cpuid_edits_add(struct cpuid_edits *ed, const struct cpuid_feature *f, bool set);
/* Apply `ed` (may be NULL) to table `c`, consulting `supported` for the bits it sets. */
void cpuid_apply_edits(struct kvm_cpuid2 *c, const struct kvm_cpuid2 *supported,
		       const struct cpuid_edits *ed);

#endif
