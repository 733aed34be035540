// SPDX-License-Identifier: MIT
/*
 * The machine-facing half of irqlab-guest.efi (loader.h): after ExitBootServices, put the
 * machine in the state irqlab's host gives the kernel (docs/memory-map.md, "How the host enters the
 * guest", host/image/boot64.c): kernel at its physical addresses, struct pv_boot at
 * LAYOUT_BOOT_PARAMS, GDT at LAYOUT_GDT, 2 MiB identity map of 0-4 GiB at LAYOUT_PML4 with the
 * MMIO hole uncached, PIC masked, local APIC as after reset. No firmware call from here on.
 */
#include <abi/boot_tables.h>
#include <abi/layout.h>
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/msr.h>

#include "cpu.h"
#include "lib.h"
#include "loader.h"
#include "platform.h"

#define CPUID_EXT_NX   BIT(20)               /* CPUID.80000001H:EDX */

void machine_load_kernel(const struct kernel *k)
{
	for (int i = 0; i < k->nseg; i++) {
		const struct kernel_seg *s = &k->seg[i];
		uint8_t *dst = (uint8_t *)(uintptr_t)s->paddr;

		memcpy(dst, s->data, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);	/* bss: the host zeroes it too */
	}
}

void machine_write_boot_params(const struct platform_cpus *cpus, uint64_t mem_bytes)
{
	struct pv_boot *b = (struct pv_boot *)(uintptr_t)LAYOUT_BOOT_PARAMS;

	memset((void *)(uintptr_t)LAYOUT_BOOT_PARAMS, 0, 4096);
	*b = (struct pv_boot){
		.magic = PV_BOOT_MAGIC, .version = PV_VERSION, .ncpus = (uint16_t)cpus->ncpus,
		.tsc_khz = 0,	/* unknown: the kernel calibrates against the PIT */
		.mem_bytes = mem_bytes, .max_cpus = cpus->max_cpus, .mce_banks = platform_mce_banks(),
	};
}

void machine_write_tables(void)
{
	uint64_t *gdt = (uint64_t *)(uintptr_t)LAYOUT_GDT;
	uint64_t *pml4 = (uint64_t *)(uintptr_t)LAYOUT_PML4;
	uint64_t *pdpt = (uint64_t *)(uintptr_t)LAYOUT_PDPT;
	uint64_t *pd = (uint64_t *)(uintptr_t)LAYOUT_PD;

	boot_tables_gdt(gdt);
	memset(pml4, 0, LAYOUT_PD - LAYOUT_PML4);
	boot_tables_identity(pml4, pdpt, pd);
}

/* Our identity map from here on: what firmware memory the kernel reuses may hold its tables. */
void machine_use_tables(void)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"((uint64_t)LAYOUT_PML4) : "memory");
}

/* The firmware may have left the APIC in x2APIC mode (and may have locked it there): keep the
 * mode, the kernel's apic_init() handles both. */
static int x2apic;

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(APIC_X2APIC_MSR(reg));
	return *(volatile uint32_t *)(uintptr_t)(LAYOUT_LAPIC_BASE + reg);
}

static void lapic_write(uint32_t reg, uint32_t val)
{
	if (x2apic)
		wrmsr(APIC_X2APIC_MSR(reg), val);
	else
		*(volatile uint32_t *)(uintptr_t)(LAYOUT_LAPIC_BASE + reg) = val;
}

/* Every LVT the APIC has (LVR's max LVT entry: 4 = perf counter, 5 = thermal, 6 = CMCI). */
static void lapic_mask_lvts(void)
{
	uint32_t max = (lapic_read(APIC_LVR) >> APIC_LVR_MAXLVT_SHIFT) & 0xFF;

	lapic_write(APIC_LVTT, APIC_LVT_MASKED);
	lapic_write(APIC_TMICT, 0);
	lapic_write(APIC_LVT0, APIC_LVT_MASKED);
	lapic_write(APIC_LVT1, APIC_LVT_MASKED);
	lapic_write(APIC_LVTERR, APIC_LVT_MASKED);
	if (max >= 4)
		lapic_write(APIC_LVTPC, APIC_LVT_MASKED);
	if (max >= 5)
		lapic_write(APIC_LVTTHMR, APIC_LVT_MASKED);
	if (max >= 6)
		lapic_write(0x2F0, APIC_LVT_MASKED);	/* LVT CMCI (SDM Vol. 3A 11.5.1) */
}

/* 32..255 to drain_stub, exceptions to halt_stub; gates use the firmware's CS, still loaded. */
static void drain(void)
{
	static uint64_t idt[256 * 2] __attribute__((aligned(16)));
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr = { sizeof(idt) - 1,
		(uintptr_t)idt };
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (int v = 0; v < 256; v++) {
		uint64_t a = v < 32 ? (uintptr_t)halt_stub : (uintptr_t)drain_stub;

		idt[2 * v] = (a & 0xFFFF) | (uint64_t)cs << 16 | 0x8Eull << 40 | (a >> 16 & 0xFFFF) << 48;
		idt[2 * v + 1] = a >> 32;
	}
	drain_interrupts(&idtr);
}

static int lapic_in_service(void)
{
	for (uint32_t r = 0; r < 8; r++)
		if (lapic_read(APIC_ISR + r * 0x10))
			return 1;
	return 0;
}

/*
 * irqlab's kernel starts with IF = 0, the 8259s unmasked but idle, and its APIC software-
 * disabled with every LVT masked and nothing pending (docs/memory-map.md). The firmware's timer may
 * have left an interrupt requested or in service: mask every source, let whatever is already
 * in IRR arrive at a catch-all IDT that EOIs it (drain_interrupts), EOI anything still in
 * service, then software-disable. The LVTs are masked again after SVR[8] is cleared: QEMU 7.2
 * TCG does not set the masks itself (docs/platforms.md) though SDM Vol. 3A 11.4.7.2 says so.
 */
void machine_quiet_interrupts(void)
{
	uint64_t base = rdmsr(MSR_IA32_APICBASE);

	cli();
	outb(PORT_PIC1_DATA, 0xFF);
	outb(PORT_PIC2_DATA, 0xFF);
	if (!(base & MSR_IA32_APICBASE_ENABLE))
		return;		/* globally disabled: apic_init() enables it */
	x2apic = !!(base & MSR_IA32_APICBASE_EXTD);
	lapic_mask_lvts();
	lapic_write(APIC_TASKPRI, 0);
	drain();
	for (int i = 0; i < 256 && lapic_in_service(); i++)
		lapic_write(APIC_EOI, 0);
	lapic_write(APIC_SPIV, 0xFF);	/* SVR[8] = 0: software-disabled, spurious vector 0xFF */
	lapic_mask_lvts();
}

__attribute__((noreturn)) void machine_enter_kernel(uint64_t entry)
{
	uint64_t efer = rdmsr(MSR_EFER) | EFER_SCE;

	if (cpuid(0x80000000).eax >= 0x80000001 && (cpuid(0x80000001).edx & CPUID_EXT_NX))
		efer |= EFER_NX;
	handoff(entry, LAYOUT_BOOT_PARAMS, efer);
}
