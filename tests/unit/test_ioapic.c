/* SPDX-License-Identifier: MIT */
/* The userspace IOAPIC (host/devices/ioapic.c) driven through its callbacks, without KVM: the register
 * file, edge and level delivery (82093AA datasheet 3.2.4), Remote IRR and EOI, the MSI each
 * entry sends (SDM Vol. 3A 11.11) and the route mirrored on every entry write. */
#include <errno.h>
#include <string.h>

#include "ioapic.h"
#include "tap.h"

#define MAX_MSI 16
#define DEST(apic_id) ((uint64_t)(apic_id) << IOAPIC_RTE_DEST_SHIFT)

/* What the IOAPIC asked its owner to do. */
static struct {
	int ndeliver, nroute, deliver_ret;
	uint64_t addr[MAX_MSI];
	uint32_t data[MAX_MSI];
	uint32_t route_pin, route_data;
	uint64_t route_addr;
} rec;

static int rec_deliver(void *opaque, uint64_t addr, uint32_t data)
{
	if (rec.deliver_ret < 0)
		return rec.deliver_ret;
	if (rec.ndeliver < MAX_MSI) {
		rec.addr[rec.ndeliver] = addr;
		rec.data[rec.ndeliver] = data;
	}
	rec.ndeliver++;
	return 1;
}

static int rec_route(void *opaque, uint32_t pin, uint64_t addr, uint32_t data)
{
	rec.nroute++;
	rec.route_pin = pin;
	rec.route_addr = addr;
	rec.route_data = data;
	return 0;
}

static struct ioapic io;

static void fresh(void)
{
	static const struct ioapic_ops ops = { .deliver = rec_deliver, .route = rec_route };

	memset(&rec, 0, sizeof(rec));
	ioapic_init(&io, &ops);
}

static uint32_t mmio_read(uint64_t offset)
{
	uint32_t v = 0x5A5A5A5A;

	ioapic_mmio(&io, offset, false, &v);
	return v;
}

static void mmio_write(uint64_t offset, uint32_t v)
{
	ioapic_mmio(&io, offset, true, &v);
}

static uint32_t reg_read(uint32_t reg)
{
	mmio_write(IOAPIC_REG_SELECT, reg);
	return mmio_read(IOAPIC_REG_WINDOW);
}

static void reg_write(uint32_t reg, uint32_t v)
{
	mmio_write(IOAPIC_REG_SELECT, reg);
	mmio_write(IOAPIC_REG_WINDOW, v);
}

static uint64_t rte_read(unsigned pin)
{
	return (uint64_t)reg_read(0x11 + 2 * pin) << 32 | reg_read(0x10 + 2 * pin);
}

/* High half (destination) first, so the low half's write is the one that unmasks. */
static void rte_write(unsigned pin, uint64_t rte)
{
	reg_write(0x11 + 2 * pin, (uint32_t)(rte >> 32));
	reg_write(0x10 + 2 * pin, (uint32_t)rte);
}


static void test_reset(void)
{
	bool all_masked = true;

	fresh();
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		all_masked &= rte_read(pin) == IOAPIC_RTE_MASKED;
	ok(all_masked, "reset: all 24 entries read 0x10000 (masked, edge, vector 0, dest 0)");
	is_int(rec.nroute + rec.ndeliver, 0, "reset: no route written, nothing delivered");
	is_int(ioapic_set_irq(&io, 2, 1), 0, "reset: raising a pin delivers nothing");
	is_int(rec.ndeliver, 0, "reset: no MSI after raising a masked pin");
}

static void test_id_version(void)
{
	fresh();
	is_int(reg_read(0x00), 0, "ID register resets to 0");
	reg_write(0x00, 0x0A000000);
	is_int(reg_read(0x00), 0x0A000000, "ID written 0xA reads back in bits 24-27");
	reg_write(0x00, 0xFFFFFFFF);
	is_int(reg_read(0x00), 0x0F000000, "ID keeps only bits 24-27");
	is_int(reg_read(0x02), 0x0F000000, "arbitration register reads the ID");
	is_int(reg_read(0x01), 0x00170011, "version register: max entry 23, version 0x11");
	reg_write(0x01, 0);
	is_int(reg_read(0x01), 0x00170011, "version register is read-only");
	mmio_write(IOAPIC_REG_SELECT, 0x12);
	is_int(mmio_read(IOAPIC_REG_SELECT), 0x12, "IOREGSEL reads back what was selected");
}

