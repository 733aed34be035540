/* SPDX-License-Identifier: MIT */
/*
 * The IOAPIC irqlab provides with --irqchip split (KVM then keeps only the local APICs): an
 * 82093AA-style register file at LAYOUT_IOAPIC_BASE with 24 redirection entries that delivers
 * through MSIs, as real chipsets do. Level-triggered entries keep Remote IRR until the local
 * APIC's EOI for their vector (KVM_EXIT_IOAPIC_EOI). Delivery and route updates go through
 * callbacks, so unit tests can drive it without KVM.
 */
#ifndef IRQLAB_HOST_IOAPIC_H
#define IRQLAB_HOST_IOAPIC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <x86/ioapic.h>

#define IOAPIC_PINS         24
#define IOAPIC_VERSION      0x11
#define IOAPIC_REG_SELECT   0x00   /* MMIO offsets */
#define IOAPIC_REG_WINDOW   0x10
#define IOAPIC_MMIO_SIZE    0x1000

/* the redirection entry's read-only fields */
#define IOAPIC_RTE_RO_BITS      (IOAPIC_RTE_DELIVS | IOAPIC_RTE_REMOTE_IRR)

struct ioapic_ops {
	int (*deliver)(void *opaque, uint64_t addr, uint32_t data);        /* send an MSI */
	int (*route)(void *opaque, uint32_t pin, uint64_t addr, uint32_t data); /* mirror an RTE */
	void *opaque;
};

struct ioapic {
	pthread_mutex_t lock;
	struct ioapic_ops ops;
	uint32_t select, id;
	uint64_t rte[IOAPIC_PINS];
	uint32_t lines;                /* bit n: pin n is asserted */
	uint64_t delivered[IOAPIC_PINS];
};

void ioapic_init(struct ioapic *io, const struct ioapic_ops *ops);
/* A 32-bit access at `offset` in the IOAPIC's MMIO page. */
void ioapic_mmio(struct ioapic *io, uint64_t offset, bool is_write, uint32_t *val);
/* Drive pin `pin` to `level`; returns how many interrupts it delivered (0 or 1), <0 -errno. */
int ioapic_set_irq(struct ioapic *io, unsigned pin, int level);
/* The local APIC's EOI for `vector`: clear Remote IRR, redeliver a still-asserted level pin. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

/* The MSI an entry delivers as (address, data). */
void ioapic_rte_msi(uint64_t rte, uint64_t *addr, uint32_t *data);

#endif
