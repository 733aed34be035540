/* SPDX-License-Identifier: MIT */
/*
 * The PC's CMOS RTC (MC146818A) at ports 0x70 (index; bit 7 masks NMI) and 0x71 (data), as
 * QEMU's `pc` machine always has one: the time of day from the host's clock (UTC, as QEMU's
 * default -rtc base=utc), in BCD and 24-hour mode unless status register B says otherwise;
 * status A-D; the rest is 128 bytes of CMOS RAM with QEMU's memory-size bytes filled in.
 * Status A's UIP is 1 from 244 us before each second's update until the update ends 1984 us
 * after it, as on the MC146818A, while the divider runs and status B's SET is clear. The alarm
 * (seconds, minutes, hours; 0xC0-0xFF: don't care) with status B's AIE is a wake event for S3
 * (host/vm/sleep.c): its time comes from rtc_next_alarm_ns(). The wake resets the machine, and
 * with it the RTC's interrupt state, as QEMU's pc does (rtc_wake_reset()). Status C reads its
 * flags and clears them. No interrupts: IRQ 8 never fires.
 */
#ifndef IRQLAB_HOST_RTC_H
#define IRQLAB_HOST_RTC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define RTC_PORT_INDEX 0x70
#define RTC_PORT_DATA  0x71

#define RTC_REG_SECONDS  0x00
#define RTC_REG_SEC_ALARM 0x01
#define RTC_REG_MINUTES  0x02
#define RTC_REG_MIN_ALARM 0x03
#define RTC_REG_HOURS    0x04
#define RTC_REG_HOUR_ALARM 0x05
#define RTC_REG_WEEKDAY  0x06
#define RTC_REG_DAY      0x07
#define RTC_REG_MONTH    0x08
#define RTC_REG_YEAR     0x09
#define RTC_REG_A        0x0A
#define RTC_REG_B        0x0B
#define RTC_REG_C        0x0C
#define RTC_REG_D        0x0D
#define RTC_REG_CENTURY  0x32

#define RTC_B_24H        0x02   /* hours 0-23 (else 1-12 with bit 7 = PM) */
#define RTC_B_BINARY     0x04   /* DM: binary (else BCD) */
#define RTC_B_SQWE       0x08   /* square-wave output */
#define RTC_B_AIE        0x20   /* alarm interrupt enable: here, the alarm is a wake event */
#define RTC_B_PIE        0x40   /* periodic interrupt enable */
#define RTC_B_SET        0x80   /* updates stopped */
#define RTC_A_UIP        0x80   /* update in progress */
#define RTC_A_DV_MASK    0x70
#define RTC_A_DV_RUN     0x20   /* 32.768 kHz time base, divider running */
#define RTC_ALARM_ANY    0xC0   /* an alarm byte with both top bits set matches every value */
#define RTC_NO_ALARM     (-1)
#define RTC_D_VRT        0x80   /* valid RAM and time */

struct rtc {
	pthread_mutex_t lock;     /* vCPUs access it from their own threads */
	uint8_t index;
	uint8_t cmos[128];
	int64_t offset_s;         /* guest time = host time + offset (the guest set the clock) */
};

/* A powered-on RTC with `mem_size` bytes of RAM recorded in CMOS as QEMU does. */
void rtc_init(struct rtc *r, uint64_t mem_size);

/* One access to port 0x70 or 0x71 (only the low byte of a wider access counts). */
void rtc_io(struct rtc *r, uint16_t port, bool is_write, uint32_t *val);

/* Status A's UIP at `now_ns` of CLOCK_REALTIME. */
bool rtc_uip_at(struct rtc *r, int64_t now_ns);

/* The CLOCK_REALTIME ns of the first update after `now_ns` whose time matches the alarm, or
 * RTC_NO_ALARM when AIE is clear or the clock is stopped. At most a day ahead. */
int64_t rtc_next_alarm_ns(struct rtc *r, int64_t now_ns);

/* The machine woke from S3 through a reset: the MC146818A's RESET clears PIE, AIE and SQWE in
 * status B and every flag in status C; the time and the alarm registers stay. */
void rtc_wake_reset(struct rtc *r);

#endif
