/* SPDX-License-Identifier: MIT */
/*
 * Trace records for irqlab --trace (include/abi/pvport.h "Trace rings", docs/trace.md): one
 * ring per CPU in guest RAM, handed over at the port messages the CPU sends anyway. A record is
 * a handful of instructions; without --trace each call site is one load and one branch.
 */
#ifndef GUEST_TRACE_H
#define GUEST_TRACE_H

#include <stdint.h>

#include <abi/pvport.h>

extern int trace_on;                    /* pv_boot has PV_BOOT_TRACE */

void trace_init(const struct pv_boot *boot);
void trace_put(uint32_t kind, uint32_t arg);
void trace_sync(void);                  /* before a port message: stamp this CPU's sync_tsc */
struct pv_trace_ring *trace_rings(uint32_t *n);  /* HELLO: the array and its length, or NULL */

static inline void trace_ev(uint32_t kind, uint32_t arg)
{
	if (__builtin_expect(trace_on, 0))
		trace_put(kind, arg);
}

#endif
