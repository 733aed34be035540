// SPDX-License-Identifier: MIT
/* The guest kernel's entry from boot/entry64.asm: an explicit init sequence, then the suites. */
#include <abi/layout.h>
#include <abi/pvport.h>

#include "apic.h"
#include "cpu.h"
#include "idt.h"
#include "percpu.h"
#include "platform.h"
#include "pv.h"
#include "smp.h"
#include "test.h"
#include "tsc.h"

void kmain(struct pv_boot *boot);

/* The 8259s stay wired to GSIs 0-15 and the BSP's LINT0 is ExtINT: mask them all. */
static void pic_mask(void)
{
	outb(PORT_PIC1_DATA, 0xFF);
	outb(PORT_PIC2_DATA, 0xFF);
}

/* RDI from the host; 0 (or garbage) without irqlab boot parameters, as after the multiboot
 * entry: then the platform says what the machine is (fw_cfg or ACPI, guest/platform.c). */
static const struct pv_boot *boot_params(const struct pv_boot *boot)
{
	if (!boot || boot->magic != PV_BOOT_MAGIC || boot->version != PV_VERSION)
		return platform_boot_params();
	return boot;
}

void kmain(struct pv_boot *raw)
{
	const struct pv_boot *boot = boot_params(raw);

	pic_mask();          // 8259 PIC: all lines masked
	idt_init();          // 256 gates to boot/isr.asm, lidt
	percpu_init();       // GS base -> this CPU's struct percpu
	apic_init();         // xAPIC/x2APIC ops, SVR software enable
	tsc_init(boot);      // TSC rate
	pv_init(boot);       // irqlab port or KTAP on COM1
	smp_init(boot);      // AP trampoline at LAYOUT_TRAMPOLINE; APs start on demand (smp_boot)
	test_run_all(boot);  // suites, then PV_DONE
}
