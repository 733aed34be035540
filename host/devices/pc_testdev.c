/* SPDX-License-Identifier: MIT */
#include "pc_testdev.h"

#include <string.h>
#include <sys/mman.h>

#include "ioapic.h"
#include "irq.h"
#include "mem.h"

void pc_testdev_init(struct pc_testdev *t, struct guest_mem *mem, struct ioapic *ioapic,
		     struct irq_routes *irq)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->mem = mem;
	t->ioapic = ioapic;
	t->irq = irq;
}

/* `size` bytes at byte `off` (0-3) of the register; bytes past its end are dropped. */
static void data_access(struct pc_testdev *t, unsigned off, bool is_write, int size, uint32_t *val)
{
	uint64_t mask = ((1ull << (size * 8)) - 1) << (off * 8);

	pthread_mutex_lock(&t->lock);
	if (is_write)
		t->data = (uint32_t)((t->data & ~mask) | (((uint64_t)*val << (off * 8)) & mask));
	else
		*val = (uint32_t)(((uint64_t)t->data & mask) >> (off * 8));
	pthread_mutex_unlock(&t->lock);
}

/* Remapping the page makes KVM drop its mapping of it (QEMU does the same). */
static void flush_page(struct pc_testdev *t, uint32_t gpa)
{
	uint64_t page = gpa & ~0xFFFull;
	void *hva = mem_ptr(t->mem, page, 4096);

	if (!hva)
		return;
	mprotect(hva, 4096, PROT_NONE);
	mprotect(hva, 4096, PROT_READ | PROT_WRITE);
}

static void set_line(struct pc_testdev *t, unsigned line, int level)
{
	int status;

	if (t->ioapic)
		ioapic_set_irq(t->ioapic, line, level);   /* --irqchip split: irqlab's IOAPIC */
	else
		irq_line(t->irq, line, level, &status);  /* the in-kernel PIC and IOAPIC */
}

void pc_testdev_pio(struct pc_testdev *t, uint16_t port, bool is_write, int size, uint32_t *val)
{
	if (port >= PC_TESTDEV_PORT_DATA && port < PC_TESTDEV_PORT_FLUSH) {
		data_access(t, port - PC_TESTDEV_PORT_DATA, is_write, size, val);
	} else if (port >= PC_TESTDEV_PORT_DATA_BYTE && port < PC_TESTDEV_PORT_DATA_BYTE + 4) {
		data_access(t, port - PC_TESTDEV_PORT_DATA_BYTE, is_write, size, val);
	} else if (port == PC_TESTDEV_PORT_FLUSH && is_write && size == 4) {
		flush_page(t, *val);
	} else if (port >= PC_TESTDEV_PORT_IRQ && port < PC_TESTDEV_PORT_IRQ + PC_TESTDEV_IRQ_LINES &&
		   is_write && size == 1) {
		set_line(t, port - PC_TESTDEV_PORT_IRQ, (*val & 0xFF) != 0);
	} else if (!is_write) {
		*val = 0xFFFFFFFFu;
	}
}

void pc_testdev_mmio(struct pc_testdev *t, uint64_t offset, bool is_write, uint8_t *data, uint32_t len)
{
	if (offset >= PC_TESTDEV_IOMEM_SIZE || len > PC_TESTDEV_IOMEM_SIZE - offset) {
		if (!is_write)
			memset(data, 0xFF, len);
		return;
	}
	pthread_mutex_lock(&t->lock);
	if (is_write)
		memcpy(&t->iomem[offset], data, len);
	else
		memcpy(data, &t->iomem[offset], len);
	pthread_mutex_unlock(&t->lock);
}
