/* SPDX-License-Identifier: MIT */
#include "irq.h"

#include <stdlib.h>

#include "util.h"

void irq_create_chip(struct vm *vm)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_SPLIT_IRQCHIP,
		.args[0] = IRQ_IOAPIC_PINS, /* routes reserved for the userspace IOAPIC */
	};

	if (vm->split_irqchip)
		kvm_ioctl(vm->fd, KVM_ENABLE_CAP, &cap);
	else
		kvm_ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0);
}

static void add_route(struct kvm_irq_routing *r, uint32_t gsi, uint32_t chip, uint32_t pin)
{
	struct kvm_irq_routing_entry *e = &r->entries[r->nr++];

	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_IRQCHIP;
	e->u.irqchip.irqchip = chip;
	e->u.irqchip.pin = pin;
}

/* GSI n is IOAPIC pin n; GSI 0-15 also reach the 8259s (masked by the guest, platform.md).
 * Split mode starts empty: the userspace IOAPIC delivers through MSI routes. */
void irq_setup_routes(struct vm *vm)
{
	struct kvm_irq_routing *r;

	r = xcalloc(1, sizeof(*r) + (IRQ_PIC_PINS + IRQ_IOAPIC_PINS) * sizeof(r->entries[0]));
	if (!vm->split_irqchip) {
		for (uint32_t gsi = 0; gsi < IRQ_PIC_PINS; gsi++)
			add_route(r, gsi, gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE, gsi % 8);
		for (uint32_t gsi = 0; gsi < IRQ_IOAPIC_PINS; gsi++)
			add_route(r, gsi, KVM_IRQCHIP_IOAPIC, gsi);
	}
	kvm_ioctl(vm->fd, KVM_SET_GSI_ROUTING, r);
	free(r);
}
