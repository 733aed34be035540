/* SPDX-License-Identifier: MIT */
/* Suite `ipi`, shared between tests/test_ipi.c (helpers, physical and shorthand destinations, NMI,
 * wakeup, ICR), tests/test_ipi_logical.c (logical and lowest-priority delivery) and
 * tests/test_ipi_storm.c (the storm and the round-trip latency). */
#ifndef GUEST_TESTS_IPI_SUITE_H
#define GUEST_TESTS_IPI_SUITE_H

#include <stdbool.h>
#include <stdint.h>

#include "percpu.h"

#define IPI_VEC         0x60    /* counted per receiving CPU by ipi_reset()'s handler */
#define PING_VEC        0x61    /* answered with PONG_VEC to the sender (test_ipi_storm.c) */
#define PONG_VEC        0x62
#define STORM_VEC       0x80    /* + sender slot: one vector per storm sender, 0x80..0xBF */
#define IPI_WAIT_US     500000  /* a fixed IPI normally arrives within ~1 ms here; a starved
                                   vCPU thread later (the 500 ms convention) */
#define IPI_SETTLE_US   2000    /* then wait this long for duplicates */
#define IPI_MAX_REPORTS 8       /* per-CPU mismatches listed before a summary */

extern volatile uint32_t ipi_hits[MAX_CPUS];
extern volatile uint32_t ipi_total;

/* Zero the counters of every CPU and (re)install the IPI_VEC handler. */
void ipi_reset(void);
/* Every CPU online and in x2APIC (1) or xAPIC (0) mode; false after a SKIP or a failed check. */
bool ipi_mode(int x2apic);
/* Back to the suite's base mode: x2APIC above 255 CPUs, xAPIC otherwise. */
void ipi_restore(void);

/* want(cpu, ctx): how many IPI_VEC deliveries CPU `cpu` should count. */
typedef uint32_t (*ipi_want_fn)(uint32_t cpu, const void *ctx);
uint32_t ipi_want_all(uint32_t cpu, const void *ctx);
uint32_t ipi_want_all_but(uint32_t cpu, const void *excluded_cpu);
uint32_t ipi_want_only(uint32_t cpu, const void *only_cpu);
/* Wait for the expected total, let duplicates arrive, then compare every CPU's count. */
bool ipi_expect(const char *what, ipi_want_fn want, const void *ctx);

void logical_flat_xapic(void);
void logical_cluster_xapic(void);
void logical_x2apic(void);
void lowest_priority_xapic(void);
void lowest_priority_x2apic(void);
void storm(void);
void roundtrip_xapic(void);
void roundtrip_x2apic(void);

#endif