static void test_rte_readwrite(void)
{
	uint64_t low = 0x31 | 1u << IOAPIC_RTE_DM_SHIFT | IOAPIC_RTE_DEST_LOGICAL | 1u << 13 |
		       IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED;

	fresh();
	rte_write(9, DEST(0xAB) | low | IOAPIC_RTE_RO_BITS);
	is_int((long long)rte_read(9), (long long)(DEST(0xAB) | low),
	       "RTE 9 reads back; bits 12 (delivery status) and 14 (Remote IRR) stay 0");
	is_int((long long)rte_read(8), IOAPIC_RTE_MASKED, "writing RTE 9 leaves RTE 8 alone");
	is_int((long long)rte_read(10), IOAPIC_RTE_MASKED, "writing RTE 9 leaves RTE 10 alone");
	rte_write(23, DEST(0x01) | 0xFE);
	is_int((long long)rte_read(23), (long long)(DEST(0x01) | 0xFE), "the last entry (23) reads back");
	rte_write(4, 0x44 | IOAPIC_RTE_LEVEL);
	ioapic_set_irq(&io, 4, 1);
	ok(rte_read(4) & IOAPIC_RTE_REMOTE_IRR, "level delivery sets Remote IRR");
	reg_write(0x18, 0x44 | IOAPIC_RTE_LEVEL);
	ok(rte_read(4) & IOAPIC_RTE_REMOTE_IRR, "writing 0 to bit 14 does not clear Remote IRR (read-only)");
	reg_write(0x18, 0x44);
	ok(!(rte_read(4) & IOAPIC_RTE_REMOTE_IRR), "switching the entry to edge clears Remote IRR");
}

static void test_edge(void)
{
	fresh();
	rte_write(3, DEST(2) | 0x40);
	is_int(ioapic_set_irq(&io, 3, 1), 1, "edge: rising edge delivers");
	is_int(rec.ndeliver, 1, "edge: one MSI");
	is_int((long long)rec.addr[0], 0xFEE02000, "edge: MSI address for physical APIC ID 2");
	is_int(rec.data[0], 0x40, "edge: MSI data = vector, fixed, edge");
	is_int(ioapic_set_irq(&io, 3, 1), 0, "edge: line held high does not redeliver");
	is_int(ioapic_set_irq(&io, 3, 0), 0, "edge: falling edge delivers nothing");
	is_int(ioapic_set_irq(&io, 3, 1), 1, "edge: the next rising edge delivers again");
	is_int(rec.ndeliver, 2, "edge: two edges, two MSIs");
	is_int((long long)io.delivered[3], 2, "edge: the pin's delivered count is 2");
	ok(!(rte_read(3) & IOAPIC_RTE_REMOTE_IRR), "edge: Remote IRR stays 0");
}

/* 82093AA: an edge that arrives while the entry is masked is lost. */
static void test_edge_masked(void)
{
	fresh();
	rte_write(5, DEST(1) | 0x41 | IOAPIC_RTE_MASKED);
	is_int(ioapic_set_irq(&io, 5, 1), 0, "masked edge: not delivered");
	rte_write(5, DEST(1) | 0x41);
	is_int(rec.ndeliver, 0, "unmasking while the line is still high does not deliver the past edge");
	ioapic_set_irq(&io, 5, 0);
	rte_write(5, DEST(1) | 0x41 | IOAPIC_RTE_MASKED);
	ioapic_set_irq(&io, 5, 1);
	ioapic_set_irq(&io, 5, 0);
	rte_write(5, DEST(1) | 0x41);
	is_int(rec.ndeliver, 0, "a pulse while masked is lost: nothing on unmask");
	is_int(ioapic_set_irq(&io, 5, 1), 1, "after unmasking, the next rising edge delivers");
}

