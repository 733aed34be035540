/* SPDX-License-Identifier: MIT */
#include "acpi.h"

#include <errno.h>
#include <string.h>

#include "abi/layout.h"
#include "util.h"

#define MADT_LEN(n)  (sizeof(struct acpi_madt) + madt_lapics_len(n) + 12)

/* Tables are placed one after another from LAYOUT_ACPI_TABLES, each 64-byte aligned. */
struct acpi_cursor {
	struct guest_mem *mem;
	uint64_t at;
};

uint8_t acpi_sum(const void *p, size_t len)
{
	uint8_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += ((const uint8_t *)p)[i];
	return s;
}

/* `len` zeroed bytes of guest RAM inside the ACPI range, or NULL; *gpa is their address. */
static void *alloc(struct acpi_cursor *c, size_t len, uint32_t *gpa)
{
	uint64_t at = c->at;
	void *p = at + len <= LAYOUT_ACPI_TABLES_END ? mem_ptr(c->mem, at, len) : NULL;

	if (!p)
		return NULL;
	memset(p, 0, len);
	*gpa = (uint32_t)at;
	c->at = (at + len + 63) & ~63ull;
	return p;
}

static void header(struct acpi_header *h, const char *sig, size_t len, uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = (uint32_t)len;
	h->revision = rev;
	memcpy(h->oem_id, "IRQLAB", 6);
	memcpy(h->oem_table_id, "IRQLAB  ", 8);
	memcpy(h->oem_table_id + 6, sig, 2);     /* "IRQLABFA", "IRQLABAP", ... */
	h->oem_revision = 1;
	memcpy(h->creator_id, "IRQL", 4);
	h->creator_revision = 1;
}

/* The last step for every table: the checksum byte makes the whole table sum to 0. */
static void seal(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = (uint8_t)-acpi_sum(h, h->length);
}

/* APIC IDs 0..254 as local APIC entries; 255 is the xAPIC broadcast ID, so from there on
 * x2APIC entries (ACPI 4.0 5.2.12.12), as QEMU does. */
static size_t madt_lapics_len(int ncpus)
{
	return ncpus <= 255 ? 8u * (size_t)ncpus : 8u * 255 + 16u * (size_t)(ncpus - 255);
}

static uint8_t *madt_cpu(uint8_t *e, uint32_t id)
{
	if (id < 255) {
		e[0] = ACPI_MADT_LAPIC, e[1] = 8, e[2] = (uint8_t)id, e[3] = (uint8_t)id;
		e[4] = ACPI_LAPIC_ENABLED;
		return e + 8;
	}
	e[0] = ACPI_MADT_X2APIC, e[1] = 16;
	memcpy(e + 4, &id, 4);                   /* x2APIC ID */
	e[8] = ACPI_LAPIC_ENABLED;
	memcpy(e + 12, &id, 4);                  /* ACPI processor UID */
	return e + 16;
}

/* One enabled local APIC per vCPU, then the IOAPIC (ID 0, GSI base 0). irqlab wires GSI n to
 * IOAPIC pin n, ISA IRQ 0 included, so there is no interrupt source override. */
static int write_madt(struct acpi_cursor *c, int ncpus, uint32_t *gpa)
{
	struct acpi_madt *m = alloc(c, MADT_LEN(ncpus), gpa);
	uint32_t ioapic = LAYOUT_IOAPIC_BASE;
	uint8_t *e;

	if (!m)
		return -1;
	header(&m->h, "APIC", MADT_LEN(ncpus), 1);
	m->lapic_addr = LAYOUT_LAPIC_BASE;
	m->flags = ACPI_MADT_PCAT_COMPAT;
	e = (uint8_t *)(m + 1);
	for (int i = 0; i < ncpus; i++)
		e = madt_cpu(e, (uint32_t)i);
	e[0] = ACPI_MADT_IOAPIC, e[1] = 12, e[2] = 0;
	memcpy(e + 4, &ioapic, 4);               /* GSI base (e + 8) stays 0 */
	seal(&m->h);
	return 0;
}

/* The FACS comes first, at LAYOUT_ACPI_FACS (64-byte aligned), where a resume finds its waking
 * vector. The PM1a blocks and the PM timer are real (QEMU pc's PIIX4 addresses); no SMI command
 * port (ACPI mode is fixed), C2/C3 unsupported (latencies > 100 and > 1000 us, 5.2.8).
 * TMR_VAL_EXT clear: 24 bits. */
static int write_fadt(struct acpi_cursor *c, uint32_t *gpa)
{
	struct acpi_header *dsdt;
	uint32_t facs_gpa, dsdt_gpa;
	struct acpi_facs *facs;
	struct acpi_fadt *f;

	if (!(facs = alloc(c, sizeof(*facs), &facs_gpa)) || facs_gpa != LAYOUT_ACPI_FACS ||
	    !(dsdt = alloc(c, sizeof(*dsdt), &dsdt_gpa)) || !(f = alloc(c, sizeof(*f), gpa)))
		return -1;
	memcpy(facs->signature, "FACS", 4);
	facs->length = sizeof(*facs);            /* waking vector 0: no resume until the OS sets one */
	header(dsdt, "DSDT", sizeof(*dsdt), 1);  /* an empty definition block: no AML */
	seal(dsdt);
	header(&f->h, "FACP", sizeof(*f), 1);
	f->firmware_ctrl = facs_gpa;
	f->dsdt = dsdt_gpa;
	f->sci_int = ACPI_SCI_IRQ;
	f->pm1a_evt_blk = PORT_ACPI_PM1_EVT;
	f->pm1_evt_len = 4;
	f->pm1a_cnt_blk = PORT_ACPI_PM1_CNT;
	f->pm1_cnt_len = 2;
	f->pm_tmr_blk = PORT_ACPI_PM_TMR;
	f->pm_tmr_len = 4;
	f->p_lvl2_lat = 0x0FFF;
	f->p_lvl3_lat = 0x0FFF;
	f->flags = ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1;
	seal(&f->h);
	return 0;
}

int acpi_write(struct guest_mem *mem, int ncpus, struct reason *why)
{
	struct acpi_cursor c = { mem, LAYOUT_ACPI_TABLES };
	struct acpi_rsdp *rsdp = mem_ptr(mem, LAYOUT_ACPI_RSDP, sizeof(*rsdp));
	uint32_t rsdt_gpa, tables[2];
	struct acpi_header *rsdt;

	if (ncpus < 1 || !rsdp || write_fadt(&c, &tables[0]) || write_madt(&c, ncpus, &tables[1]) ||
	    !(rsdt = alloc(&c, sizeof(*rsdt) + sizeof(tables), &rsdt_gpa)))
		return failf(why, -ENOMEM, "ACPI tables for %d CPUs do not fit in [0x%x, 0x%x) of guest RAM",
			      ncpus, LAYOUT_ACPI_TABLES, LAYOUT_ACPI_TABLES_END);
	header(rsdt, "RSDT", sizeof(*rsdt) + sizeof(tables), 1);
	memcpy(rsdt + 1, tables, sizeof(tables));
	seal(rsdt);
	memset(rsdp, 0, sizeof(*rsdp));
	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, "IRQLAB", 6);
	rsdp->rsdt = rsdt_gpa;
	rsdp->checksum = (uint8_t)-acpi_sum(rsdp, sizeof(*rsdp));
	return 0;
}
