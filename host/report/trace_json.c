/* SPDX-License-Identifier: MIT */
/*
 * The --trace file, written by trace_close(): the Chrome trace-event JSON format (the "JSON
 * Object Format": {"traceEvents": [...], "otherData": {...}}), which the Perfetto UI and
 * chrome://tracing open as is. Timestamps are µs since trace_open(); guest records carry the
 * guest's TSC and are put on the host's clock here, with the offset trace_rings.c measured.
 */
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>

#include "trace_events.h"
#include "util.h"

static int64_t host_ts(const struct tev *e)
{
	if (e->kind != K_GUEST)
		return (int64_t)(e->ts - trace_st.t0);
	return (int64_t)trace_tsc_ns(e->ts) + trace_st.offset_ns - (int64_t)trace_st.t0;
}

static int cmp_ts(const void *a, const void *b)
{
	const struct tev *x = *(struct tev *const *)a, *y = *(struct tev *const *)b;
	int64_t tx = host_ts(x), ty = host_ts(y);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x < y ? -1 : x > y;   /* stable: recording order */
}

static const char *exit_name(uint64_t reason)
{
	switch (reason) {
	case KVM_EXIT_IO:       return "exit io";
	case KVM_EXIT_MMIO:     return "exit mmio";
	case KVM_EXIT_HLT:      return "exit hlt";
	case KVM_EXIT_SHUTDOWN: return "exit shutdown";
	case KVM_EXIT_INTR:     return "exit intr";
	case UINT32_MAX:        return "exit interrupted (EINTR)";
	default:                return "exit other";
	}
}

static void head(FILE *f, bool *first, const char *ph, int tid, int64_t ns)
{
	fprintf(f, "%s\n{\"ph\": \"%s\", \"pid\": 1, \"tid\": %d, \"ts\": %lld.%03lld", *first ? "" : ",", ph, tid,
		(long long)(ns / 1000), (long long)((ns < 0 ? -ns : ns) % 1000));
	*first = false;
}

/* Pending IPI sends per destination, to draw each send -> receive as a flow arrow. */
#define PENDING 8
struct ipi { int64_t ts; uint32_t vec; uint64_t id; int tid; };
struct pending { struct ipi q[PENDING]; int n; };

/* A write of the ICR: the IPI (or INIT, SIPI, NMI...) sent; a fixed IPI to one vCPU starts a flow. */
static void write_icr(FILE *f, bool *first, const struct tev *e, int64_t ns, struct pending *pend,
		      uint64_t *flow)
{
	static const char *const modes[8] = { "IPI sent", "ICR lowest-priority", "SMI sent", "ICR mode 3",
					      "NMI sent", "INIT sent", "SIPI sent", "ICR mode 7" };
	uint32_t arg = (uint32_t)e->b;
	uint32_t vec = arg & 0xFF, mode = (arg >> 8) & 7, sh = (arg >> 11) & 3, dest = arg >> 16;

	head(f, first, "X", e->tid, ns);
	fprintf(f, ", \"dur\": 0.001, \"cat\": \"guest\", \"name\": \"%s\", \"args\": {\"dest\": %u, "
		"\"vector\": %u, \"shorthand\": %u}}", modes[mode], dest, vec, sh);
	if (mode == 0 && sh == 0 && dest < IRQLAB_MAX_CPUS) {
		struct pending *p = &pend[dest];
		int k = p->n < PENDING ? p->n++ : PENDING - 1;

		p->q[k] = (struct ipi){ .ts = ns, .vec = vec, .id = ++*flow, .tid = e->tid };
		head(f, first, "s", e->tid, ns);
		fprintf(f, ", \"cat\": \"ipi\", \"name\": \"ipi\", \"id\": %llu}", (unsigned long long)*flow);
	}
}

/* An interrupt taken: the IPI received (ending the flow of its send) if one with its vector was
 * pending for this vCPU, else an exception or an interrupt. */
static void write_irq(FILE *f, bool *first, const struct tev *e, int64_t ns, struct pending *pend)
{
	uint32_t arg = (uint32_t)e->b;
	struct pending *p = e->tid ? &pend[e->tid - 1] : NULL;
	int from = -1;
	uint64_t id = 0;

	for (int k = 0; p && k < p->n; k++) {
		if (p->q[k].vec != arg || p->q[k].ts > ns)
			continue;
		from = p->q[k].tid - 1, id = p->q[k].id;
		memmove(&p->q[k], &p->q[k + 1], (size_t)(p->n - k - 1) * sizeof(p->q[0]));
		p->n--;
		break;
	}
	head(f, first, "X", e->tid, ns);
	fprintf(f, ", \"dur\": 0.001, \"cat\": \"guest\", \"name\": \"%s\", \"args\": {\"vector\": %u",
		from >= 0 ? "IPI received" : arg < 32 ? "exception" : "interrupt", arg);
	if (from >= 0)
		fprintf(f, ", \"from\": %d", from);
	fprintf(f, "}}");
	if (id) {
		head(f, first, "f", e->tid, ns);
		fprintf(f, ", \"bp\": \"e\", \"cat\": \"ipi\", \"name\": \"ipi\", \"id\": %llu}", (unsigned long long)id);
	}
}