static void test_level(void)
{
	fresh();
	rte_write(6, DEST(3) | 0x51 | IOAPIC_RTE_LEVEL);
	is_int(ioapic_set_irq(&io, 6, 1), 1, "level: assertion delivers");
	is_int(rec.data[0], 0xC051, "level: MSI data has trigger (15) and assert (14) set");
	ok(rte_read(6) & IOAPIC_RTE_REMOTE_IRR, "level: Remote IRR set at delivery");
	is_int(ioapic_set_irq(&io, 6, 1), 0, "level: no redelivery while Remote IRR is set");
	ioapic_eoi(&io, 0x52);
	is_int(rec.ndeliver, 1, "level: EOI for another vector delivers nothing");
	ok(rte_read(6) & IOAPIC_RTE_REMOTE_IRR, "level: EOI for another vector leaves Remote IRR");
	ioapic_eoi(&io, 0x51);
	is_int(rec.ndeliver, 2, "level: EOI with the line still high redelivers");
	ok(rte_read(6) & IOAPIC_RTE_REMOTE_IRR, "level: the redelivery sets Remote IRR again");
	ioapic_set_irq(&io, 6, 0);
	ioapic_eoi(&io, 0x51);
	is_int(rec.ndeliver, 2, "level: EOI after deassert delivers nothing");
	ok(!(rte_read(6) & IOAPIC_RTE_REMOTE_IRR), "level: EOI for the vector clears Remote IRR");
	is_int(ioapic_set_irq(&io, 6, 1), 1, "level: a new assertion delivers");
}

static void test_level_unmask(void)
{
	fresh();
	rte_write(7, DEST(0) | 0x61 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED);
	is_int(ioapic_set_irq(&io, 7, 1), 0, "masked level: not delivered");
	ok(!(rte_read(7) & IOAPIC_RTE_REMOTE_IRR), "masked level: Remote IRR stays 0");
	rte_write(7, DEST(0) | 0x61 | IOAPIC_RTE_LEVEL);
	is_int(rec.ndeliver, 1, "unmasking an asserted level line delivers it");
	ok(rte_read(7) & IOAPIC_RTE_REMOTE_IRR, "that delivery sets Remote IRR");
	rte_write(7, DEST(0) | 0x61 | IOAPIC_RTE_LEVEL);
	is_int(rec.ndeliver, 1, "rewriting the entry while Remote IRR is set does not redeliver");
}

static void test_deliver_error(void)
{
	fresh();
	rte_write(8, DEST(0) | 0x71 | IOAPIC_RTE_LEVEL);
	rec.deliver_ret = -EIO;
	is_int(ioapic_set_irq(&io, 8, 1), -EIO, "a failed MSI is returned as -errno");
	ok(!(rte_read(8) & IOAPIC_RTE_REMOTE_IRR), "a failed delivery does not set Remote IRR");
	is_int((long long)io.delivered[8], 0, "a failed delivery is not counted");
}

struct msi_case {
	const char *what;
	uint64_t rte, addr;
	uint32_t data;
};

static const struct msi_case msi_cases[] = {
	{ "physical fixed edge", DEST(0x05) | 0x30, 0xFEE05000, 0x0030 },
	{ "physical APIC ID 0xFF", DEST(0xFF) | 0x31, 0xFEEFF000, 0x0031 },
	{ "logical fixed", DEST(0x0F) | IOAPIC_RTE_DEST_LOGICAL | 0x32, 0xFEE0F004, 0x0032 },
	{ "physical lowest priority: RH", DEST(0x02) | 1u << 8 | 0x33, 0xFEE02008, 0x0133 },
	{ "logical lowest priority: RH|DM", DEST(0x03) | 1u << 8 | IOAPIC_RTE_DEST_LOGICAL | 0x34,
	  0xFEE0300C, 0x0134 },
	{ "SMI", DEST(0x01) | 2u << 8, 0xFEE01000, 0x0200 },
	{ "NMI", DEST(0x01) | 4u << 8, 0xFEE01000, 0x0400 },
	{ "INIT", DEST(0x01) | 5u << 8, 0xFEE01000, 0x0500 },
	{ "ExtINT", DEST(0x00) | 7u << 8, 0xFEE00000, 0x0700 },
	{ "level fixed", DEST(0x04) | IOAPIC_RTE_LEVEL | 0x35, 0xFEE04000, 0xC035 },
	{ "mask, polarity, RO bits ignored", DEST(0x06) | IOAPIC_RTE_MASKED | 1u << 13 |
	  IOAPIC_RTE_RO_BITS | 0x36, 0xFEE06000, 0x0036 },
};

