/* SPDX-License-Identifier: MIT */
/* Interrupt controllers and GSI routing: the in-kernel irqchip (or split: LAPIC in the kernel,
 * PIC/IOAPIC in userspace), the routing table irqlab keeps and installs, MSIs, IRQ lines and
 * irqfds — everything the guest can ask the host to raise. */
#ifndef IRQLAB_HOST_IRQ_H
#define IRQLAB_HOST_IRQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "abi/pvport.h"
#include "util.h"

#define IRQ_IOAPIC_PINS  PV_GSI_IOAPIC_PINS
#define IRQ_PIC_PINS     16
#define IRQ_MAX_ROUTES   (IRQ_PIC_PINS + PV_GSI_MAX)

/* Everything here works on the VM's fd: irq knows nothing of struct vm (vm.c owns this). */
struct irq_routes {
	int vm_fd;
	pthread_mutex_t lock;
	struct kvm_irq_routing *table;  /* what KVM has, kept here to add entries */
	int irqfd[PV_GSI_MAX];          /* eventfd bound to GSI n, or -1 */
};

/* Create the irqchip (must follow the memory slot and precede the vCPUs). */
void irq_create_chip(int vm_fd, bool split);

/* Install the default GSI routes: kernel mode maps GSI n to PIC/IOAPIC pin n. */
struct irq_routes *irq_setup_routes(int vm_fd, bool split);
void irq_free(struct irq_routes *r);

/* 0 if `addr`/`data` form an MSI the guest may send, else -EINVAL and why not. */
int irq_msi_check(uint64_t addr, uint32_t data, struct reason *why);

/* Install or replace GSI `gsi`'s route with an MSI; 0 or -errno. */
int irq_set_msi_route(struct irq_routes *r, uint32_t gsi, uint64_t addr, uint32_t data);

/* KVM_SIGNAL_MSI: >0 delivered, 0 blocked, <0 -errno. */
int irq_signal_msi(struct irq_routes *r, uint64_t addr, uint32_t data);

/* Set GSI `gsi` to `level` (KVM_IRQ_LINE_STATUS); *status gets KVM's answer. 0 or -errno. */
int irq_line(struct irq_routes *r, uint32_t gsi, int level, int *status);

/* One eventfd write on the irqfd bound to `gsi` (bound on first use). 0 or -errno. */
int irq_irqfd_kick(struct irq_routes *r, uint32_t gsi);

#endif
