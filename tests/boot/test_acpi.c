/* SPDX-License-Identifier: MIT */
/* acpi_write into a real guest RAM mapping, read back the way a kernel does (scan the BIOS area
 * for the RSDP, follow the RSDT), and the PM timer: its rate, its 24-bit wrap, its port. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "abi/layout.h"
#include "abi/multiboot.h"
#include "acpi.h"
#include "exit.h"
#include "mb_info.h"
#include "mem.h"
#include "pm_timer.h"
#include "tap.h"

#define RAM          (128ull << 20)
#define FADT_TMR_VAL_EXT (1u << 8)

static struct guest_mem mem;
static struct reason why;

static int write_tables(uint64_t ram, int ncpus)
{
	mem_free(&mem);
	mem_init(&mem, ram);
	why.text[0] = '\0';
	return acpi_write(&mem, ncpus, &why);
}

/* As Linux and kvm-unit-tests: 16-byte steps through 0xE0000..0xFFFFF, signature and checksum. */
static uint64_t scan_rsdp(int *found)
{
	uint64_t at = 0;

	*found = 0;
	for (uint64_t a = 0xE0000; a < LAYOUT_BIOS_END; a += 16) {
		const uint8_t *p = mem_ptr(&mem, a, 20);

		if (p && !memcmp(p, "RSD PTR ", 8) && acpi_sum(p, 20) == 0 && !(*found)++)
			at = a;
	}
	return at;
}

/* A table at gpa: inside RAM and the ACPI range, its signature, its checksum. */
static const struct acpi_header *table(uint32_t gpa, const char *sig)
{
	const struct acpi_header *h = mem_ptr(&mem, gpa, sizeof(*h));

	if (!h || memcmp(h->signature, sig, 4) || !mem_ptr(&mem, gpa, h->length) ||
	    gpa < LAYOUT_ACPI_TABLES || gpa + (uint64_t)h->length > LAYOUT_ACPI_TABLES_END ||
	    acpi_sum(h, h->length) != 0)
		return NULL;
	return h;
}

static uint32_t rsdt_entry(const struct acpi_header *rsdt, int i)
{
	uint32_t gpa;

	memcpy(&gpa, (const uint8_t *)(rsdt + 1) + 4 * i, 4);
	return gpa;
}

struct madt_count {
	int lapics, ioapics, others, x2apics;
	bool ids_in_order, ioapic_ok, exact_fill;
};

static struct madt_count walk_madt(const struct acpi_madt *m)
{
	const uint8_t *e = (const uint8_t *)(m + 1), *end = (const uint8_t *)m + m->h.length;
	struct madt_count c = { .ids_in_order = true };
	uint32_t id, addr, gsi;

	for (; e + 2 <= end && e[1] >= 2 && e + e[1] <= end; e += e[1]) {
		if (e[0] == ACPI_MADT_LAPIC && e[1] == 8) {
			c.ids_in_order &= e[3] == c.lapics + c.x2apics && (e[4] & ACPI_LAPIC_ENABLED);
			c.lapics++;
		} else if (e[0] == ACPI_MADT_X2APIC && e[1] == 16) {
			memcpy(&id, e + 4, 4);
			c.ids_in_order &= id == (uint32_t)(c.lapics + c.x2apics) && (e[8] & ACPI_LAPIC_ENABLED);
			c.x2apics++;
		} else if (e[0] == ACPI_MADT_IOAPIC && e[1] == 12) {
			memcpy(&addr, e + 4, 4);
			memcpy(&gsi, e + 8, 4);
			c.ioapic_ok = addr == LAYOUT_IOAPIC_BASE && gsi == 0;
			c.ioapics++;
		} else {
			c.others++;                  /* an interrupt source override would land here */
		}
	}
	c.exact_fill = e == end;
	return c;
}