static void test_rte_msi(void)
{
	for (size_t i = 0; i < sizeof(msi_cases) / sizeof(msi_cases[0]); i++) {
		const struct msi_case *c = &msi_cases[i];
		uint64_t addr;
		uint32_t data;

		ioapic_rte_msi(c->rte, &addr, &data);
		is_int((long long)addr, (long long)c->addr, "ioapic_rte_msi %s: address", c->what);
		is_int(data, c->data, "ioapic_rte_msi %s: data", c->what);
	}
}

/* Each of the two dword writes of every entry mirrors the whole entry as a route. */
static void test_routes(void)
{
	bool mirrored = true;
	int writes = 0;

	fresh();
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t rte = DEST(pin + 1) | (0x20 + pin) | (pin & 1 ? IOAPIC_RTE_LEVEL : 0);
		uint64_t addr;
		uint32_t data;

		for (int half = 1; half >= 0; half--, writes++) {
			uint64_t now = half ? (rte & 0xFFFFFFFF00000000ull) | IOAPIC_RTE_MASKED : rte;

			reg_write(0x10 + 2 * pin + half, (uint32_t)(rte >> (32 * half)));
			ioapic_rte_msi(now, &addr, &data);
			mirrored &= rec.nroute == writes + 1 && rec.route_pin == pin &&
				    rec.route_addr == addr && rec.route_data == data;
		}
	}
	ok(mirrored, "each of the 48 RTE writes mirrors its pin's route with the entry's MSI");
	is_int(rec.nroute, 2 * IOAPIC_PINS, "one route update per RTE write");
	reg_write(0x00, 0x01000000);
	reg_write(0x01, 0);
	is_int(rec.nroute, 2 * IOAPIC_PINS, "ID and version writes update no route");
}

static void test_bad_pin_and_offsets(void)
{
	static const uint64_t bad_offsets[] = { 0x04, 0x08, 0x0C, 0x14, 0x20, 0x40, 0xFFC };
	bool all_ones = true;

	fresh();
	is_int(ioapic_set_irq(&io, IOAPIC_PINS, 1), -EINVAL, "pin 24 is -EINVAL");
	is_int(ioapic_set_irq(&io, 1000, 1), -EINVAL, "pin 1000 is -EINVAL");
	for (size_t i = 0; i < sizeof(bad_offsets) / sizeof(bad_offsets[0]); i++)
		all_ones &= mmio_read(bad_offsets[i]) == 0xFFFFFFFFu;
	ok(all_ones, "reads at offsets other than IOREGSEL and IOWIN return all-ones");
	mmio_write(IOAPIC_REG_SELECT, 0x10);
	mmio_write(0x14, 0);
	mmio_write(0x40, 0x20);
	is_int(mmio_read(IOAPIC_REG_SELECT), 0x10, "writes at other offsets change nothing");
	is_int((long long)rte_read(0), IOAPIC_RTE_MASKED, "writes at other offsets leave RTE 0 alone");
	is_int(reg_read(0x03), 0xFFFFFFFF, "register 0x03 (none) reads all-ones");
	is_int(reg_read(0x10 + 2 * IOAPIC_PINS), 0xFFFFFFFF, "register past the last RTE reads all-ones");
	reg_write(0x10 + 2 * IOAPIC_PINS, 0);
	is_int(rec.nroute, 0, "a write past the last RTE updates no route");
}

int main(void)
{
	test_reset();
	test_id_version();
	test_rte_readwrite();
	test_edge();
	test_edge_masked();
	test_level();
	test_level_unmask();
	test_deliver_error();
	test_rte_msi();
	test_routes();
	test_bad_pin_and_offsets();
	return done_testing();
}
