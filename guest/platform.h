/* SPDX-License-Identifier: MIT */
/*
 * The machine, when no irqlab host described it. irqlab passes a struct pv_boot in RDI; the
 * multiboot entry (QEMU -kernel, GRUB, `irqlab boot`) passes 0, and then the kernel asks the
 * platform: QEMU's fw_cfg, else the ACPI MADT found by the legacy BIOS scan. The UEFI loader
 * (guest/efi/) reads the MADT through the EFI configuration table with the same walker.
 */
#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

#include <stdint.h>

#include <abi/pvport.h>

struct platform_cpus {
	uint32_t ncpus;                 /* enabled processors */
	uint32_t max_cpus;              /* largest enabled APIC ID + 1 */
};

/*
 * Fill a struct pv_boot at LAYOUT_BOOT_PARAMS (where irqlab's host puts it) from what the
 * platform says and return it: ncpus/max_cpus/mem_bytes from fw_cfg (or the MADT; 1 CPU if
 * neither exists), tsc_khz from KVM's pvclock when KVM is underneath (0 otherwise: tsc.c
 * calibrates), mce_banks from MCG_CAP. Runs first in kmain: no IDT, no per-CPU data yet.
 */
const struct pv_boot *platform_boot_params(void);

/* MCG_CAP.Count when the CPU has machine-check architecture (CPUID.01H:EDX MCE and MCA), else 0. */
uint32_t platform_mce_banks(void);

/* Processors in the MADT under the RSDP at physical address `rsdp` (identity-mapped).
 * Returns 0, or -1 (out untouched) if a signature or checksum is wrong or there is no MADT. */
int acpi_madt_cpus(uint64_t rsdp, struct platform_cpus *out);

/* The RSDP by the legacy BIOS search (ACPI 6.5 5.2.5.1): the EBDA's first KiB, then
 * 0xE0000-0xFFFFF on 16-byte boundaries. 0 if absent (UEFI machines: use the config table). */
uint64_t acpi_find_rsdp_bios(void);

#endif