static void test_tables(int ncpus, uint64_t ram)
{
	const struct acpi_header *rsdt = NULL, *dsdt, *facs;
	const struct acpi_fadt *fadt;
	const struct acpi_madt *madt;
	const struct acpi_rsdp *rsdp;
	struct madt_count c;
	int found;
	uint64_t at;

	if (!is_int(write_tables(ram, ncpus), 0, "%d CPUs, %llu MiB: tables written %s", ncpus,
		    (unsigned long long)(ram >> 20), why.text))
		return;
	at = scan_rsdp(&found);
	ok(found == 1 && at == LAYOUT_ACPI_RSDP, "%d CPUs: one RSDP found by the scan, at 0x%llx", ncpus,
	   (unsigned long long)at);
	rsdp = mem_ptr(&mem, at, sizeof(*rsdp));
	ok(rsdp && rsdp->revision == 0 && (rsdt = table(rsdp->rsdt, "RSDT")) && rsdt->length == 44,
	   "%d CPUs: RSDP revision 0 -> RSDT, checksum 0, two entries", ncpus);
	if (!rsdt)
		return;
	fadt = (const void *)table(rsdt_entry(rsdt, 0), "FACP");
	madt = (const void *)table(rsdt_entry(rsdt, 1), "APIC");
	ok(fadt && fadt->h.length == sizeof(*fadt) && fadt->h.revision == 1, "%d CPUs: RSDT[0] is the FADT, revision 1", ncpus);
	ok(madt && madt->lapic_addr == LAYOUT_LAPIC_BASE && (madt->flags & ACPI_MADT_PCAT_COMPAT),
	   "%d CPUs: RSDT[1] is the MADT, LAPIC at 0xFEE00000, PC-AT compatible", ncpus);
	if (!fadt || !madt)
		return;
	ok(fadt->pm_tmr_blk == PORT_ACPI_PM_TMR && fadt->pm_tmr_len == 4 && !(fadt->flags & FADT_TMR_VAL_EXT),
	   "%d CPUs: FADT PM_TMR_BLK 0x%x, length 4, 24-bit timer", ncpus, fadt->pm_tmr_blk);
	ok(fadt->pm1a_evt_blk == PORT_ACPI_PM1_EVT && fadt->pm1_evt_len == 4 && fadt->pm1a_cnt_blk == PORT_ACPI_PM1_CNT &&
	   fadt->pm1_cnt_len == 2 && !fadt->pm1b_evt_blk && !fadt->pm1b_cnt_blk,
	   "%d CPUs: FADT PM1a_EVT_BLK 0x%x (4 bytes), PM1a_CNT_BLK 0x%x (2 bytes), no PM1b", ncpus,
	   fadt->pm1a_evt_blk, fadt->pm1a_cnt_blk);
	dsdt = table(fadt->dsdt, "DSDT");
	facs = mem_ptr(&mem, fadt->firmware_ctrl, 64);
	ok(dsdt && facs && !memcmp(facs->signature, "FACS", 4) && facs->length == 64 && !(fadt->firmware_ctrl & 63),
	   "%d CPUs: FADT -> DSDT (checksum 0) and a 64-byte aligned FACS", ncpus);
	ok(fadt->firmware_ctrl == LAYOUT_ACPI_FACS && facs &&
	   !((const struct acpi_facs *)facs)->firmware_waking_vector,
	   "%d CPUs: the FACS at LAYOUT_ACPI_FACS, where a resume reads it; waking vector 0", ncpus);
	c = walk_madt(madt);
	ok(c.lapics + c.x2apics == ncpus && c.lapics == (ncpus < 255 ? ncpus : 255) && c.ids_in_order,
	   "%d CPUs: MADT: %d enabled local APICs (%d x2APIC), IDs 0..N-1", ncpus, c.lapics + c.x2apics, c.x2apics);
	ok(c.ioapics == 1 && c.ioapic_ok && c.others == 0 && c.exact_fill,
	   "%d CPUs: MADT: one IOAPIC at 0xFEC00000, GSI base 0, no overrides, entries fill the table", ncpus);
}

/* Every table lies in a range the multiboot memory map does not call available. */
static void test_mmap_covers(void)
{
	struct mb_args a = { .cmdline = NULL };
	const struct mb_info *m;
	const struct mb_mmap_entry *e;
	bool acpi = false, rsdp = false, clean = true;

	write_tables(RAM, 4);
	mb_info_write(&mem, 0x200000, &a, &why);
	m = mem_ptr(&mem, LAYOUT_MB_INFO, sizeof(*m));
	e = mem_ptr(&mem, m->mmap_addr, m->mmap_length);
	for (uint32_t i = 0; i < m->mmap_length / sizeof(*e); i++) {
		acpi |= e[i].type == MB_MMAP_ACPI && e[i].base_addr <= LAYOUT_ACPI_TABLES &&
			e[i].base_addr + e[i].length >= LAYOUT_ACPI_TABLES_END;
		rsdp |= e[i].type == MB_MMAP_RESERVED && e[i].base_addr <= LAYOUT_ACPI_RSDP &&
			e[i].base_addr + e[i].length >= LAYOUT_ACPI_RSDP + 20;
		clean &= e[i].type != MB_MMAP_AVAILABLE || e[i].base_addr + e[i].length <= LAYOUT_ACPI_TABLES ||
			 e[i].base_addr >= LAYOUT_BIOS_END;
	}
	ok(acpi && rsdp && clean, "memory map: tables ACPI-typed, RSDP reserved, no available RAM over them");
}

