// SPDX-License-Identifier: MIT
/* Local APIC access: xAPIC through MMIO at LAYOUT_LAPIC_BASE, x2APIC through MSRs 0x800+.
 * The base is an unsigned 32-bit constant: 0xFEE00000 as a 64-bit immediate would sign-extend. */
#include <abi/layout.h>
#include <x86/cpu.h>
#include <x86/msr.h>

#include "apic.h"
#include "cpu.h"
#include "pv.h"

#define SVR_ENABLED (APIC_SPIV_APIC_ENABLED | 0xFFu)
#define ICR_IDLE_POLLS 1000

static inline volatile uint32_t *xapic_reg(uint32_t reg)
{
	return (volatile uint32_t *)(uintptr_t)(LAYOUT_LAPIC_BASE + reg);
}

static uint32_t xapic_read(uint32_t reg) { return *xapic_reg(reg); }
static void xapic_write(uint32_t reg, uint32_t val) { *xapic_reg(reg) = val; }
static uint32_t xapic_id(void) { return xapic_read(APIC_ID) >> 24; }

/*
 * Wait for the previous IPI to leave (delivery status idle, SDM Vol. 3A 11.6.1) before reusing
 * the ICR, as Linux does in xAPIC mode; bounded, since a stuck bit must not hang the guest.
 */
static void xapic_icr_wait_idle(void)
{
	for (unsigned i = 0; i < ICR_IDLE_POLLS && (xapic_read(APIC_ICR) & APIC_ICR_BUSY); i++)
		pause();
}

/* ICR2 first: the write to the low half sends the IPI (SDM Vol. 3A 11.6.1). */
static void xapic_icr_write(uint32_t val, uint32_t dest)
{
	xapic_icr_wait_idle();
	xapic_write(APIC_ICR2, dest << APIC_ICR2_DEST_SHIFT);
	xapic_write(APIC_ICR, val);
}

static uint32_t x2apic_read(uint32_t reg) { return (uint32_t)rdmsr(APIC_X2APIC_MSR(reg)); }
static void x2apic_write(uint32_t reg, uint32_t val) { wrmsr(APIC_X2APIC_MSR(reg), val); }
static uint32_t x2apic_id(void) { return x2apic_read(APIC_ID); }

/* x2APIC: ICR is one 64-bit MSR, destination in bits 63:32 (SDM Vol. 3A 11.12.9). */
static void x2apic_icr_write(uint32_t val, uint32_t dest)
{
	wrmsr(APIC_X2APIC_MSR(APIC_ICR), (uint64_t)dest << 32 | val);
}

static const struct apic_ops xapic_ops = {
	"xAPIC", xapic_read, xapic_write, xapic_icr_write, xapic_id,
};
static const struct apic_ops x2apic_ops = {
	"x2APIC", x2apic_read, x2apic_write, x2apic_icr_write, x2apic_id,
};

int apic_x2apic_supported(void)
{
	return !!(cpuid(1).ecx & CPUID_1_ECX_X2APIC);
}

int apic_x2apic_mode(void)
{
	return !!(rdmsr(MSR_IA32_APICBASE) & MSR_IA32_APICBASE_EXTD);
}

void apic_use_mode_ops(void)
{
	this_cpu()->apic = apic_x2apic_mode() ? &x2apic_ops : &xapic_ops;
}

void apic_sw_enable(void)
{
	apic_write(APIC_SPIV, SVR_ENABLED);
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

void apic_init(void)
{
	uint64_t base = rdmsr(MSR_IA32_APICBASE);

	if ((base & MSR_IA32_APICBASE_BASE) != LAYOUT_LAPIC_BASE)
		pv_abort(__FILE_NAME__, __LINE__, "APIC base 0x%lx, expected 0x%x",
			 (uint64_t)(base & MSR_IA32_APICBASE_BASE), LAYOUT_LAPIC_BASE);
	if (!(base & MSR_IA32_APICBASE_ENABLE))
		wrmsr(MSR_IA32_APICBASE, base | MSR_IA32_APICBASE_ENABLE);
	this_cpu()->apic = (base & MSR_IA32_APICBASE_EXTD) ? &x2apic_ops : &xapic_ops;
	apic_sw_enable();	/* LVTs stay masked and TPR 0 as after reset */
}

/*
 * An AP's setup, cheap on purpose (every AP runs it at bring-up): one RDMSR, a WRMSR only if the
 * mode changes, the SVR write. INIT keeps EN and the mode (SDM Vol. 3A 11.12.5.1); x2APIC ->
 * xAPIC has to pass through disabled. Returns IA32_APIC_BASE as found.
 */
uint64_t apic_init_mode(int x2apic)
{
	uint64_t base = rdmsr(MSR_IA32_APICBASE);
	uint64_t off = base & ~(uint64_t)(MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_EXTD);
	uint64_t want = off | MSR_IA32_APICBASE_ENABLE | (x2apic ? MSR_IA32_APICBASE_EXTD : 0);
	const struct apic_ops *ops = x2apic ? &x2apic_ops : &xapic_ops;

	if ((base & MSR_IA32_APICBASE_EXTD) && !x2apic)
		wrmsr(MSR_IA32_APICBASE, off);
	if (want != base)
		wrmsr(MSR_IA32_APICBASE, want);
	this_cpu()->apic = ops;
	ops->write(APIC_SPIV, SVR_ENABLED);
	return base;
}

/* xAPIC -> x2APIC is a legal transition (SDM Vol. 3A 11.12.5). */
int apic_enable_x2apic(void)
{
	uint64_t base;

	if (!apic_x2apic_supported())
		return -1;
	base = rdmsr(MSR_IA32_APICBASE);
	if (!(base & MSR_IA32_APICBASE_EXTD))
		wrmsr(MSR_IA32_APICBASE, base | MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_EXTD);
	this_cpu()->apic = &x2apic_ops;
	return 0;
}

/*
 * x2APIC -> xAPIC must pass through disabled (EN=0, EXTD=0), which may reset the APIC
 * (SDM Vol. 3A 11.4.3, 11.12.5): keep SVR-independent state the rest of the guest relies on
 * (LINT0/LINT1/error LVTs, TPR) and software-enable again.
 */
void apic_reset_xapic(void)
{
	uint64_t base = rdmsr(MSR_IA32_APICBASE);
	uint64_t off = base & ~(uint64_t)(MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_EXTD);
	uint32_t lvt0 = apic_read(APIC_LVT0), lvt1 = apic_read(APIC_LVT1);
	uint32_t lvterr = apic_read(APIC_LVTERR), tpr = apic_read(APIC_TASKPRI);

	wrmsr(MSR_IA32_APICBASE, off);
	wrmsr(MSR_IA32_APICBASE, off | MSR_IA32_APICBASE_ENABLE);
	this_cpu()->apic = &xapic_ops;
	apic_sw_enable();
	xapic_write(APIC_LVT0, lvt0);
	xapic_write(APIC_LVT1, lvt1);
	xapic_write(APIC_LVTERR, lvterr);
	xapic_write(APIC_TASKPRI, tpr);
}
