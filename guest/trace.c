// SPDX-License-Identifier: MIT
/* The per-CPU trace rings (trace.h). Producer: this CPU only; consumer: the host, which moves
 * `tail` while this CPU runs or sits in a port exit.
 *
 * The rings take no room in the image: with --trace they are carved from the RAM right after the
 * AP stacks (above_image.h), one per APIC ID slot. Without room for them there is no tracing. */
#include "above_image.h"
#include "percpu.h"
#include "trace.h"
#include "tsc.h"

int trace_on;
static struct pv_trace_ring *rings;
static uint32_t nrings;

void trace_init(const struct pv_boot *boot)
{
	uint64_t base, n;

	trace_on = 0;
	if (!boot || boot->magic != PV_BOOT_MAGIC || !(boot->flags & PV_BOOT_TRACE))
		return;
	n = boot->max_cpus > boot->ncpus ? boot->max_cpus : boot->ncpus;   /* smp.c's nslots */
	n = n < MAX_CPUS ? n : MAX_CPUS;
	base = above_ap_stacks(n);
	if (!n || base + n * sizeof(struct pv_trace_ring) > boot->mem_bytes)
		return;
	rings = (struct pv_trace_ring *)(uintptr_t)base;
	nrings = (uint32_t)n;
	trace_on = 1;
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
	*n = trace_on ? nrings : 0;
	return trace_on ? rings : 0;
}
