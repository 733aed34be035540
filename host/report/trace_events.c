/* SPDX-License-Identifier: MIT */
/* The --trace recorder's events (trace_events.h): one buffer per track under its own lock, the
 * cap on their number, and the state the recorder's files share. */
#include "trace.h"
#include "trace_events.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

bool trace_active;
struct trace_track trace_tracks[ALL_TRACKS];
struct trace_state trace_st = { .lock = PTHREAD_MUTEX_INITIALIZER };

int trace_track(int cpu)
{
	return cpu < 0 || cpu >= IRQLAB_MAX_CPUS ? 0 : cpu + 1;
}

struct tev *trace_push(int tid, uint8_t kind, uint64_t ts)
{
	struct trace_track *k = &trace_tracks[tid];
	struct tev *e;

	if (__atomic_add_fetch(&trace_st.count, 1, __ATOMIC_RELAXED) > trace_st.max) {
		__atomic_add_fetch(&trace_st.dropped, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 1024;
		k->ev = realloc(k->ev, k->cap * sizeof(*k->ev));
		if (!k->ev)
			die(EXIT_GUEST, "out of memory for the trace");
	}
	e = &k->ev[k->n++];
	memset(e, 0, sizeof(*e));
	e->tid = tid, e->kind = kind, e->ts = ts;
	trace_st.used[tid] = true;
	return e;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void trace_add(int tid, uint8_t kind, uint64_t ts, uint64_t dur, const char *name, const char *args)
{
	struct tev *e;

	pthread_mutex_lock(&trace_tracks[tid].lock);
	e = trace_push(tid, kind, ts);
	if (e) {
		e->dur = dur;
		e->name = dup_or_null(name);
		e->args = dup_or_null(args);
	}
	pthread_mutex_unlock(&trace_tracks[tid].lock);
}

void trace_esc(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\u%04x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
}

uint64_t trace_tsc_ns(uint64_t tsc)
{
	return (uint64_t)((unsigned __int128)tsc * 1000000u / trace_st.tsc_khz);
}

void trace_tracks_init(void)
{
	for (int i = 0; i < ALL_TRACKS; i++)
		pthread_mutex_init(&trace_tracks[i].lock, NULL);
}

void trace_tracks_free(void)
{
	for (int t = 0; t < ALL_TRACKS; t++) {
		for (size_t i = 0; i < trace_tracks[t].n; i++)
			free(trace_tracks[t].ev[i].name), free(trace_tracks[t].ev[i].args);
		free(trace_tracks[t].ev);
		trace_tracks[t] = (struct trace_track){ .lock = trace_tracks[t].lock };
	}
}
