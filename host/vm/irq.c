/* SPDX-License-Identifier: MIT */
#include "irq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <x86/msi.h>

#include "kvm.h"
#include "util.h"

#define MSI_DATA_DM(d)   (((d) >> MSI_DATA_DM_SHIFT) & MSI_DATA_DM_MASK)

void irq_create_chip(int vm_fd, bool split)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_SPLIT_IRQCHIP,
		.args[0] = IRQ_IOAPIC_PINS, /* routes reserved for the userspace IOAPIC */
	};

	if (split)
		kvm_ioctl(vm_fd, KVM_ENABLE_CAP, &cap);
	else
		kvm_ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0);
}

/* The table's entries (a flexible array gcc would otherwise size as zero). */
static struct kvm_irq_routing_entry *entries(struct irq_routes *r)
{
	return (struct kvm_irq_routing_entry *)((char *)r->table + sizeof(*r->table));
}

static struct kvm_irq_routing_entry *route_slot(struct irq_routes *r, uint32_t gsi, uint32_t type)
{
	struct kvm_irq_routing_entry *e = entries(r);

	for (uint32_t i = 0; i < r->table->nr; i++)
		if (e[i].gsi == gsi && e[i].type == type)
			return &e[i];
	if (r->table->nr == IRQ_MAX_ROUTES)
		return NULL;
	return &e[r->table->nr++];
}

static void add_chip_route(struct irq_routes *r, uint32_t gsi, uint32_t chip, uint32_t pin)
{
	struct kvm_irq_routing_entry *e = route_slot(r, gsi, KVM_IRQ_ROUTING_IRQCHIP);

	memset(e, 0, sizeof(*e));
	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_IRQCHIP;
	e->u.irqchip.irqchip = chip;
	e->u.irqchip.pin = pin;
}

/* GSI n is IOAPIC pin n; GSI 0-15 also reach the 8259s (masked by the guest, docs/kvm-pvm.md).
 * Split mode starts empty: the userspace IOAPIC adds MSI routes for its pins. */
struct irq_routes *irq_setup_routes(int vm_fd, bool split)
{
	struct irq_routes *r = xcalloc(1, sizeof(*r));

	r->vm_fd = vm_fd;
	pthread_mutex_init(&r->lock, NULL);
	r->table = xcalloc(1, sizeof(*r->table) + IRQ_MAX_ROUTES * sizeof(r->table->entries[0]));
	for (int i = 0; i < PV_GSI_MAX; i++)
		r->irqfd[i] = -1;
	if (!split) {
		for (uint32_t gsi = 0; gsi < IRQ_PIC_PINS; gsi++)
			add_chip_route(r, gsi, gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE, gsi % 8);
		for (uint32_t gsi = 0; gsi < IRQ_IOAPIC_PINS; gsi++)
			add_chip_route(r, gsi, KVM_IRQCHIP_IOAPIC, gsi);
	}
	kvm_ioctl(vm_fd, KVM_SET_GSI_ROUTING, r->table);
	return r;
}

void irq_free(struct irq_routes *r)
{
	if (!r)
		return;
	for (int i = 0; i < PV_GSI_MAX; i++)
		if (r->irqfd[i] >= 0)
			close(r->irqfd[i]);
	free(r->table);
	free(r);
}

/* SDM Vol. 3A 11.11: address 0xFEExxxxx (no upper half without x2APIC extended destinations);
 * delivery modes 3 and 6 are reserved. */
int irq_msi_check(uint64_t addr, uint32_t data, struct reason *why)
{
	if ((addr & ~0xFFFFFFFFull) || (addr & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE)
		return failf(why, -EINVAL, "MSI address is not 0xFEExxxxx");
	if (MSI_DATA_DM(data) == 3 || MSI_DATA_DM(data) == 6)
		return failf(why, -EINVAL, "MSI data has a reserved delivery mode");
	if (data & 0xFFFF0000u)
		return failf(why, -EINVAL, "MSI data has bits above 15 set");
	return 0;
}

int irq_set_msi_route(struct irq_routes *r, uint32_t gsi, uint64_t addr, uint32_t data)
{
	struct kvm_irq_routing_entry *e;
	int ret;

	if (!r)
		return -ENODEV;
	if (gsi >= PV_GSI_MAX)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	e = route_slot(r, gsi, KVM_IRQ_ROUTING_MSI);
	if (e) {
		memset(e, 0, sizeof(*e));
		e->gsi = gsi;
		e->type = KVM_IRQ_ROUTING_MSI;
		e->u.msi.address_lo = (uint32_t)addr;
		e->u.msi.address_hi = (uint32_t)(addr >> 32);
		e->u.msi.data = data;
	}
	ret = e ? __kvm_ioctl(r->vm_fd, KVM_SET_GSI_ROUTING, r->table) : -ENOSPC;
	pthread_mutex_unlock(&r->lock);
	return ret;
}

int irq_signal_msi(struct irq_routes *r, uint64_t addr, uint32_t data)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)addr, .address_hi = (uint32_t)(addr >> 32), .data = data,
	};

	return r ? __kvm_ioctl(r->vm_fd, KVM_SIGNAL_MSI, &msi) : -ENODEV;
}

int irq_line(struct irq_routes *r, uint32_t gsi, int level, int *status)
{
	struct kvm_irq_level line = { .irq = gsi, .level = (uint32_t)level };
	int ret = r ? __kvm_ioctl(r->vm_fd, KVM_IRQ_LINE_STATUS, &line) : -ENODEV;

	*status = line.status;
	return ret;
}

int irq_irqfd_kick(struct irq_routes *r, uint32_t gsi)
{
	uint64_t one = 1;
	int fd, ret = 0;

	if (!r)
		return -ENODEV;
	if (gsi >= PV_GSI_MAX)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	fd = r->irqfd[gsi];
	if (fd < 0) {
		struct kvm_irqfd req = { .gsi = gsi };

		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		req.fd = (uint32_t)fd;
		ret = fd < 0 ? -errno : __kvm_ioctl(r->vm_fd, KVM_IRQFD, &req);
		if (ret < 0 && fd >= 0)
			close(fd);
		r->irqfd[gsi] = ret < 0 ? -1 : fd;
	}
	pthread_mutex_unlock(&r->lock);
	if (ret < 0)
		return ret;
	return write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}
