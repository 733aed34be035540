/* SPDX-License-Identifier: MIT */
#include "pm_timer.h"

#include <time.h>

#include "abi/layout.h"

#define NS_PER_S 1000000000ull

/* Whole seconds and the rest apart, so nothing overflows 64 bits for centuries of uptime. */
uint32_t pm_timer_at(uint64_t ns)
{
	uint64_t ticks = ns / NS_PER_S * PM_TIMER_HZ + ns % NS_PER_S * PM_TIMER_HZ / NS_PER_S;

	return (uint32_t)(ticks & PM_TIMER_MASK);
}

void pm_timer_io(uint16_t port, int is_write, int size, uint32_t *val)
{
	struct timespec ts;

	if (is_write)
		return;
	if (port != PORT_ACPI_PM_TMR || size != 4) {
		*val = 0xFFFFFFFFu;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*val = pm_timer_at((uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec);
}
