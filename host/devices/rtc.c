/* SPDX-License-Identifier: MIT */
#include "rtc.h"

#include <string.h>
#include <time.h>

static uint8_t to_bcd(int v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static int from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0xF);
}

/* A time field in the format register B asks for. */
static uint8_t encode(const struct rtc *r, int v)
{
	return (r->cmos[RTC_REG_B] & RTC_B_BINARY) ? (uint8_t)v : to_bcd(v);
}

static int decode(const struct rtc *r, uint8_t v)
{
	return (r->cmos[RTC_REG_B] & RTC_B_BINARY) ? v : from_bcd(v);
}

static uint8_t encode_hour(const struct rtc *r, int h)
{
	int h12 = h % 12 ? h % 12 : 12;

	if (r->cmos[RTC_REG_B] & RTC_B_24H)
		return encode(r, h);
	return (uint8_t)(encode(r, h12) | (h >= 12 ? 0x80 : 0));
}

/* The time registers from host time + offset. */
static void refresh(struct rtc *r)
{
	time_t t = time(NULL) + r->offset_s;
	struct tm tm;

	gmtime_r(&t, &tm);
	r->cmos[RTC_REG_SECONDS] = encode(r, tm.tm_sec);
	r->cmos[RTC_REG_MINUTES] = encode(r, tm.tm_min);
	r->cmos[RTC_REG_HOURS] = encode_hour(r, tm.tm_hour);
	r->cmos[RTC_REG_WEEKDAY] = encode(r, tm.tm_wday + 1);
	r->cmos[RTC_REG_DAY] = encode(r, tm.tm_mday);
	r->cmos[RTC_REG_MONTH] = encode(r, tm.tm_mon + 1);
	r->cmos[RTC_REG_YEAR] = encode(r, tm.tm_year % 100);
	r->cmos[RTC_REG_CENTURY] = encode(r, (tm.tm_year + 1900) / 100);
}

/* A guest wrote a time register: keep its clock as an offset from the host's. */
static void set_clock(struct rtc *r)
{
	struct tm tm = { 0 };
	uint8_t h = r->cmos[RTC_REG_HOURS];
	int hour = decode(r, h & 0x7F);

	if (!(r->cmos[RTC_REG_B] & RTC_B_24H))
		hour = hour % 12 + ((h & 0x80) ? 12 : 0);
	tm.tm_sec = decode(r, r->cmos[RTC_REG_SECONDS]);
	tm.tm_min = decode(r, r->cmos[RTC_REG_MINUTES]);
	tm.tm_hour = hour;
	tm.tm_mday = decode(r, r->cmos[RTC_REG_DAY]);
	tm.tm_mon = decode(r, r->cmos[RTC_REG_MONTH]) - 1;
	tm.tm_year = decode(r, r->cmos[RTC_REG_CENTURY]) * 100 + decode(r, r->cmos[RTC_REG_YEAR]) - 1900;
	r->offset_s = (int64_t)(timegm(&tm) - time(NULL));
}

/* QEMU's pc machine: KiB of base and extended memory, 64 KiB blocks above 16 MiB. */
static void record_mem(struct rtc *r, uint64_t mem_size)
{
	uint64_t ext_kib = mem_size > (1u << 20) ? (mem_size - (1u << 20)) / 1024 : 0;
	uint64_t blocks = mem_size > (16u << 20) ? (mem_size - (16u << 20)) / 65536 : 0;

	ext_kib = ext_kib > 65535 ? 65535 : ext_kib;
	blocks = blocks > 65535 ? 65535 : blocks;
	r->cmos[0x15] = 640 & 0xFF;
	r->cmos[0x16] = 640 >> 8;
	r->cmos[0x17] = r->cmos[0x30] = (uint8_t)ext_kib;
	r->cmos[0x18] = r->cmos[0x31] = (uint8_t)(ext_kib >> 8);
	r->cmos[0x34] = (uint8_t)blocks;
	r->cmos[0x35] = (uint8_t)(blocks >> 8);
}

void rtc_init(struct rtc *r, uint64_t mem_size)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->cmos[RTC_REG_A] = 0x26;          /* 32.768 kHz time base, 1024 Hz rate select */
	r->cmos[RTC_REG_B] = RTC_B_24H;     /* BCD, 24-hour, no interrupts */
	r->cmos[RTC_REG_D] = RTC_D_VRT;
	record_mem(r, mem_size);
}

static uint8_t read_reg(struct rtc *r, uint8_t reg)
{
	if (reg <= RTC_REG_YEAR || reg == RTC_REG_CENTURY)
		refresh(r);
	if (reg == RTC_REG_A)
		return r->cmos[reg] & 0x7F;    /* UIP: never mid-update */
	return r->cmos[reg];
}

static void write_reg(struct rtc *r, uint8_t reg, uint8_t v)
{
	switch (reg) {
	case RTC_REG_C:
	case RTC_REG_D:
		return;                        /* read-only */
	case RTC_REG_A:
		r->cmos[reg] = v & 0x7F;
		return;
	default:
		break;
	}
	if (reg <= RTC_REG_YEAR || reg == RTC_REG_CENTURY)
		refresh(r);                    /* the other fields from now, then this one */
	r->cmos[reg] = v;
	if (reg <= RTC_REG_YEAR || reg == RTC_REG_CENTURY)
		set_clock(r);
}

void rtc_io(struct rtc *r, uint16_t port, bool is_write, uint32_t *val)
{
	pthread_mutex_lock(&r->lock);
	if (port == RTC_PORT_INDEX) {
		if (is_write)
			r->index = (uint8_t)(*val & 0x7F);  /* bit 7: NMI mask, not a register bit */
		else
			*val = 0xFF;                        /* the index register is write-only */
	} else if (is_write) {
		write_reg(r, r->index, (uint8_t)*val);
	} else {
		*val = read_reg(r, r->index);
	}
	pthread_mutex_unlock(&r->lock);
}
