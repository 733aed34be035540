/* SPDX-License-Identifier: MIT */
/* ACPI as an OS finds it (ACPI 1.0b 5.2): the RSDP by a scan of the BIOS area, the RSDT it points
 * at, the FADT and the MADT listed there, every checksum; then the PM timer the FADT names
 * (4.7.3.3), timed against the TSC. Architectural only, so QEMU's tables (SeaBIOS) pass as well. */
#include "mbk.h"

#define BIOS_F_SEG      0xF0000u       /* kvm-unit-tests scans only here; the spec: 0xE0000.. */
#define BIOS_E_SEG      0xE0000u
#define BIOS_END        0x100000u
#define HDR_LEN         36u            /* the common table header (5.2.5) */
#define TABLE_MAX       (1u << 20)     /* a length beyond this is garbage: do not sum it */
#define FADT_PM_TMR_BLK 76u
#define FADT_PM_TMR_LEN 91u
#define MADT_ENTRIES    44u
#define MADT_LAPIC      0u
#define MADT_IOAPIC     1u
#define MADT_X2APIC     9u
#define PM_TIMER_HZ     3579545ull
#define PM_TIMER_MASK   0xFFFFFFu
#define DELAY_CYCLES    (1ull << 20)   /* ~0.4 ms of TSC at 2.6 GHz: ~1400 PM ticks, enough for
                                          the check's 0.5-8 GHz bounds */
#define BRACKET_CYCLES  (1ull << 16)   /* ~25 us: one port exit, not a descheduled vCPU */
#define TSC_HZ_MIN      500000000ull   /* no CPUID leaf gives the TSC's rate: generous bounds, */
#define TSC_HZ_MAX      8000000000ull  /* i.e. the timer runs at 3.58 MHz within a factor ~3 */

struct acpi_seen {
	bool rsdp, rsdt, fadt, madt, sums;
	uint32_t lapics, ioapics, pm_port, pm_len, ticks;
	uint64_t cycles;
};

static bool sig_eq(const uint8_t *p, const char *sig, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	return true;
}

static uint8_t sum(const uint8_t *p, uint32_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* 16-byte steps; revision 2+ RSDPs carry a second checksum over their `length` bytes. */
static const uint8_t *scan_rsdp(uint32_t from, uint32_t to)
{
	for (uint32_t a = from; a < to; a += 16) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)a;

		if (sig_eq(p, "RSD PTR ", 8) && sum(p, 20) == 0 &&
		    (p[15] < 2 || (rd32(p + 20) >= 36 && rd32(p + 20) <= 64 && sum(p, rd32(p + 20)) == 0)))
			return p;
	}
	return NULL;
}

static const uint8_t *table_at(uint32_t gpa, struct acpi_seen *s)
{
	const uint8_t *t = (const uint8_t *)(uintptr_t)gpa;
	uint32_t len = gpa ? rd32(t + 4) : 0;

	if (len < HDR_LEN || len > TABLE_MAX)
		return NULL;
	s->sums &= sum(t, len) == 0;
	return t;
}

/* Enabled local APICs (xAPIC and x2APIC entries) and IOAPICs (5.2.10.4, 5.2.12.12 of 4.0). */
static void walk_madt(const uint8_t *m, struct acpi_seen *s)
{
	const uint8_t *e = m + MADT_ENTRIES, *end = m + rd32(m + 4);

	s->madt = true;
	for (; e + 2 <= end && e[1] >= 2 && e + e[1] <= end; e += e[1]) {
		if (e[0] == MADT_LAPIC && e[1] >= 8)
			s->lapics += e[4] & 1;
		else if (e[0] == MADT_X2APIC && e[1] >= 16)
			s->lapics += e[8] & 1;
		else if (e[0] == MADT_IOAPIC)
			s->ioapics++;
	}
}

static void walk_rsdt(const uint8_t *rsdt, struct acpi_seen *s)
{
	uint32_t n = (rd32(rsdt + 4) - HDR_LEN) / 4;

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *t = table_at(rd32(rsdt + HDR_LEN + 4 * i), s);

		if (t && sig_eq(t, "FACP", 4) && rd32(t + 4) > FADT_PM_TMR_LEN) {
			s->fadt = true;
			s->pm_port = rd32(t + FADT_PM_TMR_BLK);
			s->pm_len = t[FADT_PM_TMR_LEN];
		} else if (t && sig_eq(t, "APIC", 4)) {
			walk_madt(t, s);
		}
	}
}

