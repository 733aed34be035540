/* SPDX-License-Identifier: MIT */
/*
 * The host's side of --trace (trace.h): the file opened and its metadata, each KVM_RUN and its
 * exit, and the spans and instants of the launcher, irqlab check's workers and the guest's COM1
 * lines. Timestamps are ns on CLOCK_MONOTONIC (now_ns()). What the port messages become is
 * trace_spans.c's, the guest's own records trace_rings.c's, the file trace_json.c's.
 */
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>

#include "trace_events.h"

static uint64_t mark;                 /* the latest run's end: the next "setup" starts there */

int trace_open(const char *path, int argc, char **argv, struct reason *why)
{
	FILE *f = fopen(path, "w");    /* fail now, not after the run; written at trace_close() */
	char cmd[1024];
	size_t off = 0;

	if (!f)
		return failf(why, -errno, "--trace %s: %s", path, strerror(errno));
	trace_st.file = f;
	trace_tracks_init();
	trace_st.path = xstrdup(path);
	trace_st.t0 = now_ns();
	trace_st.max = TRACE_MAX_EVENTS;
	if (getenv("IRQLAB_TRACE_MAX_EVENTS"))   /* a lower cap, for the test of the cap */
		trace_st.max = strtoull(getenv("IRQLAB_TRACE_MAX_EVENTS"), NULL, 10);
	if (trace_st.max > TRACE_MAX_EVENTS)
		trace_st.max = TRACE_MAX_EVENTS;
	cmd[0] = '\0';
	for (int i = 0; i < argc && off < sizeof(cmd); i++)
		off += (size_t)snprintf(cmd + off, sizeof(cmd) - off, "%s%s", i ? " " : "", argv[i]);
	trace_meta("irqlab-version", IRQLAB_VERSION);
	trace_meta("command-line", cmd);
	trace_active = true;
	return 0;
}

void trace_meta(const char *key, const char *value)
{
	char k[128], v[1024];

	trace_esc(k, sizeof(k), key);
	trace_esc(v, sizeof(v), value ? value : "");
	pthread_mutex_lock(&trace_st.lock);
	if (trace_st.meta_len < sizeof(trace_st.meta))
		trace_st.meta_len += (size_t)snprintf(trace_st.meta + trace_st.meta_len,
						      sizeof(trace_st.meta) - trace_st.meta_len, "%s\"%s\": \"%s\"",
						      trace_st.meta_len ? ", " : "", k, v);
	pthread_mutex_unlock(&trace_st.lock);
}

void trace_set_tsc_khz(uint32_t khz)
{
	trace_st.tsc_khz = khz;
}

void trace_kvm_run(int cpu, uint64_t t0, uint64_t t1, int err, const struct kvm_run *run)
{
	int tid = trace_track(cpu);
	struct tev *e;

	pthread_mutex_lock(&trace_tracks[tid].lock);
	__atomic_store_n(&trace_st.last_exit[tid], t1, __ATOMIC_RELAXED);
	if ((e = trace_push(tid, K_RUN, t0)))
		e->dur = t1 - t0, e->a = err ? UINT32_MAX : run->exit_reason;
	if ((e = trace_push(tid, K_EXIT, t1))) {
		e->a = err ? UINT32_MAX : run->exit_reason;
		if (!err && run->exit_reason == KVM_EXIT_IO)
			e->b = run->io.port | (uint64_t)run->io.direction << 16;
		else if (!err && run->exit_reason == KVM_EXIT_MMIO)
			e->b = run->mmio.phys_addr | (uint64_t)run->mmio.is_write << 63;
	}
	pthread_mutex_unlock(&trace_tracks[tid].lock);
}

void trace_run_start(int ncpus, const char *platform)
{
	static bool meta_done;
	char args[64];
	uint64_t t = now_ns(), from = mark ? mark : trace_st.t0;

	if (!meta_done) {
		meta_done = true;
		trace_meta("platform", platform);
		snprintf(args, sizeof(args), "%d", ncpus);
		trace_meta("cpus", args);
	}
	snprintf(args, sizeof(args), "\"cpus\": %d", ncpus);
	trace_add(trace_track(TRACE_MAIN), K_SPAN, from, t - from, "setup", NULL);
	trace_add(trace_track(TRACE_MAIN), K_BEGIN, t, 0, "run", args);
}

void trace_run_end(const struct guest_mem *mem)
{
	trace_drain(mem);
	trace_add(trace_track(TRACE_MAIN), K_END, now_ns(), 0, NULL, NULL);
	mark = now_ns();
}

void trace_begin(int cpu, const char *name, const char *args)
{
	trace_add(trace_track(cpu), K_BEGIN, now_ns(), 0, name, args);
}

void trace_end(int cpu, const char *args)
{
	trace_add(trace_track(cpu), K_END, now_ns(), 0, NULL, args);
}

void trace_span(int cpu, const char *name, uint64_t t0, uint64_t t1, const char *args)
{
	trace_add(trace_track(cpu), K_SPAN, t0, t1 - t0, name, args);
}

void trace_worker_span(int worker, const char *name, uint64_t t0, uint64_t t1, const char *args)
{
	trace_add(NTRACKS + (worker % NWORKERS), K_SPAN, t0, t1 - t0, name, args);
}

void trace_serial(const char *line, int len)
{
	char text[300], args[sizeof(text) * 6 + 16];
	struct tev *e;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	snprintf(text, sizeof(text), "%.*s", len, line);
	trace_esc(args, sizeof(args) - 16, text);
	pthread_mutex_lock(&trace_tracks[COM1_TRACK].lock);
	if ((e = trace_push(COM1_TRACK, K_INSTANT, now_ns()))) {
		size_t n = strlen(args) + 16;

		e->name = xstrdup("serial");
		e->args = xcalloc(1, n);
		snprintf(e->args, n, "\"line\": \"%s\"", args);
	}
	pthread_mutex_unlock(&trace_tracks[COM1_TRACK].lock);
}

void trace_instant(int cpu, const char *name, const char *args)
{
	trace_add(trace_track(cpu), K_INSTANT, now_ns(), 0, name, args);
}
