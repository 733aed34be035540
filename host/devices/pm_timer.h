/* SPDX-License-Identifier: MIT */
/* The ACPI power-management timer (ACPI 1.0b 4.7.3.3): a free-running 24-bit counter at
 * 3.579545 MHz, read with a 32-bit `in` from PM_TMR_BLK (PORT_ACPI_PM_TMR, named in the FADT).
 * Derived from CLOCK_MONOTONIC, so every vCPU reads the same clock; it never interrupts
 * (no PM1 event block, so TMR_STS/TMR_EN do not exist). */
#ifndef IRQLAB_HOST_PM_TIMER_H
#define IRQLAB_HOST_PM_TIMER_H

#include <stdint.h>

#define PM_TIMER_HZ    3579545ull
#define PM_TIMER_MASK  0x00FFFFFFu      /* TMR_VAL_EXT clear in the FADT: 24 bits */

/* The counter at `ns` nanoseconds of CLOCK_MONOTONIC: floor(ns * 3579545 / 1e9) mod 2^24. */
uint32_t pm_timer_at(uint64_t ns);

/* A port access: a 32-bit read of PORT_ACPI_PM_TMR gives the counter; other reads in the block
 * give all-ones (the register is 32-bit only) and writes are ignored (it is read-only). */
void pm_timer_io(uint16_t port, int is_write, int size, uint32_t *val);

#endif
