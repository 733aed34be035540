/* SPDX-License-Identifier: MIT */
#include "ioapic.h"

#include <errno.h>
#include <string.h>

#include <x86/msi.h>

#define REG_RTE_BASE IOAPIC_REDTBL(0)

void ioapic_init(struct ioapic *io, const struct ioapic_ops *ops)
{
	memset(io, 0, sizeof(*io));
	pthread_mutex_init(&io->lock, NULL);
	io->ops = *ops;
	for (int i = 0; i < IOAPIC_PINS; i++)
		io->rte[i] = IOAPIC_RTE_MASKED; /* reset state: all masked */
}

/* SDM Vol. 3A 11.11: the MSI form of an interrupt message. */
void ioapic_rte_msi(uint64_t rte, uint64_t *addr, uint32_t *data)
{
	uint32_t dm = (uint32_t)(rte >> IOAPIC_RTE_DM_SHIFT) & 7;
	bool level = rte & IOAPIC_RTE_LEVEL;

	*addr = MSI_ADDR_BASE | ((rte >> IOAPIC_RTE_DEST_SHIFT) & MSI_ADDR_DEST_MASK) << MSI_ADDR_DEST_SHIFT |
		(rte & IOAPIC_RTE_DEST_LOGICAL ? MSI_ADDR_DM_LOGICAL : 0) | (dm == 1 ? MSI_ADDR_RH : 0);
	*data = (uint32_t)(rte & IOAPIC_RTE_VECTOR) | dm << MSI_DATA_DM_SHIFT |
		(level ? MSI_DATA_TRIGGER_LEVEL | MSI_DATA_LEVEL_ASSERT : 0);
}

/* Deliver pin's interrupt if the entry allows it now; the lock is held. */
static int service(struct ioapic *io, unsigned pin)
{
	uint64_t *rte = &io->rte[pin], addr;
	uint32_t data;
	int r;

	if (*rte & IOAPIC_RTE_MASKED)
		return 0;
	if ((*rte & IOAPIC_RTE_LEVEL) && (*rte & IOAPIC_RTE_REMOTE_IRR))
		return 0;
	ioapic_rte_msi(*rte, &addr, &data);
	r = io->ops.deliver(io->ops.opaque, addr, data);
	if (r < 0)
		return r;
	if (*rte & IOAPIC_RTE_LEVEL)
		*rte |= IOAPIC_RTE_REMOTE_IRR;
	io->delivered[pin]++;
	return 1;
}

static uint32_t read_reg(struct ioapic *io)
{
	uint32_t reg = io->select & 0xFF;

	if (reg == IOAPIC_ID || reg == IOAPIC_ARB)
		return io->id << 24;
	if (reg == IOAPIC_VER)
		return (IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION;
	if (reg >= REG_RTE_BASE && reg < REG_RTE_BASE + 2 * IOAPIC_PINS) {
		uint64_t rte = io->rte[(reg - REG_RTE_BASE) / 2];

		return (uint32_t)(reg & 1 ? rte >> 32 : rte);
	}
	return 0xFFFFFFFFu;
}

static void write_rte(struct ioapic *io, unsigned pin, bool high, uint32_t val)
{
	uint64_t *rte = &io->rte[pin], addr;
	uint64_t keep = high ? 0xFFFFFFFFull : (*rte & IOAPIC_RTE_RO_BITS) | 0xFFFFFFFF00000000ull;
	uint64_t set = high ? (uint64_t)val << 32 : val & ~IOAPIC_RTE_RO_BITS;
	uint32_t data;

	*rte = (*rte & keep) | set;
	if (!(*rte & IOAPIC_RTE_LEVEL))
		*rte &= ~IOAPIC_RTE_REMOTE_IRR;
	ioapic_rte_msi(*rte, &addr, &data);
	io->ops.route(io->ops.opaque, pin, addr, data);
	if ((io->lines & (1u << pin)) && (*rte & IOAPIC_RTE_LEVEL))
		service(io, pin); /* unmasking an asserted level line delivers it */
}

static void write_reg(struct ioapic *io, uint32_t val)
{
	uint32_t reg = io->select & 0xFF;

	if (reg == IOAPIC_ID)
		io->id = (val >> 24) & 0xF;
	else if (reg >= REG_RTE_BASE && reg < REG_RTE_BASE + 2 * IOAPIC_PINS)
		write_rte(io, (reg - REG_RTE_BASE) / 2, reg & 1, val);
}

void ioapic_mmio(struct ioapic *io, uint64_t offset, bool is_write, uint32_t *val)
{
	pthread_mutex_lock(&io->lock);
	if (offset == IOAPIC_REG_SELECT) {
		if (is_write)
			io->select = *val;
		else
			*val = io->select;
	} else if (offset == IOAPIC_REG_WINDOW) {
		if (is_write)
			write_reg(io, *val);
		else
			*val = read_reg(io);
	} else if (!is_write) {
		*val = 0xFFFFFFFFu;
	}
	pthread_mutex_unlock(&io->lock);
}

int ioapic_set_irq(struct ioapic *io, unsigned pin, int level)
{
	uint32_t bit;
	bool was = false;
	int r = 0;

	if (pin >= IOAPIC_PINS)
		return -EINVAL;
	bit = 1u << pin; /* only now: a shift by 32 or more is undefined */
	pthread_mutex_lock(&io->lock);
	was = io->lines & bit;
	io->lines = level ? io->lines | bit : io->lines & ~bit;
	if (level && (io->rte[pin] & IOAPIC_RTE_LEVEL || !was))
		r = service(io, pin); /* edge: rising edges only; level: while asserted */
	pthread_mutex_unlock(&io->lock);
	return r;
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	pthread_mutex_lock(&io->lock);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t *rte = &io->rte[pin];

		if ((*rte & IOAPIC_RTE_VECTOR) != vector || !(*rte & IOAPIC_RTE_REMOTE_IRR))
			continue;
		*rte &= ~IOAPIC_RTE_REMOTE_IRR;
		if (io->lines & (1u << pin))
			service(io, pin);
	}
	pthread_mutex_unlock(&io->lock);
}
