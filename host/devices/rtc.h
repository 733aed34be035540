/* SPDX-License-Identifier: MIT */
/*
 * The PC's CMOS RTC (MC146818A) at ports 0x70 (index; bit 7 masks NMI) and 0x71 (data), as
 * QEMU's `pc` machine always has one: the time of day from the host's clock (UTC, as QEMU's
 * default -rtc base=utc), in BCD and 24-hour mode unless status register B says otherwise;
 * status A-D; the rest is 128 bytes of CMOS RAM with QEMU's memory-size bytes filled in.
 * No alarm, periodic or update interrupts (IRQ 8 never fires) and no update cycle (UIP is 0).
 */
#ifndef IRQLAB_HOST_RTC_H
#define IRQLAB_HOST_RTC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define RTC_PORT_INDEX 0x70
#define RTC_PORT_DATA  0x71

#define RTC_REG_SECONDS  0x00
#define RTC_REG_MINUTES  0x02
#define RTC_REG_HOURS    0x04
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
#define RTC_B_SET        0x80   /* updates stopped */
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

#endif
