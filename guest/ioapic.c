// SPDX-License-Identifier: MIT
/* I/O APIC register access through IOREGSEL/IOWIN (82093AA datasheet 3.1). The base is an
 * unsigned 32-bit constant: as a 64-bit immediate 0xFEC00000 would sign-extend (docs/kvm-pvm.md). */
#include <abi/layout.h>

#include "ioapic.h"

static inline volatile uint32_t *mmio(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(LAYOUT_IOAPIC_BASE + off);
}

uint32_t ioapic_read(uint32_t reg)
{
	*mmio(IOAPIC_REGSEL) = reg;
	return *mmio(IOAPIC_WINDOW);
}

void ioapic_write(uint32_t reg, uint32_t val)
{
	*mmio(IOAPIC_REGSEL) = reg;
	*mmio(IOAPIC_WINDOW) = val;
}

uint64_t ioapic_rte_read(unsigned pin)
{
	uint32_t lo = ioapic_read(IOAPIC_REDTBL(pin));

	return (uint64_t)ioapic_read(IOAPIC_REDTBL(pin) + 1) << 32 | lo;
}

void ioapic_rte_write(unsigned pin, uint64_t rte)
{
	ioapic_write(IOAPIC_REDTBL(pin) + 1, (uint32_t)(rte >> 32));
	ioapic_write(IOAPIC_REDTBL(pin), (uint32_t)rte);
}

void ioapic_mask(unsigned pin)
{
	uint32_t lo = ioapic_read(IOAPIC_REDTBL(pin));

	ioapic_write(IOAPIC_REDTBL(pin), lo | (uint32_t)IOAPIC_RTE_MASKED);
}

uint32_t ioapic_pins(void)
{
	return ((ioapic_read(IOAPIC_VER) >> IOAPIC_VER_MAXREDIR_SHIFT) & 0xFF) + 1;
}
