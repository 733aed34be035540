/* SPDX-License-Identifier: MIT */
/* The CPUID each vCPU gets: KVM's supported table (fetched once) plus what irqlab promises the
 * guest: its APIC ID in leaf 1 and the x2APIC topology leaves, APIC/x2APIC/TSC-deadline/MCE. */
#ifndef IRQLAB_HOST_GUEST_CPUID_H
#define IRQLAB_HOST_GUEST_CPUID_H

#include <linux/kvm.h>
#include <stdint.h>

/* The vendor string the guest sees in leaf 0: the host's, or one picked with --cpu-vendor
 * (kernels that take Intel or AMD paths by vendor). */
enum cpu_vendor { VENDOR_HOST, VENDOR_INTEL, VENDOR_AMD };

/* A new table (free() it) for the vCPU with `apic_id` in a VM of `ncpus` vCPUs. */
struct kvm_cpuid2 *cpuid_for_vcpu(const struct kvm_cpuid2 *supported, uint32_t apic_id, int ncpus,
				  enum cpu_vendor vendor);

#endif
