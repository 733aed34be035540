/* SPDX-License-Identifier: MIT */
/*
 * The guest's trace rings (trace_rings.h): one ring of {tsc, kind, arg} records per CPU, in guest
 * RAM, announced at HELLO and drained at every port message and at the end of the run. The
 * records carry the guest's TSC; trace_json.c puts them on the host's clock with the offset the
 * port messages measured here (sync_clock()). Everything the guest wrote is checked: a ring
 * array outside RAM or misaligned, a head far ahead of the tail, a record of no known kind.
 */
#include "trace.h"
#include "trace_rings.h"

#include <stddef.h>
#include <string.h>

#include "pv_decode.h"
#include "trace_events.h"

/* Under trace_st.lock. */
static uint64_t rings;                    /* guest address of the ring array, from HELLO */
static uint32_t nrings;
static uint32_t tail[IRQLAB_MAX_CPUS];    /* our own copy: the guest cannot move it */

/* Under the lock. The ring array the guest announced: aligned, inside RAM, at most one ring per
 * possible vCPU. Anything else means no guest records (and a note in the metadata). */
static void set_rings(const struct guest_mem *mem, uint64_t gpa, uint64_t n)
{
	if (!gpa && !n)
		return;
	if (gpa % 8 || !n || n > IRQLAB_MAX_CPUS || !mem_ptr(mem, gpa, n * sizeof(struct pv_trace_ring))) {
		trace_st.ring_lost++;
		return;
	}
	rings = gpa;
	nrings = (uint32_t)n;
	memset(tail, 0, sizeof(tail));
}

/* Under the lock: copy out ring i's records in [tail, head). The host keeps its own tail; a head
 * more than a ring ahead of it is clamped (those records are gone or never were). */
static void drain_ring(const struct guest_mem *mem, uint32_t i)
{
	struct pv_trace_ring *r = mem_ptr(mem, rings + (uint64_t)i * sizeof(*r), sizeof(*r));
	int tid = trace_track((int)i);
	uint32_t head, n;

	if (!r)
		return;
	head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	n = head - tail[i];
	if (!n)
		return;
	if (n > PV_TRACE_RECORDS) {
		trace_st.ring_lost += n - PV_TRACE_RECORDS;
		tail[i] = head - PV_TRACE_RECORDS;
		n = PV_TRACE_RECORDS;
	}
	pthread_mutex_lock(&trace_tracks[tid].lock);
	for (uint32_t k = 0; k < n; k++) {
		struct pv_trace_rec rec;
		struct tev *e;

		memcpy(&rec, (const void *)&r->rec[(tail[i] + k) % PV_TRACE_RECORDS], sizeof(rec));
		if (rec.kind == 0 || rec.kind >= PV_TR_KIND_COUNT) {
			trace_st.ring_lost++;
			continue;
		}
		if ((e = trace_push(tid, K_GUEST, rec.tsc)))
			e->a = rec.kind, e->b = rec.arg;
	}
	pthread_mutex_unlock(&trace_tracks[tid].lock);
	tail[i] = head;
	__atomic_store_n(&r->tail, head, __ATOMIC_RELEASE);
}

void trace_drain(const struct guest_mem *mem)
{
	pthread_mutex_lock(&trace_st.lock);
	trace_st.guest_dropped = 0;
	for (uint32_t i = 0; i < nrings; i++) {
		struct pv_trace_ring *r = mem_ptr(mem, rings + (uint64_t)i * sizeof(*r), sizeof(*r));

		drain_ring(mem, i);
		trace_st.guest_dropped += r ? __atomic_load_n(&r->dropped, __ATOMIC_RELAXED) : 0;
	}
	pthread_mutex_unlock(&trace_st.lock);
}

/* The guest stamped sync_tsc just before the `out` whose exit ended at last_exit: the exit is
 * later than the stamp, so host - guest at that pair is an upper bound of the clock offset; the
 * least over all messages is the estimate (its error: the shortest exit's latency, a few µs). */
static void sync_clock(const struct guest_mem *mem, uint32_t cpu)
{
	uint64_t tsc, host = __atomic_load_n(&trace_st.last_exit[trace_track((int)cpu)], __ATOMIC_RELAXED);
	int64_t off;

	if (!trace_st.tsc_khz || cpu >= nrings || !host ||
	    mem_read(mem, rings + (uint64_t)cpu * sizeof(struct pv_trace_ring) +
			  offsetof(struct pv_trace_ring, sync_tsc), &tsc, sizeof(tsc)) < 0 || !tsc)
		return;
	off = (int64_t)(host - trace_tsc_ns(tsc));
	if (!trace_st.have_offset || off < trace_st.offset_ns)
		trace_st.offset_ns = off, trace_st.have_offset = true;
}

void trace_rings_msg(const struct guest_mem *mem, const struct pv_event *ev, int err)
{
	bool hello = !err && ev->cmd == PV_CMD_HELLO;

	/* Whoever holds the rings is draining them already (HELLO must set them up). */
	if (hello)
		pthread_mutex_lock(&trace_st.lock);
	else if (pthread_mutex_trylock(&trace_st.lock))
		return;
	if (hello)
		set_rings(mem, ev->arg[2], ev->arg[3]);
	if (nrings)
		sync_clock(mem, ev->cpu);
	for (uint32_t i = 0; i < nrings; i++)
		drain_ring(mem, i);
	pthread_mutex_unlock(&trace_st.lock);
}
