/* SPDX-License-Identifier: MIT */
/*
 * The PC devices a QEMU-style kernel finds besides the UART: the CMOS RTC (always there), QEMU's
 * pc-testdev (with `testdev` on the command line: -device pc-testdev), and what an access to no
 * device gives (all-ones, under QEMU and irqlab alike).
 */
#include "mbk.h"
#include "x86/apic.h"

#define RTC_INDEX      0x70
#define RTC_DATA       0x71
#define TESTDEV_DATA   0xE0
#define TESTDEV_FLUSH  0xE4
#define TESTDEV_BYTES  0xE8
#define TESTDEV_IRQ    0x2000
#define TESTDEV_IOMEM  0xFF000000u
#define IOAPIC_BASE    0xFEC00000u
#define TEST_PIN       10            /* ISA IRQ 10: IOAPIC pin 10 under QEMU and irqlab */
#define TEST_VECTOR    0x40
#define ABSENT_PORT    0x2E8         /* COM4: no device under either */

uint8_t cmos(uint8_t reg)
{
	outb(RTC_INDEX, reg);
	return inb(RTC_DATA);
}

void cmos_write(uint8_t reg, uint8_t v)
{
	outb(RTC_INDEX, reg);
	outb(RTC_DATA, v);
}

static bool bcd_in(uint8_t v, int lo, int hi)
{
	int n = (v >> 4) * 10 + (v & 0xF);

	return (v & 0xF) <= 9 && (v >> 4) <= 9 && n >= lo && n <= hi;
}

/* Status B as QEMU leaves it without a BIOS (24-hour, BCD), D's valid-time bit, and a BCD
 * date and time in range, read while no update is in progress. */
void check_rtc(void)
{
	uint8_t b, d, sec, min, hour, day, mon, year, cent;

	for (uint32_t i = 0; i < 100000 && (cmos(0x0A) & 0x80); i++)
		;
	b = cmos(0x0B);
	d = cmos(0x0D);
	sec = cmos(0x00), min = cmos(0x02), hour = cmos(0x04);
	day = cmos(0x07), mon = cmos(0x08), year = cmos(0x09), cent = cmos(0x32);
	if (!tap_ok((b & 0x06) == 0x02 && (d & 0x80) && bcd_in(sec, 0, 59) && bcd_in(min, 0, 59) &&
		    bcd_in(hour, 0, 23) && bcd_in(day, 1, 31) && bcd_in(mon, 1, 12) && bcd_in(year, 0, 99) &&
		    bcd_in(cent, 20, 21), "rtc")) {
		puts("# B/D/20YY-MM-DD hh:mm:ss ");
		put_hex(((uint64_t)b << 56) | ((uint64_t)d << 48) | ((uint64_t)cent << 40) | ((uint64_t)year << 32) |
			((uint64_t)mon << 24) | ((uint64_t)day << 16) | ((uint32_t)hour << 8) | min);
		putc('\n');
	}
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC_BASE, reg);
	mmio_write32(IOAPIC_BASE + 0x10, v);
}

/* Raise TEST_PIN through pc-testdev's line port, routed edge-triggered to this CPU: with IF
 * clear the vector stays pending in the local APIC's IRR. */
static bool irq_line_delivers(void)
{
	uint32_t id = mmio_read32(LAPIC_BASE + APIC_ID) >> 24;
	bool seen;

	mmio_write32(LAPIC_BASE + APIC_SPIV, mmio_read32(LAPIC_BASE + APIC_SPIV) | 0x1FF);
	ioapic_write(0x11 + 2 * TEST_PIN, id << 24);
	ioapic_write(0x10 + 2 * TEST_PIN, TEST_VECTOR);       /* fixed, physical, edge, unmasked */
	outb(TESTDEV_IRQ + TEST_PIN, 1);
	seen = mmio_read32(LAPIC_BASE + APIC_IRR + (TEST_VECTOR / 32) * 0x10) & (1u << (TEST_VECTOR % 32));
	outb(TESTDEV_IRQ + TEST_PIN, 0);
	ioapic_write(0x10 + 2 * TEST_PIN, 1u << 16);            /* masked again */
	return seen;
}

/* A page flushed through 0xE4 keeps its contents (the host remaps it; KVM faults it back). */
static bool flush_keeps_page(void)
{
	static volatile uint32_t page[1024] __attribute__((aligned(4096)));

	page[0] = 0x600DF00D;
	page[1023] = 0xFEEDBEEF;
	outl(TESTDEV_FLUSH, (uint32_t)(uintptr_t)page);
	page[1] += 1;                                        /* written after the flush too */
	return page[0] == 0x600DF00D && page[1023] == 0xFEEDBEEF && page[1] == 1;
}

/* The data register at 0xE0 in any width and byte-wise at 0xE8, the iomem window, an IRQ line,
 * a flushed page. */
void check_testdev(const struct boot *b)
{
	volatile uint32_t *iomem = (volatile uint32_t *)TESTDEV_IOMEM;
	uint32_t word, merged, mem;
	uint8_t byte;
	bool irq, flushed;

	if (!arg_value(b, "testdev")) {
		tap_skip("pc-testdev", "no testdev argument");
		return;
	}
	outl(TESTDEV_DATA, 0x12345678);
	word = inl(TESTDEV_DATA);
	byte = inb(TESTDEV_BYTES + 1);
	outb(TESTDEV_BYTES + 1, 0xAA);
	merged = inl(TESTDEV_DATA);
	iomem[4] = 0xC0FFEE01;
	mem = iomem[4];
	irq = irq_line_delivers();
	flushed = flush_keeps_page();
	if (!tap_ok(word == 0x12345678 && byte == 0x56 && merged == 0x1234AA78 && mem == 0xC0FFEE01 && irq &&
		    flushed, "pc-testdev")) {
		puts("# data/byte/merged/iomem/irq/flush ");
		put_hex(word), putc(' '), put_hex(byte), putc(' '), put_hex(merged), putc(' ');
		put_hex(mem), putc(' '), put_u32(irq), putc(' '), put_u32(flushed), putc('\n');
	}
}

/* A port no device decodes reads all-ones in every width. */
void check_absent(void)
{
	uint8_t b = inb(ABSENT_PORT);
	uint32_t l = inl(ABSENT_PORT);

	if (!tap_ok(b == 0xFF && l == 0xFFFFFFFFu, "absent port")) {
		puts("# inb/inl ");
		put_hex(b), putc(' '), put_hex(l), putc('\n');
	}
}
