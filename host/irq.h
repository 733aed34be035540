/* SPDX-License-Identifier: MIT */
/* Interrupt controllers and GSI routing: the in-kernel irqchip (or split: LAPIC in the kernel,
 * PIC/IOAPIC in userspace) and the routing table irqlab installs. */
#ifndef IRQLAB_HOST_IRQ_H
#define IRQLAB_HOST_IRQ_H

#include "vm.h"

#define IRQ_IOAPIC_PINS  24
#define IRQ_PIC_PINS     16

/* Create the irqchip (must follow the memory slot and precede the vCPUs). */
void irq_create_chip(struct vm *vm);

/* Install the default GSI routes: kernel mode maps GSI n to PIC/IOAPIC pin n. */
void irq_setup_routes(struct vm *vm);

#endif
