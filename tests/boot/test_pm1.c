/* SPDX-License-Identifier: MIT */
/* The ACPI PM1a blocks through the exit table: PM1_STS write-1-to-clear, PM1_EN read-write,
 * PM1_CNT with SCI_EN fixed and SLP_EN write-only, and which writes ask for S3. */
#include "abi/layout.h"
#include "exit.h"
#include "pm1.h"
#include "tap.h"

static struct pm1 pm1;
static struct exit_ctx ctx = { .pm1 = &pm1 };

static uint32_t rd(uint16_t port, int size)
{
	uint32_t v = 0;

	exit_pio(&ctx, port, 0, size, &v);
	return v;
}

static enum exit_verdict wr(uint16_t port, int size, uint32_t v)
{
	return exit_pio(&ctx, port, 1, size, &v);
}

static void test_status_and_enable(void)
{
	pm1_init(&pm1);
	is_int(rd(PORT_ACPI_PM1_EVT, 2), 0, "PM1_STS: 0 at power-on");
	is_int(rd(PORT_ACPI_PM1_EVT + 2, 2), 0, "PM1_EN: 0 at power-on");
	pm1_woke_by_rtc(&pm1);
	is_int(rd(PORT_ACPI_PM1_EVT, 2), PM1_STS_WAK | PM1_STS_RTC, "after an RTC wake: WAK_STS | RTC_STS");
	wr(PORT_ACPI_PM1_EVT, 2, PM1_STS_RTC);
	is_int(rd(PORT_ACPI_PM1_EVT, 2), PM1_STS_WAK, "writing RTC_STS clears it alone");
	wr(PORT_ACPI_PM1_EVT, 2, 0);
	is_int(rd(PORT_ACPI_PM1_EVT, 2), PM1_STS_WAK, "writing 0 clears nothing");
	wr(PORT_ACPI_PM1_EVT + 1, 1, PM1_STS_WAK >> 8);
	is_int(rd(PORT_ACPI_PM1_EVT, 2), 0, "a byte write to the high byte clears WAK_STS");
	wr(PORT_ACPI_PM1_EVT + 2, 2, PM1_EN_RTC);
	is_int(rd(PORT_ACPI_PM1_EVT + 2, 2), PM1_EN_RTC, "PM1_EN reads back RTC_EN");
	ok(pm1_rtc_wake_enabled(&pm1), "RTC_EN: the RTC may wake the machine");
	is_int(rd(PORT_ACPI_PM1_EVT, 4), (uint32_t)PM1_EN_RTC << 16, "a 32-bit read: PM1_STS then PM1_EN");
	wr(PORT_ACPI_PM1_EVT, 4, 0);
	ok(!pm1_rtc_wake_enabled(&pm1), "a 32-bit write of 0 clears PM1_EN");
}

static void test_control(void)
{
	pm1_init(&pm1);
	is_int(rd(PORT_ACPI_PM1_CNT, 2), PM1_CNT_SCI_EN, "PM1_CNT: SCI_EN reads 1 (ACPI mode is fixed)");
	is_int(wr(PORT_ACPI_PM1_CNT, 2, 0), EXITV_CONTINUE, "writing 0: nothing happens");
	is_int(rd(PORT_ACPI_PM1_CNT, 2), PM1_CNT_SCI_EN, "SCI_EN cannot be cleared");
	is_int(wr(PORT_ACPI_PM1_CNT, 2, 1u << 10), EXITV_CONTINUE, "SLP_TYP 1 without SLP_EN: no sleep");
	is_int(rd(PORT_ACPI_PM1_CNT, 2), PM1_CNT_SCI_EN | 1u << 10, "SLP_TYP reads back");
	is_int(wr(PORT_ACPI_PM1_CNT, 2, PM1_CNT_SLP_EN), EXITV_CONTINUE, "SLP_EN with SLP_TYP 0 (soft-off): not S3");
	is_int(wr(PORT_ACPI_PM1_CNT, 2, PM1_CNT_SLP_EN | 2u << 10), EXITV_CONTINUE, "SLP_TYP 2 (S4): not S3");
	is_int(wr(PORT_ACPI_PM1_CNT, 2, 0x2400), EXITV_SLEEP_S3, "0x2400 (SLP_EN | SLP_TYP 1): S3");
	is_int(rd(PORT_ACPI_PM1_CNT, 2), PM1_CNT_SCI_EN | 1u << 10, "SLP_EN is write-only");
	is_int(wr(PORT_ACPI_PM1_CNT + 1, 1, 0x24), EXITV_SLEEP_S3, "the high byte alone: S3");
	is_int(rd(PORT_ACPI_PM1_CNT, 4), 0xFFFF0000u | PM1_CNT_SCI_EN | 1u << 10,
	       "a 32-bit read: PM1_CNT, then two bytes past the block reading all-ones");
	is_int(wr(PORT_ACPI_PM1_CNT, 4, 0x2400), EXITV_SLEEP_S3, "a 32-bit write covering it: S3");
	ctx.pm1 = NULL;
	is_int(rd(PORT_ACPI_PM1_CNT, 2), 0xFFFFFFFF, "no PM1 device (irqlab's own guests): absent");
	is_int(wr(PORT_ACPI_PM1_CNT, 2, 0x2400), EXITV_CONTINUE, "... and no sleep");
	ctx.pm1 = &pm1;
}

int main(void)
{
	test_status_and_enable();
	test_control();
	ok(!pm1_is_asleep(&pm1), "not asleep until the sleep path says so");
	pm1_set_asleep(&pm1);
	ok(pm1_is_asleep(&pm1), "asleep once recorded (the exit status reads it)");
	return done_testing();
}
