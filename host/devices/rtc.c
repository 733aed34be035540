/* SPDX-License-Identifier: MIT */
#include "rtc.h"

#include <string.h>
#include <time.h>

#define NS_PER_S        1000000000ll
#define UIP_BEFORE_NS   244000ll       /* MC146818A: UIP rises 244 us before the update */
#define UPDATE_CYCLE_NS 1984000ll      /* ... and falls when the 1984 us update cycle ends */
#define DAY_S           86400

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

static bool is_time_reg(uint8_t reg)
{
	return reg == RTC_REG_SECONDS || reg == RTC_REG_MINUTES || reg == RTC_REG_HOURS ||
	       (reg >= RTC_REG_WEEKDAY && reg <= RTC_REG_YEAR) || reg == RTC_REG_CENTURY;
}

static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* The clock advances once a second while the divider runs and SET is clear. */
static bool updating(const struct rtc *r)
{
	return (r->cmos[RTC_REG_A] & RTC_A_DV_MASK) == RTC_A_DV_RUN && !(r->cmos[RTC_REG_B] & RTC_B_SET);
}

/* The guest's clock is the host's plus whole seconds, so its updates fall on the host's. */
static bool uip_at(const struct rtc *r, int64_t now_ns)
{
	int64_t frac = ((now_ns % NS_PER_S) + NS_PER_S) % NS_PER_S;

	return updating(r) && (frac >= NS_PER_S - UIP_BEFORE_NS || frac < UPDATE_CYCLE_NS);
}

static uint8_t read_reg(struct rtc *r, uint8_t reg)
{
	uint8_t v;

	if (is_time_reg(reg))
		refresh(r);
	v = r->cmos[reg];
	if (reg == RTC_REG_A)
		return (uint8_t)((v & 0x7F) | (uip_at(r, realtime_ns()) ? RTC_A_UIP : 0));
	if (reg == RTC_REG_C)
		r->cmos[reg] = 0;              /* read to clear */
	return v;
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
	if (is_time_reg(reg))
		refresh(r);                    /* the other fields from now, then this one */
	r->cmos[reg] = v;
	if (is_time_reg(reg))
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

bool rtc_uip_at(struct rtc *r, int64_t now_ns)
{
	bool uip;

	pthread_mutex_lock(&r->lock);
	uip = uip_at(r, now_ns);
	pthread_mutex_unlock(&r->lock);
	return uip;
}

static bool alarm_byte_matches(uint8_t alarm, uint8_t now)
{
	return (alarm & RTC_ALARM_ANY) == RTC_ALARM_ANY || alarm == now;
}

/* Guest time `t` (seconds since the epoch, UTC) against the three alarm registers. */
static bool alarm_matches(const struct rtc *r, int64_t t)
{
	int64_t tod = ((t % DAY_S) + DAY_S) % DAY_S;

	return alarm_byte_matches(r->cmos[RTC_REG_SEC_ALARM], encode(r, (int)(tod % 60))) &&
	       alarm_byte_matches(r->cmos[RTC_REG_MIN_ALARM], encode(r, (int)(tod / 60 % 60))) &&
	       alarm_byte_matches(r->cmos[RTC_REG_HOUR_ALARM], encode_hour(r, (int)(tod / 3600)));
}

int64_t rtc_next_alarm_ns(struct rtc *r, int64_t now_ns)
{
	int64_t host_s = now_ns / NS_PER_S - (now_ns % NS_PER_S < 0), found = RTC_NO_ALARM;
	bool armed;

	pthread_mutex_lock(&r->lock);
	armed = (r->cmos[RTC_REG_B] & RTC_B_AIE) && updating(r);
	for (int64_t t = host_s + 1; armed && found == RTC_NO_ALARM && t <= host_s + DAY_S; t++)
		if (alarm_matches(r, t + r->offset_s))        /* the update that makes it time t */
			found = t * NS_PER_S;
	pthread_mutex_unlock(&r->lock);
	return found;
}

void rtc_wake_reset(struct rtc *r)
{
	pthread_mutex_lock(&r->lock);
	r->cmos[RTC_REG_B] &= (uint8_t)~(RTC_B_PIE | RTC_B_AIE | RTC_B_SQWE);
	r->cmos[RTC_REG_C] = 0;
	pthread_mutex_unlock(&r->lock);
}