static void test_limits(void)
{
	test_tables(1, LAYOUT_MEM_MIN);            /* the smallest RAM irqlab accepts */
	ok(write_tables(LAYOUT_ACPI_RSDP + 16, 1) < 0 && strstr(why.text, "do not fit"),
	   "RAM ending inside the RSDP: refused: %s", why.text);
	ok(write_tables(LAYOUT_ACPI_TABLES + 0x100, 1) == -ENOMEM, "RAM ending inside the tables: refused");
	ok(write_tables(0x80000, 1) == -ENOMEM, "RAM below the ACPI range: refused");
	ok(write_tables(RAM, 0) == -ENOMEM, "0 CPUs: refused");
	test_tables(4096, RAM);                    /* the most --cpus allows: x2APIC entries too */
}

static uint32_t pm_read(uint16_t port, int size)
{
	struct exit_ctx ctx = { 0 };
	uint32_t v = 0x12345678;

	exit_pio(&ctx, port, 0, size, &v);      /* through the port table, as a guest's `in` */
	return v;
}

/* The first tick at or after t: ceil(t * 1e9 / HZ) ns. */
static uint64_t ns_of_tick(uint64_t t)
{
	return (t * 1000000000ull + PM_TIMER_HZ - 1) / PM_TIMER_HZ;
}

static void test_pm_timer_math(void)
{
	const uint64_t wrap = 1ull << 24, year = 365ull * 86400 * 1000000000ull;

	is_int(pm_timer_at(0), 0, "PM timer at 0 ns: 0");
	is_int(pm_timer_at(1000000000ull), PM_TIMER_HZ, "after 1 s: 3579545 ticks");
	ok(pm_timer_at(ns_of_tick(wrap) - 1) == PM_TIMER_MASK && pm_timer_at(ns_of_tick(wrap)) == 0,
	   "wraps from 0xFFFFFF to 0 at tick 2^24 (%.3f s)", ns_of_tick(wrap) / 1e9);
	ok(pm_timer_at(ns_of_tick(5 * wrap + 7)) == 7 && pm_timer_at(ns_of_tick(5 * wrap + 7) - 1) == 6,
	   "and again at every multiple of 2^24");
	ok(pm_timer_at(100 * year + ns_of_tick(3)) - pm_timer_at(100 * year) <= 3 + 1,
	   "no overflow after 100 years of uptime");
}

static void test_pm_timer_port(void)
{
	uint64_t n0, n1;
	uint32_t t0, t1, prev, v, backwards = 0;
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	double mhz;

	ok(pm_read(PORT_ACPI_PM_TMR, 4) <= PM_TIMER_MASK, "32-bit in: a 24-bit value");
	is_int(pm_read(PORT_ACPI_PM_TMR, 1), 0xFFFFFFFF, "8-bit in: all-ones (the register is 32-bit)");
	is_int(pm_read(PORT_ACPI_PM_TMR, 2), 0xFFFFFFFF, "16-bit in: all-ones");
	is_int(pm_read(PORT_ACPI_PM_TMR + 1, 4), 0xFFFFFFFF, "rest of the block: all-ones");
	v = 0;
	pm_timer_io(PORT_ACPI_PM_TMR, 1, 4, &v);
	is_int(v, 0, "writes are ignored");
	prev = pm_read(PORT_ACPI_PM_TMR, 4);
	for (int i = 0; i < 100000; i++, prev = v)
		backwards += (((v = pm_read(PORT_ACPI_PM_TMR, 4)) - prev) & PM_TIMER_MASK) >= 1u << 23;
	is_int(backwards, 0, "100000 reads: never backwards (mod 2^24)");
	n0 = now_ns();
	t0 = pm_read(PORT_ACPI_PM_TMR, 4);
	nanosleep(&nap, NULL);
	t1 = pm_read(PORT_ACPI_PM_TMR, 4);
	n1 = now_ns();
	mhz = ((t1 - t0) & PM_TIMER_MASK) * 1e3 / (double)(n1 - n0);
	ok(mhz > 3.0 && mhz < 3.6, "rate over %.1f ms: %.4f MHz (3.579545)", (n1 - n0) / 1e6, mhz);
}

int main(void)
{
	static const int cpus[] = { 1, 2, 4, 8, 254, 255, 256 };

	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++)
		test_tables(cpus[i], RAM);
	test_limits();
	test_mmap_covers();
	test_pm_timer_math();
	test_pm_timer_port();
	mem_free(&mem);
	return done_testing();
}
