/* SPDX-License-Identifier: MIT */
/* The local APIC in xAPIC (MMIO) or x2APIC (MSR) mode behind one ops table, as kvm-unit-tests'
 * lib/x86/apic.c does. Register offsets are xAPIC ones (include/x86/apic.h) in both modes. */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#include <stdint.h>
#include <x86/apic.h>

#include "percpu.h"
#include "trace.h"

struct apic_ops {
	const char *name;
	uint32_t (*read)(uint32_t reg);
	void (*write)(uint32_t reg, uint32_t val);
	void (*icr_write)(uint32_t val, uint32_t dest); /* dest: APIC ID (ignored with a shorthand) */
	uint32_t (*id)(void);
};

static inline uint32_t apic_read(uint32_t reg) { return this_cpu()->apic->read(reg); }
static inline void apic_write(uint32_t reg, uint32_t val) { this_cpu()->apic->write(reg, val); }
static inline void apic_icr_write(uint32_t val, uint32_t dest)
{
	trace_ev(PV_TR_ICR, (val & 0x7FF) | ((val >> 18) & 3) << 11 | dest << 16);
	this_cpu()->apic->icr_write(val, dest);
}
static inline uint32_t apic_id(void) { return this_cpu()->apic->id(); }

void apic_init(void);                 /* pick the ops for the current mode, software-enable */
uint64_t apic_init_mode(int x2apic);  /* APs: enter the mode, software-enable; old APIC base */
int apic_x2apic_supported(void);      /* CPUID.01H:ECX[21] */
int apic_x2apic_mode(void);           /* IA32_APIC_BASE.EXTD */
int apic_enable_x2apic(void);         /* xAPIC -> x2APIC; -1 if not supported */
void apic_reset_xapic(void);          /* any mode -> disabled -> xAPIC, software-enabled */
void apic_sw_enable(void);            /* SVR: enabled, spurious vector 0xFF */
void apic_eoi(void);
void apic_use_mode_ops(void);         /* re-read IA32_APIC_BASE after raw MSR writes */

/* IRR/ISR/TMR bit of a vector: 8 registers of 32 bits, 0x10 apart (SDM Vol. 3A 11.8.4). */
static inline int apic_vec_bit(uint32_t base_reg, uint8_t vec)
{
	return (apic_read(base_reg + (vec >> 5) * 0x10) >> (vec & 31)) & 1;
}

#endif
