/* SPDX-License-Identifier: MIT */
/* ACPI 1.0 tables for multiboot kernels, as a PC BIOS leaves them: an RSDP in the BIOS area
 * (LAYOUT_ACPI_RSDP) pointing at an RSDT, which lists a FADT (its PM1a event and control blocks
 * and PM_TMR_BLK are irqlab's PM1 device and PM timer ports, its FIRMWARE_CTRL the FACS at
 * LAYOUT_ACPI_FACS, whose waking vector an S3 resume jumps to, its DSDT an empty one) and a MADT
 * (one enabled local APIC per vCPU, APIC IDs 0..N-1, and the IOAPIC). Layouts: ACPI 1.0b,
 * sections 5.2.4 to 5.2.10. */
#ifndef IRQLAB_HOST_ACPI_H
#define IRQLAB_HOST_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "util.h"

struct __attribute__((packed)) acpi_rsdp {       /* 5.2.4, revision 0: 20 bytes */
	char signature[8];                         /* "RSD PTR " */
	uint8_t checksum;                          /* the 20 bytes sum to 0 */
	char oem_id[6];
	uint8_t revision;                          /* 0: ACPI 1.0 */
	uint32_t rsdt;
};

struct __attribute__((packed)) acpi_header {     /* 5.2.5 */
	char signature[4];
	uint32_t length;                           /* of the whole table */
	uint8_t revision, checksum;                /* the whole table sums to 0 */
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
};

struct __attribute__((packed)) acpi_fadt {       /* 5.2.8, revision 1: 116 bytes */
	struct acpi_header h;
	uint32_t firmware_ctrl, dsdt;
	uint8_t int_model, reserved1;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, reserved2;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk, pm2_cnt_blk, pm_tmr_blk;
	uint32_t gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len, gpe0_blk_len, gpe1_blk_len, gpe1_base;
	uint8_t reserved3;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint8_t reserved4[3];
	uint32_t flags;
};

struct __attribute__((packed)) acpi_facs {       /* 5.2.9, ACPI 1.0: 64 bytes, no checksum */
	char signature[4];                         /* "FACS" */
	uint32_t length;
	uint32_t hardware_signature;               /* changes when the hardware does: never here */
	uint32_t firmware_waking_vector;           /* the OS writes it; S3 resumes there, real mode */
	uint32_t global_lock, flags;
	uint8_t reserved[40];
};

struct __attribute__((packed)) acpi_madt {       /* 5.2.10.4: then the entries */
	struct acpi_header h;
	uint32_t lapic_addr, flags;
};

#define ACPI_MADT_LAPIC      0                    /* 8 bytes: uid, APIC ID, flags */
#define ACPI_MADT_IOAPIC     1                    /* 12 bytes: ID, 0, address, GSI base */
#define ACPI_MADT_X2APIC     9                    /* 16 bytes (ACPI 4.0): for APIC IDs >= 255 */
#define ACPI_MADT_PCAT_COMPAT 1                   /* MADT flags: 8259s present */
#define ACPI_LAPIC_ENABLED   1
#define ACPI_FADT_WBINVD     (1u << 0)
#define ACPI_FADT_PROC_C1    (1u << 2)
#define ACPI_SCI_IRQ         9                    /* as QEMU's pc; no SCI is ever raised */

_Static_assert(sizeof(struct acpi_rsdp) == 20, "RSDP is 20 bytes");
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header is 36 bytes");
_Static_assert(sizeof(struct acpi_fadt) == 116, "FADT revision 1 is 116 bytes");
_Static_assert(__builtin_offsetof(struct acpi_fadt, pm_tmr_blk) == 76, "PM_TMR_BLK at offset 76");
_Static_assert(__builtin_offsetof(struct acpi_fadt, flags) == 112, "FADT flags at offset 112");
_Static_assert(__builtin_offsetof(struct acpi_fadt, pm1a_evt_blk) == 56, "PM1a_EVT_BLK at offset 56");
_Static_assert(__builtin_offsetof(struct acpi_fadt, pm1_evt_len) == 88, "PM1_EVT_LEN at offset 88");
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS is 64 bytes");
_Static_assert(__builtin_offsetof(struct acpi_facs, firmware_waking_vector) == 12, "waking vector at 12");

/* Write every table into guest RAM for `ncpus` vCPUs. Returns 0, or -ENOMEM with a one-line
 * reason in `why` when a table would leave guest RAM or its range. */
int acpi_write(struct guest_mem *mem, int ncpus, struct reason *why);

/* The byte sum of [p, p+len): 0 for a valid table. */
uint8_t acpi_sum(const void *p, size_t len);

#endif
