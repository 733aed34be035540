/* SPDX-License-Identifier: MIT */
/* The VM and its creation order: memory slot, TSS and identity-map addresses, irqchip, GSI
 * routes, then the vCPUs (each with its CPUID). */
#ifndef IRQLAB_HOST_VM_H
#define IRQLAB_HOST_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm.h"
#include "mem.h"

struct vcpu;

struct vm_config {
	int ncpus;
	uint64_t mem_size;
	bool split_irqchip;
};

struct vm {
	struct kvm kvm;
	int fd;
	struct guest_mem mem;
	bool split_irqchip;
	int ncpus;
	struct vcpu *vcpus;
	uint32_t tsc_khz;
};

/* Opens /dev/kvm and builds the whole VM; dies naming the failing ioctl. */
void vm_create(struct vm *vm, const struct vm_config *cfg);
void vm_destroy(struct vm *vm);

#endif
