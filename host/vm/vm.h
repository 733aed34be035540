/* SPDX-License-Identifier: MIT */
/* The VM and its creation order: memory slot, TSS and identity-map addresses, irqchip, GSI
 * routes, then the vCPUs (each with its CPUID). */
#ifndef IRQLAB_HOST_VM_H
#define IRQLAB_HOST_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "coalesced.h"
#include "guest_cpuid.h"
#include "kvm.h"
#include "mem.h"
#include "vcpu.h"

struct irq_routes;
struct ioapic;

struct vm_config {
	int ncpus;
	uint64_t mem_size;
	bool split_irqchip;
	enum cpu_vendor vendor;
	const struct cpuid_edits *cpuid_edits; /* -cpu MODEL,+feat,-feat; NULL: none */
};

struct vm {
	struct kvm kvm;
	int fd;
	struct guest_mem mem;
	bool split_irqchip;
	enum cpu_vendor vendor;
	struct cpuid_edits cpuid_edits;
	int ncpus;
	struct vcpu *vcpus;
	struct vcpu_env vcpu_env;  /* what each vCPU needs of this VM */
	uint32_t tsc_khz;
	int mce_banks;            /* 0: machine checks not set up */
	struct irq_routes *irq;   /* irq.c: GSI routes, irqfds */
	struct ioapic *ioapic;    /* ioapic.c: the userspace IOAPIC with --irqchip split */
	struct coalesced coalesced; /* coalesced.c: COM1 output without exits */
	int teardown_pipe;        /* vm_defer_teardown(): held open until exit */
};

/* Opens /dev/kvm and builds the whole VM; dies naming the failing ioctl. */
void vm_create(struct vm *vm, const struct vm_config *cfg);
void vm_destroy(struct vm *vm);

/* Destroying a VM with an in-kernel irqchip takes ~15 ms in the kernel here (docs/performance.md).
 * Hand the VM's last references to a child that drops them only after this process exits, so
 * the results are not held back by it. The child keeps no stdio open. Best effort. */
void vm_defer_teardown(struct vm *vm);

#endif
