/* SPDX-License-Identifier: MIT */
/*
 * Guest-physical memory map and I/O ports: the one source of truth for host and guest.
 * The nasm side gets the same numbers through the generated abi.inc (boot/gen-inc.py, run by
 * boot/meson.build; only `#define NAME 0x...` lines are exported).
 *
 * The guest runs identity-mapped: virtual == physical for everything below 4 GiB.
 */
#ifndef IRQLAB_ABI_LAYOUT_H
#define IRQLAB_ABI_LAYOUT_H

/* --- low memory, written by the host before the first KVM_RUN --------------------------- */
#define LAYOUT_BOOT_PARAMS      0x00001000 /* struct pv_boot: what the host tells the guest */
#define LAYOUT_GDT              0x00002000 /* host-built GDT (selectors below), reused by APs */
#define LAYOUT_TRAMPOLINE       0x00008000 /* AP real-mode entry: SIPI vector 0x08 */
#define LAYOUT_TRAMPOLINE_VEC   0x08       /* = LAYOUT_TRAMPOLINE >> 12 */
#define LAYOUT_MB_INFO          0x00009000 /* multiboot info block + memory map (as QEMU) */
#define LAYOUT_MB_INFO_END      0x0000A000
#define LAYOUT_PML4             0x00010000 /* host-built identity map: PML4 */
#define LAYOUT_PDPT             0x00011000 /*   one PDPT */
#define LAYOUT_PD               0x00012000 /*   four PDs of 2 MiB pages: 0..4 GiB */
#define LAYOUT_PT_END           0x00016000
#define LAYOUT_BOOT_STACK_TOP   0x00080000 /* BSP stack grows down from here (64 KiB) */
#define LAYOUT_BOOT_STACK_SIZE  0x00010000
#define LAYOUT_KERNEL_BASE      0x00100000 /* lowest address a guest image may load at */

/* --- ACPI 1.0 tables, multiboot kernels only (host/image/acpi.c) --------------------------------- */
#define LAYOUT_ACPI_TABLES      0x000E0000 /* RSDT, FADT, FACS, DSDT, MADT: ACPI-typed in the map */
#define LAYOUT_ACPI_TABLES_END  0x000F0000
#define LAYOUT_ACPI_FACS        LAYOUT_ACPI_TABLES /* the first table: a resume reads its waking vector */
#define LAYOUT_ACPI_RSDP        0x000F0000 /* first 16-byte slot kvm-unit-tests scans (0xF0000..) */
#define LAYOUT_BIOS_END         0x00100000 /* the spec's RSDP scan: 0xE0000..0xFFFFF */

/* --- RAM size limits (bytes) -------------------------------------------------------------- */
#define LAYOUT_MEM_MIN          0x00400000 /* 4 MiB */
#define LAYOUT_MEM_DEFAULT      0x04000000 /* 64 MiB */
#define LAYOUT_MEM_MAX          0xC0000000 /* 3 GiB: RAM stays below the MMIO hole */

/* --- the hole below 4 GiB ----------------------------------------------------------------- */
#define LAYOUT_IOAPIC_BASE      0xFEC00000
#define LAYOUT_LAPIC_BASE       0xFEE00000
#define LAYOUT_IDENTITY_MAP     0xFEFFC000 /* KVM_SET_IDENTITY_MAP_ADDR: one page (as QEMU) */
#define LAYOUT_TSS              0xFEFFD000 /* KVM_SET_TSS_ADDR: three pages (as QEMU) */

/* --- GDT selectors (entries the host writes at LAYOUT_GDT) -------------------------------- */
#define GDT_SEL_NULL            0x00
#define GDT_SEL_CODE64          0x08
#define GDT_SEL_DATA            0x10
#define GDT_SEL_CODE32          0x18 /* for the AP trampoline and the multiboot entry */
#define GDT_ENTRIES             4

/* --- I/O ports ---------------------------------------------------------------------------- */
#define PORT_PV                 0x0E10 /* irqlab paravirtual port: 32-bit out = message gpa */
#define PORT_PV_OFFCPU          0x0E14 /* irqlab: 32-bit in = the reading vCPU's off-CPU ns, mod 2^32 */
#define PORT_PV_TIMER_PROBE     0x0E18 /* irqlab: out 1/0 = probe host timers on/off; in = worst ns */
#define TIMER_PROBE_NOT_REALTIME 0x80000000u /* in PORT_PV_TIMER_PROBE's value: probe not real-time */
#define PORT_PIC1_DATA          0x0021
#define PORT_PIC2_DATA          0x00A1
#define PORT_DEBUG_EXIT         0x00F4 /* QEMU isa-debug-exit */
#define PORT_COM1               0x03F8
#define PORT_COM1_LAST          0x03FF
#define PORT_FW_CFG             0x0510
#define PORT_FW_CFG_LAST        0x0511
#define PORT_BOCHS_SHUTDOWN     0x8900 /* "Shutdown" written byte by byte powers off */
#define PORT_PCI_CONFIG         0x0CF8
#define PORT_PCI_CONFIG_LAST    0x0CFF
#define PORT_ACPI_PM1_EVT       0xB000 /* PM1a_EVT_BLK: PM1_STS, PM1_EN (PIIX4 PM base, as QEMU's pc) */
#define PORT_ACPI_PM1_CNT       0xB004 /* PM1a_CNT_BLK: PM1_CNT (SLP_TYP, SLP_EN) */
#define PORT_ACPI_PM1_LAST      0xB005 /* PM1_EVT_LEN = 4, PM1_CNT_LEN = 2 */
#define PORT_ACPI_PM_TMR        0xB008 /* ACPI PM timer, as QEMU's pc (PIIX4 PM base 0xB000 + 8) */
#define PORT_ACPI_PM_TMR_LAST   0xB00B /* PM_TMR_LEN = 4 */

