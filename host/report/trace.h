/* SPDX-License-Identifier: MIT */
/*
 * --trace FILE: a timeline in the Chrome trace-event JSON format (docs/trace.md). Track 0 is the
 * launcher's main thread, track cpu + 1 is vCPU `cpu`. Events are kept in memory (at most
 * TRACE_MAX_EVENTS; the rest are counted and named in a "dropped N events" marker) and written
 * by trace_close(). Every hook is behind `if (trace_active)`: without --trace a run pays one
 * branch per hook. The hooks are thread-safe.
 *
 * The files behind it: trace_host.c (the file, KVM_RUN and its exits, the launcher's spans, COM1),
 * trace_spans.c (trace_port_msg()), trace_rings.c (the guest's trace rings), trace_json.c (the
 * writer) and trace_events.c (the events they record, one buffer per track).
 */
#ifndef IRQLAB_HOST_TRACE_H
#define IRQLAB_HOST_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "mem.h"
#include "util.h"

#define TRACE_MAX_EVENTS 200000
#define TRACE_MAIN (-1)               /* the launcher's track, in place of a cpu */

struct kvm_run;
struct pv_event;

extern bool trace_active;

/* Start recording for `path` (written by trace_close()); argv goes into the metadata. */
int trace_open(const char *path, int argc, char **argv, struct reason *why);
/* Write the file (0, or -errno with `why`) and stop recording. */
int trace_close(struct reason *why);

void trace_meta(const char *key, const char *value);   /* one string in the trace's metadata */
void trace_set_tsc_khz(uint32_t khz);                  /* the guest TSC's rate (pv_boot) */

/* One KVM_RUN of vCPU `cpu` from t0 to t1 (ns), and the exit it ended with (err: -errno). */
void trace_kvm_run(int cpu, uint64_t t0, uint64_t t1, int err, const struct kvm_run *run);

/* Spans (B/E) and instants on a track; args is a JSON object's inside ("\"k\": 1") or NULL. */
void trace_begin(int cpu, const char *name, const char *args);
void trace_end(int cpu, const char *args);
void trace_span(int cpu, const char *name, uint64_t t0, uint64_t t1, const char *args);
/* irqlab check: one isolated check, run by worker slot `worker`, on that worker's track. */
void trace_worker_span(int worker, const char *name, uint64_t t0, uint64_t t1, const char *args);
/* One line of the guest's COM1 output, on the "COM1" track. */
void trace_serial(const char *line, int len);
void trace_instant(int cpu, const char *name, const char *args);

/* The session's hook, after a port message was handled: host events for what it said (suites,
 * tests, requests), the trace rings HELLO announced, and the guest records they hold. */
void trace_port_msg(const struct guest_mem *mem, const struct pv_event *ev, int err, uint64_t t0);
/* launch.c: the VM is built (a "setup" span from the last mark) and the vCPUs start ("run"
 * begins); after they are joined, the rings' last records and the end of "run". */
void trace_run_start(int ncpus, const char *platform);
void trace_run_end(const struct guest_mem *mem);

/* Copy out every ring's new records (also done at each port message). */
void trace_drain(const struct guest_mem *mem);

#endif
