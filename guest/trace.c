// SPDX-License-Identifier: MIT
/* The per-CPU trace rings (trace.h). Producer: this CPU only; consumer: the host, which moves
 * `tail` while this CPU runs or sits in a port exit. */
#include "percpu.h"
#include "timer.h"
#include "trace.h"

int trace_on;
static struct pv_trace_ring rings[MAX_CPUS] __attribute__((aligned(64)));

void trace_init(const struct pv_boot *boot)
{
	trace_on = boot && boot->magic == PV_BOOT_MAGIC && (boot->flags & PV_BOOT_TRACE);
}

void trace_put(uint32_t kind, uint32_t arg)
{
	struct pv_trace_ring *r = &rings[this_cpu()->index];
	uint32_t h = r->head;
	struct pv_trace_rec *rec;

	if (h - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= PV_TRACE_RECORDS) {
		r->dropped++;
		return;
	}
	rec = &r->rec[h % PV_TRACE_RECORDS];
	rec->tsc = rdtsc();
	rec->kind = kind;
	rec->arg = arg;
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);   /* the record first (x86: a plain store) */
}

void trace_sync(void)
{
	rings[this_cpu()->index].sync_tsc = rdtsc();
}

struct pv_trace_ring *trace_rings(uint32_t *n)
{
	*n = trace_on ? MAX_CPUS : 0;
	return trace_on ? rings : 0;
}