/* A guest record of its own: an instant with the record's argument under `arg_name`. */
static void write_guest_instant(FILE *f, bool *first, const struct tev *e, int64_t ns, const char *name,
				const char *arg_name)
{
	head(f, first, "i", e->tid, ns);
	fprintf(f, ", \"s\": \"t\", \"cat\": \"guest\", \"name\": \"%s\", \"args\": {\"%s\": %u}}", name, arg_name,
		(uint32_t)e->b);
}

static void write_guest(FILE *f, bool *first, const struct tev *e, int64_t ns, struct pending *pend,
			uint64_t *flow)
{
	switch (e->a) {
	case PV_TR_ICR:
		write_icr(f, first, e, ns, pend, flow);
		break;
	case PV_TR_IRQ:
		write_irq(f, first, e, ns, pend);
		break;
	case PV_TR_ONLINE:
		write_guest_instant(f, first, e, ns, "AP online", "boots");
		break;
	case PV_TR_MCE:
		write_guest_instant(f, first, e, ns, "#MC handled", "banks");
		break;
	}
}

static void write_dur(FILE *f, uint64_t ns)
{
	fprintf(f, ", \"dur\": %llu.%03llu", (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
}

/* One KVM_RUN, as a span. */
static void write_kvm_run(FILE *f, bool *first, const struct tev *e, int64_t ns)
{
	head(f, first, "X", e->tid, ns);
	write_dur(f, e->dur);
	fprintf(f, ", \"cat\": \"kvm\", \"name\": \"KVM_RUN\"}");
}

/* The exit a KVM_RUN ended with, and its port or MMIO address. */
static void write_exit(FILE *f, bool *first, const struct tev *e, int64_t ns)
{
	head(f, first, "i", e->tid, ns);
	fprintf(f, ", \"s\": \"t\", \"cat\": \"exit\", \"name\": \"%s\"", exit_name(e->a));
	if (e->a == KVM_EXIT_IO)
		fprintf(f, ", \"args\": {\"port\": \"0x%llx\", \"dir\": \"%s\"}", (unsigned long long)(e->b & 0xFFFF),
			e->b >> 16 ? "out" : "in");
	else if (e->a == KVM_EXIT_MMIO)
		fprintf(f, ", \"args\": {\"addr\": \"0x%llx\", \"write\": %d}",
			(unsigned long long)(e->b & ~(1ull << 63)), (int)(e->b >> 63));
	fprintf(f, "}");
}

/* A span's begin or end, a span, or an instant of the run (category "run"), with its args. */
static void write_run_event(FILE *f, bool *first, const struct tev *e, int64_t ns)
{
	static const char *const ph[] = { [K_BEGIN] = "B", [K_END] = "E", [K_SPAN] = "X", [K_INSTANT] = "i" };
	char name[512];

	trace_esc(name, sizeof(name), e->name ? e->name : "");
	head(f, first, ph[e->kind], e->tid, ns);
	if (e->kind == K_SPAN)
		write_dur(f, e->dur);
	if (e->kind == K_INSTANT)
		fprintf(f, ", \"s\": \"t\"");
	if (e->kind != K_END)
		fprintf(f, ", \"cat\": \"run\", \"name\": \"%s\"", name);
	if (e->args)
		fprintf(f, ", \"args\": {%s}", e->args);
	fprintf(f, "}");
}

static void write_event(FILE *f, bool *first, const struct tev *e, struct pending *pend, uint64_t *flow)
{
	int64_t ns = host_ts(e);

	if (e->kind == K_RUN)
		write_kvm_run(f, first, e, ns);
	else if (e->kind == K_EXIT)
		write_exit(f, first, e, ns);
	else if (e->kind == K_GUEST)
		write_guest(f, first, e, ns, pend, flow);
	else
		write_run_event(f, first, e, ns);   /* K_BEGIN, K_END, K_SPAN, K_INSTANT */
}

static void write_meta(FILE *f, bool *first, int tid, const char *what, const char *name, int sort)
{
	fprintf(f, "%s\n{\"ph\": \"M\", \"pid\": 1, \"tid\": %d, \"name\": \"%s\", \"args\": {\"name\": \"%s\"}},"
		"\n{\"ph\": \"M\", \"pid\": 1, \"tid\": %d, \"name\": \"thread_sort_index\", \"args\": {\"sort_index\": %d}}",
		*first ? "" : ",", tid, what, name, tid, sort);
	*first = false;
}

/* Every event the file can place, in time order (*n of them); guest records are lost when no
 * port message paired the clocks. Under trace_st.lock. */
static struct tev **sorted_events(size_t *n)
{
	size_t total = 0;
	struct tev **order;

	for (int t = 0; t < ALL_TRACKS; t++)
		total += trace_tracks[t].n;
	order = xcalloc(total + 1, sizeof(*order));
	*n = 0;
	for (int t = 0; t < ALL_TRACKS; t++) {
		pthread_mutex_lock(&trace_tracks[t].lock);
		for (size_t i = 0; i < trace_tracks[t].n; i++) {
			if (trace_tracks[t].ev[i].kind == K_GUEST && !trace_st.have_offset)
				trace_st.ring_lost++;   /* no clock pairs: guest records cannot be placed */
			else
				order[(*n)++] = &trace_tracks[t].ev[i];
		}
		pthread_mutex_unlock(&trace_tracks[t].lock);
	}
	qsort(order, *n, sizeof(*order), cmp_ts);
	return order;
}

/* The process's name, and the name of each track that holds events. */
static void write_track_names(FILE *f, bool *first)
{
	char label[64];

	snprintf(label, sizeof(label), "irqlab %s", IRQLAB_VERSION);
	fprintf(f, "\n{\"ph\": \"M\", \"pid\": 1, \"name\": \"process_name\", \"args\": {\"name\": \"%s\"}}", label);
	*first = false;
	write_meta(f, first, 0, "thread_name", "launcher", 0);
	for (int t = 1; t < NTRACKS; t++) {
		if (!trace_st.used[t])
			continue;
		snprintf(label, sizeof(label), "vCPU %d", t - 1);
		write_meta(f, first, t, "thread_name", label, t);
	}
	for (int w = 0; w < NWORKERS; w++) {
		if (!trace_st.used[NTRACKS + w])
			continue;
		snprintf(label, sizeof(label), "check worker %d", w);
		write_meta(f, first, NTRACKS + w, "thread_name", label, NTRACKS + w);
	}
	if (trace_st.used[COM1_TRACK])
		write_meta(f, first, COM1_TRACK, "thread_name", "COM1 (guest serial)", COM1_TRACK);
}

/* The events in order. An end whose begin was dropped is left out; a span still open (a crash,
 * the cap) is closed at `end`. */
static void write_events(FILE *f, bool *first, struct tev *const *order, size_t n, uint64_t end)
{
	uint32_t depth[ALL_TRACKS] = { 0 };
	struct pending *pend = xcalloc(IRQLAB_MAX_CPUS, sizeof(*pend));
	uint64_t flow = 0;

	for (size_t i = 0; i < n; i++) {
		const struct tev *e = order[i];

		if (e->kind == K_BEGIN)
			depth[e->tid]++;
		if (e->kind == K_END) {
			if (!depth[e->tid])
				continue;   /* an end without its begin (that one was dropped) */
			depth[e->tid]--;
		}
		write_event(f, first, e, pend, &flow);
	}
	for (int t = 0; t < ALL_TRACKS; t++) {  /* close what a crash or the cap left open */
		for (; depth[t]; depth[t]--) {
			head(f, first, "E", t, (int64_t)(end - trace_st.t0));
			fprintf(f, ", \"args\": {\"closed\": \"at the end of the run\"}}");
		}
	}
	free(pend);
}

/* One global instant saying how many events are missing, and why, if any are. */
static void write_dropped(FILE *f, bool *first, uint64_t end)
{
	uint64_t lost = trace_st.dropped + trace_st.ring_lost + trace_st.guest_dropped;

	if (!lost)
		return;
	head(f, first, "i", 0, (int64_t)(end - trace_st.t0));
	fprintf(f, ", \"s\": \"g\", \"cat\": \"trace\", \"name\": \"dropped %llu events\", \"args\": "
		"{\"over the cap\": %llu, \"cap\": %d, \"guest rings full\": %llu, \"guest records lost\": %llu}}",
		(unsigned long long)lost, (unsigned long long)trace_st.dropped, (int)trace_st.max,
		(unsigned long long)trace_st.guest_dropped, (unsigned long long)trace_st.ring_lost);
}

int trace_close(struct reason *why)
{
	FILE *f;
	struct tev **order;
	uint64_t end;
	size_t n;
	bool first = true;
	int err = 0;

	if (!trace_active)
		return 0;
	pthread_mutex_lock(&trace_st.lock);
	trace_active = false;
	end = now_ns();
	f = trace_st.file;
	trace_st.file = NULL;
	if (!f) {
		pthread_mutex_unlock(&trace_st.lock);
		return failf(why, -EBADF, "--trace %s: not open", trace_st.path);
	}
	order = sorted_events(&n);
	fprintf(f, "{\"displayTimeUnit\": \"ns\",\n\"otherData\": {%s, \"events\": \"%zu\", \"dropped-events\": \"%llu\"},\n"
		"\"traceEvents\": [", trace_st.meta, n, (unsigned long long)trace_st.dropped);
	write_track_names(f, &first);
	write_events(f, &first, order, n, end);
	write_dropped(f, &first, end);
	fprintf(f, "\n]}\n");
	if (fclose(f) != 0)
		err = failf(why, -EIO, "--trace %s: write failed", trace_st.path);
	trace_tracks_free();
	free(order);
	pthread_mutex_unlock(&trace_st.lock);
	return err;
}