/* Hyperlight's habit: prove at compile time that our port collides with no legacy device. */
#define LAYOUT_PORT_OUTSIDE(p, lo, hi) ((p) < (lo) || (p) > (hi))
_Static_assert(LAYOUT_PORT_OUTSIDE(PORT_PV, 0x0020, 0x0021), "PV port overlaps PIC1");
_Static_assert(LAYOUT_PORT_OUTSIDE(PORT_PV, 0x00A0, 0x00A1), "PV port overlaps PIC2");
_Static_assert(LAYOUT_PORT_OUTSIDE(PORT_PV, 0x0040, 0x0043), "PV port overlaps the PIT");
_Static_assert(LAYOUT_PORT_OUTSIDE(PORT_PV, PORT_DEBUG_EXIT, PORT_DEBUG_EXIT), "PV port is debug-exit");
_Static_assert(LAYOUT_PORT_OUTSIDE(PORT_PV, PORT_COM1, PORT_COM1_LAST), "PV port overlaps COM1");
_Static_assert(LAYOUT_PORT_OUTSIDE(PORT_PV, PORT_FW_CFG, PORT_FW_CFG_LAST), "PV port overlaps fw_cfg");
_Static_assert(LAYOUT_PORT_OUTSIDE(PORT_PV, PORT_PCI_CONFIG, PORT_PCI_CONFIG_LAST), "PV port overlaps PCI");
_Static_assert(PORT_PV != PORT_BOCHS_SHUTDOWN, "PV port is the shutdown port");
_Static_assert(PORT_PV_OFFCPU > PORT_PV && PORT_PV_TIMER_PROBE > PORT_PV_OFFCPU &&
	       PORT_PV_TIMER_PROBE < PORT_BOCHS_SHUTDOWN &&
	       LAYOUT_PORT_OUTSIDE(PORT_PV_OFFCPU, PORT_PCI_CONFIG, PORT_PCI_CONFIG_LAST) &&
	       LAYOUT_PORT_OUTSIDE(PORT_PV_TIMER_PROBE, PORT_PCI_CONFIG, PORT_PCI_CONFIG_LAST),
	       "irqlab's timing ports overlap a device");
#define LAYOUT_PM_TMR_OUTSIDE(lo, hi) \
	(PORT_ACPI_PM_TMR_LAST < (lo) || PORT_ACPI_PM_TMR > (hi))
_Static_assert(LAYOUT_PM_TMR_OUTSIDE(0x0020, 0x0021) && LAYOUT_PM_TMR_OUTSIDE(0x00A0, 0x00A1) &&
	       LAYOUT_PM_TMR_OUTSIDE(0x0040, 0x0043), "PM timer overlaps the PICs or the PIT");
_Static_assert(LAYOUT_PM_TMR_OUTSIDE(PORT_PV, PORT_PV) && LAYOUT_PM_TMR_OUTSIDE(PORT_DEBUG_EXIT, PORT_DEBUG_EXIT),
	       "PM timer overlaps the PV port or debug-exit");
_Static_assert(LAYOUT_PM_TMR_OUTSIDE(PORT_COM1, PORT_COM1_LAST) && LAYOUT_PM_TMR_OUTSIDE(PORT_FW_CFG, PORT_FW_CFG_LAST),
	       "PM timer overlaps COM1 or fw_cfg");
_Static_assert(LAYOUT_PM_TMR_OUTSIDE(PORT_PCI_CONFIG, PORT_PCI_CONFIG_LAST) &&
	       LAYOUT_PM_TMR_OUTSIDE(PORT_BOCHS_SHUTDOWN, PORT_BOCHS_SHUTDOWN), "PM timer overlaps PCI or shutdown");
_Static_assert(PORT_ACPI_PM1_LAST < PORT_ACPI_PM_TMR && PORT_ACPI_PM1_EVT > PORT_BOCHS_SHUTDOWN,
	       "PM1 blocks overlap the PM timer or the shutdown port");
_Static_assert(LAYOUT_ACPI_TABLES_END <= LAYOUT_ACPI_RSDP && LAYOUT_ACPI_TABLES >= 0xE0000 &&
	       LAYOUT_ACPI_RSDP % 16 == 0 && LAYOUT_ACPI_RSDP + 20 <= LAYOUT_BIOS_END, "RSDP in the BIOS area");
_Static_assert(LAYOUT_ACPI_TABLES >= LAYOUT_BOOT_STACK_TOP, "ACPI tables above the boot stack");
_Static_assert(LAYOUT_TRAMPOLINE >> 12 == LAYOUT_TRAMPOLINE_VEC, "SIPI vector must match the page");
_Static_assert(LAYOUT_MEM_MAX <= LAYOUT_IOAPIC_BASE, "RAM must stay below the MMIO hole");

#endif
