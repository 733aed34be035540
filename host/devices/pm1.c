/* SPDX-License-Identifier: MIT */
#include "pm1.h"

#include <string.h>

#include "abi/layout.h"

#define STS_OFF 0                 /* byte offsets from PORT_ACPI_PM1_EVT */
#define EN_OFF  2
#define CNT_OFF 4
#define NBYTES  6
#define CNT_WRITABLE (PM1_CNT_SLP_TYP | 0x0006u)  /* SLP_TYP, GBL_RLS, BM_RLD; SCI_EN is fixed */

void pm1_init(struct pm1 *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->cnt = PM1_CNT_SCI_EN;
}

static uint16_t *reg_of(struct pm1 *p, unsigned off)
{
	return off < EN_OFF ? &p->sts : off < CNT_OFF ? &p->en : &p->cnt;
}

static uint8_t read_byte(struct pm1 *p, unsigned off)
{
	return off < NBYTES ? (uint8_t)(*reg_of(p, off) >> (8 * (off & 1))) : 0xFF;
}

/* One byte of a write; returns whether it was the byte that sets SLP_EN with SLP_TYP = S3. */
static bool write_byte(struct pm1 *p, unsigned off, uint8_t b)
{
	uint16_t v = (uint16_t)(b << (8 * (off & 1))), mask = (uint16_t)(0xFF << (8 * (off & 1)));

	if (off >= NBYTES)
		return false;
	if (off < EN_OFF) {
		p->sts &= (uint16_t)~v;                          /* write 1 to clear */
		return false;
	}
	if (off < CNT_OFF) {
		p->en = (uint16_t)((p->en & ~mask) | v);
		return false;
	}
	p->cnt = (uint16_t)((p->cnt & ~(mask & CNT_WRITABLE)) | (v & CNT_WRITABLE));
	return (v & PM1_CNT_SLP_EN) && ((p->cnt & PM1_CNT_SLP_TYP) >> 10) == PM1_SLP_TYP_S3;
}

enum pm1_event pm1_io(struct pm1 *p, uint16_t port, bool is_write, int size, uint32_t *val)
{
	unsigned off = (unsigned)(port - PORT_ACPI_PM1_EVT);
	bool sleep = false;
	uint32_t out = 0;

	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < size; i++) {
		if (is_write)
			sleep |= write_byte(p, off + (unsigned)i, (uint8_t)(*val >> (8 * i)));
		else
			out |= (uint32_t)read_byte(p, off + (unsigned)i) << (8 * i);
	}
	pthread_mutex_unlock(&p->lock);
	if (!is_write)
		*val = out;
	return sleep ? PM1_SLEEP_S3 : PM1_NONE;
}

bool pm1_rtc_wake_enabled(struct pm1 *p)
{
	bool on;

	pthread_mutex_lock(&p->lock);
	on = p->en & PM1_EN_RTC;
	pthread_mutex_unlock(&p->lock);
	return on;
}

void pm1_woke_by_rtc(struct pm1 *p)
{
	pthread_mutex_lock(&p->lock);
	p->sts |= PM1_STS_WAK | PM1_STS_RTC;
	pthread_mutex_unlock(&p->lock);
}

void pm1_set_asleep(struct pm1 *p)
{
	__atomic_store_n(&p->asleep, true, __ATOMIC_RELEASE);
}

bool pm1_is_asleep(struct pm1 *p)
{
	return __atomic_load_n(&p->asleep, __ATOMIC_ACQUIRE);
}
