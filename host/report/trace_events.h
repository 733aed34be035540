/* SPDX-License-Identifier: MIT */
/* Internal to trace*.c: the recorded events, one buffer per track, and the state the recorder's
 * files share (trace.h is what the rest of the launcher sees). */
#ifndef IRQLAB_HOST_TRACE_EVENTS_H
#define IRQLAB_HOST_TRACE_EVENTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "abi/pvport.h"

enum tev_kind { K_RUN, K_EXIT, K_BEGIN, K_END, K_SPAN, K_INSTANT, K_GUEST };

struct tev {
	uint64_t ts;          /* host ns, or the guest's TSC (K_GUEST) */
	uint64_t dur;         /* ns (K_RUN, K_SPAN) */
	uint64_t a, b;        /* K_RUN/K_EXIT: exit reason, port|dir<<16 or MMIO address;
	                         K_GUEST: enum pv_trace_kind, its arg */
	char *name, *args;    /* owned */
	int32_t tid;
	uint8_t kind;
};

#define NTRACKS (IRQLAB_MAX_CPUS + 1)
#define NWORKERS 8                    /* tracks NTRACKS..: irqlab check's workers */
#define COM1_TRACK (NTRACKS + NWORKERS) /* then the guest's serial lines */
#define ALL_TRACKS (COM1_TRACK + 1)

/* One buffer per track, each with its own lock: a vCPU thread records its exits without
 * waiting for the others. */
struct trace_track {
	pthread_mutex_t lock;
	struct tev *ev;
	size_t n, cap;
};

extern struct trace_track trace_tracks[ALL_TRACKS];

/* trace_st.lock: the metadata, the clock offset and the rings (trace_rings.c). */
struct trace_state {
	pthread_mutex_t lock;
	char *path;
	FILE *file;                       /* opened by trace_open(): the sandbox forbids it later */
	uint64_t t0;                      /* trace_open() */
	uint64_t count;                   /* events recorded, all tracks (atomic) */
	uint64_t max;                     /* the cap: TRACE_MAX_EVENTS, or less (IRQLAB_TRACE_MAX_EVENTS) */
	uint64_t dropped;                 /* events over TRACE_MAX_EVENTS (atomic) */
	char meta[4096];                  /* "k": "v", ... */
	size_t meta_len;
	uint32_t tsc_khz;
	bool have_offset;
	int64_t offset_ns;                /* host ns - guest TSC ns: the least seen */
	uint64_t ring_lost;               /* records overwritten or malformed */
	uint64_t guest_dropped;           /* the guest's own count: records it found no room for */
	uint64_t last_exit[NTRACKS];      /* host ns of each vCPU's latest exit */
	bool used[ALL_TRACKS];
};

extern struct trace_state trace_st;

/* The track of vCPU `cpu`; TRACE_MAIN (or any cpu out of range): the launcher's, 0. */
int trace_track(int cpu);

/* Under trace_tracks[tid].lock: a new event, zeroed but for its track, kind and time; NULL past
 * the cap (counted as dropped). */
struct tev *trace_push(int tid, uint8_t kind, uint64_t ts);

/* One event on track `tid`, with copies of `name` and `args` (either may be NULL); takes the
 * track's lock. */
void trace_add(int tid, uint8_t kind, uint64_t ts, uint64_t dur, const char *name, const char *args);

/* The contents of a JSON string (no quotes) into buf, cut short to fit. */
void trace_esc(char *buf, size_t len, const char *s);

/* Guest TSC ticks -> ns at trace_st.tsc_khz. */
uint64_t trace_tsc_ns(uint64_t tsc);

/* trace_open(): every track's lock; trace_close(): every event freed, the tracks empty. */
void trace_tracks_init(void);
void trace_tracks_free(void);

#endif
