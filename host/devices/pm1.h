/* SPDX-License-Identifier: MIT */
/*
 * The ACPI PM1a event and control blocks (ACPI 1.0b 4.7.3.1, 4.7.3.2) at QEMU pc's PIIX4
 * addresses, as the FADT names them: PM1_STS (PORT_ACPI_PM1_EVT, write 1 to clear), PM1_EN
 * (+2) and PM1_CNT (PORT_ACPI_PM1_CNT). Any access width at any byte of the six; a write of
 * SLP_EN with SLP_TYP = 1 (QEMU's S3) asks for the sleeping state, which the vCPU's thread
 * carries out (host/vm/sleep.c). No SCI is ever raised (SCI_EN reads 1: ACPI mode is fixed).
 */
#ifndef IRQLAB_HOST_PM1_H
#define IRQLAB_HOST_PM1_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define PM1_STS_RTC      (1u << 10)   /* the RTC alarm woke the machine */
#define PM1_STS_WAK      (1u << 15)   /* the machine woke from a sleeping state */
#define PM1_EN_RTC       (1u << 10)   /* the RTC alarm may wake the machine */
#define PM1_CNT_SCI_EN   (1u << 0)
#define PM1_CNT_SLP_TYP  (7u << 10)
#define PM1_CNT_SLP_EN   (1u << 13)   /* write-only: the write starts the sleep */
#define PM1_SLP_TYP_S3   1u           /* QEMU's PIIX4: 0 soft-off, 1 S3, 2 S4 */

struct pm1 {
	pthread_mutex_t lock;       /* vCPUs access it from their own threads */
	uint16_t sts, en, cnt;
	bool asleep;                /* in S3 with no wake event: the run ended there */
};

enum pm1_event {
	PM1_NONE,
	PM1_SLEEP_S3,               /* SLP_EN written with SLP_TYP = S3 */
};

void pm1_init(struct pm1 *p);

/* One access of `size` bytes at `port` (PORT_ACPI_PM1_EVT .. PORT_ACPI_PM1_LAST); reads past
 * the blocks' six bytes give all-ones. Returns PM1_SLEEP_S3 when the access asked for S3. */
enum pm1_event pm1_io(struct pm1 *p, uint16_t port, bool is_write, int size, uint32_t *val);

/* Whether PM1_EN lets the RTC alarm wake the machine. */
bool pm1_rtc_wake_enabled(struct pm1 *p);

/* The machine woke from S3 through the RTC alarm: WAK_STS and RTC_STS. */
void pm1_woke_by_rtc(struct pm1 *p);

/* The machine went to S3 with no wake event: recorded for the exit status. */
void pm1_set_asleep(struct pm1 *p);
bool pm1_is_asleep(struct pm1 *p);

#endif