/* A PM timer read and the TSC when it happened: the middle of a TSC bracket around it. A wide
 * bracket means the vCPU was descheduled around the read (host load: docs/verdicts.md), which
 * would skew the rate by up to tens of ms: such a read is retried. */
static uint32_t pm_read(uint16_t port, uint64_t *at)
{
	uint64_t a = 0, b = 0;
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		a = rdtsc();
		v = inl(port);
		b = rdtsc();
		if (b - a <= BRACKET_CYCLES)
			break;
	}
	*at = a + (b - a) / 2;
	return v;
}

/* Two reads of the PM timer around a TSC-timed delay; its 24 bits wrap every 4.7 s. */
static void time_pm_timer(struct acpi_seen *s)
{
	uint16_t port = (uint16_t)s->pm_port;
	uint64_t c0, c1;
	uint32_t t0 = pm_read(port, &c0);

	while (rdtsc() - c0 < DELAY_CYCLES)
		cpu_relax();
	s->ticks = (pm_read(port, &c1) - t0) & PM_TIMER_MASK;
	s->cycles = c1 - c0;
}

static void diag(const struct acpi_seen *s)
{
	puts("# rsdp/rsdt/fadt/madt/checksums=");
	put_u32(s->rsdp << 4 | s->rsdt << 3 | s->fadt << 2 | s->madt << 1 | s->sums);
	puts(" lapics=");
	put_u32(s->lapics);
	puts(" ioapics=");
	put_u32(s->ioapics);
	puts(" pm_tmr_blk=");
	put_hex(s->pm_port);
	puts(" ticks=");
	put_u32(s->ticks);
	puts(" tsc=");
	put_hex(s->cycles);
	putc('\n');
}

/* The RSDP where an OS looks: the F segment first, then the E segment. */
static const uint8_t *find_rsdp(void)
{
	const uint8_t *rsdp = scan_rsdp(BIOS_F_SEG, BIOS_END);

	return rsdp ? rsdp : scan_rsdp(BIOS_E_SEG, BIOS_F_SEG);
}

const uint8_t *acpi_find_fadt(void)
{
	struct acpi_seen s = { .sums = true };
	const uint8_t *rsdp = find_rsdp(), *rsdt, *t;
	uint32_t n;

	if (!rsdp || !(rsdt = table_at(rd32(rsdp + 16), &s)) || !sig_eq(rsdt, "RSDT", 4))
		return NULL;
	n = (rd32(rsdt + 4) - HDR_LEN) / 4;
	for (uint32_t i = 0; i < n; i++)
		if ((t = table_at(rd32(rsdt + HDR_LEN + 4 * i), &s)) && sig_eq(t, "FACP", 4))
			return s.sums ? t : NULL;
	return NULL;
}

void check_acpi(const struct boot *b)
{
	struct acpi_seen s = { .sums = true };
	const uint8_t *rsdp = find_rsdp(), *rsdt = NULL;
	uint64_t scaled;
	bool rate;

	s.rsdp = rsdp != NULL;
	if (rsdp && (rsdt = table_at(rd32(rsdp + 16), &s)) && sig_eq(rsdt, "RSDT", 4)) {
		s.rsdt = true;
		walk_rsdt(rsdt, &s);
	}
	if (s.fadt && s.pm_port && s.pm_port <= 0xFFFF && s.pm_len == 4)
		time_pm_timer(&s);
	scaled = s.cycles * PM_TIMER_HZ;         /* TSC Hz = cycles * HZ / ticks, without a division */
	rate = s.ticks && scaled >= TSC_HZ_MIN * s.ticks && scaled <= TSC_HZ_MAX * s.ticks;
	if (!tap_ok(s.rsdt && s.sums && s.madt && s.lapics == b->fw.ncpus && s.ioapics >= 1 && rate, "acpi"))
		diag(&s);
}
