/* SPDX-License-Identifier: MIT */
/*
 * Interrupt deliveries counted per CPU and vector, for the suites that have the host raise
 * interrupts (msi, ioapic). Vectors HIT_VEC_BASE.. and NMI are counted on whichever CPU takes
 * them; a vector whose EOI is deferred is left in service for the test to retire (apic_eoi()).
 * Handlers send no PV message (pv.h): counts are read by the test afterwards.
 */
#ifndef GUEST_TESTS_IRQ_HITS_H
#define GUEST_TESTS_IRQ_HITS_H

#include <stdbool.h>
#include <stdint.h>

#include "smp.h"

#define HIT_VEC_BASE    0x60    /* priority class 6: above SMP_* and TPR 0, below 0xF0 */
#define HIT_VECS        16
#define HIT_WAIT_US     500000  /* a delivery takes tens of us (cross-CPU ~1 ms), but a vCPU
                                   thread starved on a busy 2-core host can wait far longer */
#define HIT_SETTLE_US   2000    /* after the last expected delivery: a duplicate would show */

void hits_arm(void);                            /* handlers installed, every count 0 */
/* Drain (wait until no hit vector is pending on any CPU, HIT_WAIT_US at most; fail the test if
 * one is left or arrives now), then remove the handlers. The test runner calls it after a test
 * that armed and did not disarm. */
void hits_disarm(void);
void hits_defer_eoi(uint8_t vec, bool defer);   /* leave vec in service: the test EOIs */
volatile uint32_t *hits_of(uint32_t cpu, uint8_t vec);
volatile uint32_t *hits_nmi(uint32_t cpu);
uint32_t hits_total(uint8_t vec);               /* summed over CPUs */
uint32_t hits_nmi_total(void);
bool hits_tmr(uint32_t cpu);                    /* the last counted vector's TMR bit there */
/* "cpu0:1 cpu2:3" for vec (or NMI when vec == 2), for diagnostics; returns buf */
const char *hits_where(char *buf, unsigned len, uint8_t vec);
/* Wait (IF=1) until cpu has counted `n` of vec, or HIT_WAIT_US. */
bool hits_wait(uint32_t cpu, uint8_t vec, uint32_t n);
bool hits_wait_nmi(uint32_t cpu, uint32_t n);
/* Wait (IF=1) until the CPUs together have counted `n` of vec, or HIT_WAIT_US. */
bool hits_wait_total(uint8_t vec, uint32_t n);

uint32_t hits_cpus(void);                       /* CPUs counted: smp_ncpus() */

/* Flat logical destinations (SDM Vol. 3A 11.6.2.2): CPU c < 8 gets logical ID 1 << c. Needs xAPIC
 * mode; otherwise the test is skipped and false returned. hits_logical_off() clears the LDRs. */
#define HIT_LOGICAL_CPUS 8
bool hits_logical_on(void);
void hits_logical_off(void);
static inline uint32_t hits_logical_cpus(void)
{
	return hits_cpus() < HIT_LOGICAL_CPUS ? hits_cpus() : HIT_LOGICAL_CPUS;
}

#endif
