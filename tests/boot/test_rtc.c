/* SPDX-License-Identifier: MIT */
/* The CMOS RTC's update cycle and alarm at fixed instants: status A's UIP around the second,
 * the next alarm time with and without don't-care bytes, status C read-to-clear, the wake's
 * reset of status B. */
#include "rtc.h"
#include "tap.h"

#define S          1000000000ll
#define T0         1700000000ll        /* 2023-11-14 22:13:20 UTC */
#define MIB        (1ull << 20)

static struct rtc rtc;

static uint8_t rd(uint8_t reg)
{
	uint32_t v = reg;

	rtc_io(&rtc, RTC_PORT_INDEX, true, &v);
	rtc_io(&rtc, RTC_PORT_DATA, false, &v);
	return (uint8_t)v;
}

static void wr(uint8_t reg, uint8_t val)
{
	uint32_t v = reg;

	rtc_io(&rtc, RTC_PORT_INDEX, true, &v);
	v = val;
	rtc_io(&rtc, RTC_PORT_DATA, true, &v);
}

static void test_uip(void)
{
	rtc_init(&rtc, 128 * MIB);
	ok(!rtc_uip_at(&rtc, T0 * S + S / 2), "mid-second: no update in progress");
	ok(!rtc_uip_at(&rtc, T0 * S + S - 245000), "245 us before the update: not yet");
	ok(rtc_uip_at(&rtc, T0 * S + S - 243000), "243 us before the update: UIP");
	ok(rtc_uip_at(&rtc, (T0 + 1) * S), "at the update: UIP");
	ok(rtc_uip_at(&rtc, (T0 + 1) * S + 1983000), "1983 us after: UIP (the update cycle)");
	ok(!rtc_uip_at(&rtc, (T0 + 1) * S + 1985000), "1985 us after: done");
	wr(RTC_REG_B, RTC_B_24H | RTC_B_SET);
	ok(!rtc_uip_at(&rtc, (T0 + 1) * S), "SET in status B: no updates, no UIP");
	wr(RTC_REG_B, RTC_B_24H);
	wr(RTC_REG_A, 0x76);
	ok(!rtc_uip_at(&rtc, (T0 + 1) * S), "divider held in reset: no UIP");
	is_int(rd(RTC_REG_A), 0x76, "status A reads back the divider (UIP clear)");
}

static void test_alarm(void)
{
	rtc_init(&rtc, 128 * MIB);
	is_int(rtc_next_alarm_ns(&rtc, T0 * S), RTC_NO_ALARM, "AIE clear: no alarm");
	wr(RTC_REG_SEC_ALARM, RTC_ALARM_ANY);
	wr(RTC_REG_MIN_ALARM, 0xFF);
	wr(RTC_REG_HOUR_ALARM, RTC_ALARM_ANY);
	wr(RTC_REG_B, rd(RTC_REG_B) | RTC_B_AIE);
	is_int(rtc_next_alarm_ns(&rtc, T0 * S + S / 3), (T0 + 1) * S, "all don't-care: the next update");
	is_int(rtc_next_alarm_ns(&rtc, T0 * S), (T0 + 1) * S, "on the second itself: the one after");
	wr(RTC_REG_SEC_ALARM, 0x45);                       /* BCD 45 s */
	is_int(rtc_next_alarm_ns(&rtc, T0 * S), (T0 + 25) * S, "seconds 45 at hh:13:20: 25 s later");
	wr(RTC_REG_MIN_ALARM, 0x10);
	wr(RTC_REG_HOUR_ALARM, 0x22);                      /* 22:10:45, passed today */
	is_int(rtc_next_alarm_ns(&rtc, T0 * S), (T0 + 86400 - 155) * S, "22:10:45, just passed: tomorrow");
	wr(RTC_REG_HOUR_ALARM, 0x25);                      /* hour 25: never */
	is_int(rtc_next_alarm_ns(&rtc, T0 * S), RTC_NO_ALARM, "an hour that never comes: no alarm");
	wr(RTC_REG_HOUR_ALARM, RTC_ALARM_ANY);
	wr(RTC_REG_B, rd(RTC_REG_B) | RTC_B_BINARY);
	wr(RTC_REG_SEC_ALARM, 45);
	wr(RTC_REG_MIN_ALARM, 13);
	is_int(rtc_next_alarm_ns(&rtc, T0 * S), (T0 + 25) * S, "binary mode: 45 s and 13 min in binary");
	wr(RTC_REG_B, (uint8_t)(rd(RTC_REG_B) & ~RTC_B_BINARY) | RTC_B_SET);
	is_int(rtc_next_alarm_ns(&rtc, T0 * S), RTC_NO_ALARM, "SET: the clock stands, no alarm");
}

static void test_status_c_and_reset(void)
{
	rtc_init(&rtc, 128 * MIB);
	wr(RTC_REG_SEC_ALARM, 0x30);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_AIE | RTC_B_PIE | RTC_B_SQWE | 0x10);
	wr(RTC_REG_C, 0xF0);
	is_int(rd(RTC_REG_C), 0, "status C is read-only: a write sets nothing");
	rtc_wake_reset(&rtc);
	is_int(rd(RTC_REG_B), RTC_B_24H | 0x10, "the wake's reset clears PIE, AIE and SQWE, keeps UIE and the mode");
	is_int(rd(RTC_REG_SEC_ALARM), 0x30, "... and keeps the alarm");
	is_int(rd(RTC_REG_D), RTC_D_VRT, "status D: valid RAM and time");
	wr(RTC_REG_SEC_ALARM, 0x59);
	is_int(rd(RTC_REG_SEC_ALARM), 0x59, "an alarm byte is plain CMOS: reads back");
}

int main(void)
{
	test_uip();
	test_alarm();
	test_status_c_and_reset();
	return done_testing();
}
