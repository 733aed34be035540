/* SPDX-License-Identifier: MIT */
#include "vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "abi/layout.h"
#include "ioapic.h"
#include "irq.h"
#include "sleep.h"
#include "util.h"

/* Slot 0: all of guest RAM at guest-physical 0. */
static void add_ram_slot(struct vm *vm)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem.size,
		.userspace_addr = (uint64_t)(uintptr_t)vm->mem.hva,
	};

	kvm_ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region);
}

/* Real Intel hosts without unrestricted guest need both; the identity-map address is only
 * accepted before any vCPU exists (docs/kvm-pvm.md). */
static void set_tss_and_identity_map(struct vm *vm)
{
	uint64_t identity = LAYOUT_IDENTITY_MAP;

	kvm_ioctl(vm->fd, KVM_SET_TSS_ADDR, (unsigned long)LAYOUT_TSS);
	kvm_ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &identity);
}

/* 32-bit x2APIC IDs (needed above 255 vCPUs) and the architectural x2APIC broadcast
 * (0xFFFFFFFF only; KVM's quirk would also broadcast to 0xFF). Before the vCPUs exist. */
static void enable_x2apic_api(struct vm *vm)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X2APIC_API,
		.args[0] = KVM_X2APIC_API_USE_32BIT_IDS | KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK,
	};

	if (!kvm_cap(vm->fd, KVM_CAP_X2APIC_API)) {
		if (vm->ncpus > 255)
			die(EXIT_SKIP, "--cpus %d needs KVM_CAP_X2APIC_API (APIC IDs above 255), "
			    "which this KVM lacks", vm->ncpus);
		return;
	}
	kvm_ioctl(vm->fd, KVM_ENABLE_CAP, &cap);
}

static int ioapic_deliver(void *opaque, uint64_t addr, uint32_t data)
{
	return irq_signal_msi(opaque, addr, data);
}

/* KVM learns which vectors are level-triggered (to exit on their EOI) from the MSI routes of
 * GSIs 0-23 (KVM_CAP_SPLIT_IRQCHIP), so every entry is mirrored there. */
static int ioapic_route(void *opaque, uint32_t pin, uint64_t addr, uint32_t data)
{
	return irq_set_msi_route(opaque, pin, addr, data);
}

static void create_userspace_ioapic(struct vm *vm)
{
	struct ioapic_ops ops = { ioapic_deliver, ioapic_route, vm->irq };

	if (!vm->split_irqchip)
		return;
	vm->ioapic = xcalloc(1, sizeof(*vm->ioapic));
	ioapic_init(vm->ioapic, &ops);
}

static void create_vcpus(struct vm *vm)
{
	vm->vcpus = xcalloc((size_t)vm->ncpus, sizeof(*vm->vcpus));
	vm->vcpu_env = (struct vcpu_env){ vm->fd, vm->kvm.run_size, vm->kvm.supported_cpuid, vm->ncpus,
					  vm->vendor, &vm->cpuid_edits, &vm->mem, vm->vcpus, sleep_s3 };
	for (int i = 0; i < vm->ncpus; i++)
		vcpu_create(&vm->vcpu_env, &vm->vcpus[i], i);
	vm->tsc_khz = (uint32_t)kvm_ioctl(vm->vcpus[0].fd, KVM_GET_TSC_KHZ, 0);
}

/* The coalesced ring's page inside vCPU 0's mapping (KVM_CAP_COALESCED_MMIO gives its offset). */
static void *coalesced_ring_page(struct vm *vm)
{
	long page = sysconf(_SC_PAGESIZE), off = kvm_cap(vm->fd, KVM_CAP_COALESCED_MMIO);

	if (off <= 0 || (off + 1) * page > vm->kvm.run_size)
		return NULL;
	return (char *)vm->vcpus[0].run + off * page;
}

/*
 * The order matters: creating the irqchip before the memory slot costs ~6 ms here
 * (docs/kvm-pvm.md), and the irqchip and routes must exist before the vCPUs are created.
 */
void vm_create(struct vm *vm, const struct vm_config *cfg)
{
	struct kvm_needs needs = { .split_irqchip = cfg->split_irqchip };

	kvm_open(&vm->kvm, &needs);
	if (cfg->ncpus > vm->kvm.max_vcpus)
		die(EXIT_USAGE, "--cpus %d: this KVM allows at most %d vCPUs (KVM_CAP_MAX_VCPUS)",
		    cfg->ncpus, vm->kvm.max_vcpus);
	vm->ncpus = cfg->ncpus;
	vm->split_irqchip = cfg->split_irqchip;
	vm->vendor = cfg->vendor;
	if (cfg->cpuid_edits)
		vm->cpuid_edits = *cfg->cpuid_edits;
	vm->fd = kvm_ioctl(vm->kvm.fd, KVM_CREATE_VM, 0);
	mem_init(&vm->mem, cfg->mem_size);
	add_ram_slot(vm);              /* 1. memory slots */
	set_tss_and_identity_map(vm);  /* 2. TSS and identity map */
	irq_create_chip(vm->fd, vm->split_irqchip);          /* 3. irqchip (after the slot: cheaper) */
	vm->irq = irq_setup_routes(vm->fd, vm->split_irqchip); /* 4. GSI routing table */
	create_userspace_ioapic(vm);   /*    split: irqlab's IOAPIC, delivering by MSI */
	enable_x2apic_api(vm);         /* 5. 32-bit APIC IDs, before any vCPU */
	create_vcpus(vm);              /* 6. vCPUs, each with its CPUID */
	coalesced_setup(vm->fd, &vm->coalesced, coalesced_ring_page(vm)); /* COM1 writes without exits */
}

void vm_defer_teardown(struct vm *vm)
{
	int fds[2];
	pid_t pid;
	char c;

	fflush(NULL);
	if (pipe(fds) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		for (int fd = 0; fd <= 2; fd++)
			close(fd);
		while (read(fds[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0); /* the kernel closes the VM and vCPU fds: the teardown happens here */
	}
	close(fds[0]);
	if (pid < 0)
		close(fds[1]);
	/* the write end stays open until this process exits: then the child's read returns */
	vm->teardown_pipe = pid < 0 ? -1 : fds[1];
}

void vm_destroy(struct vm *vm)
{
	for (int i = 0; vm->vcpus && i < vm->ncpus; i++)
		vcpu_destroy(&vm->vcpus[i]);
	free(vm->vcpus);
	vm->vcpus = NULL;
	irq_free(vm->irq);
	vm->irq = NULL;
	free(vm->ioapic);
	vm->ioapic = NULL;
	if (vm->fd > 0)
		close(vm->fd);
	mem_free(&vm->mem);
	kvm_close(&vm->kvm);
}
