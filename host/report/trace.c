/* SPDX-License-Identifier: MIT */
/*
 * The --trace recorder (trace.h) and its writer: the Chrome trace-event JSON format (the
 * "JSON Object Format": {"traceEvents": [...], "otherData": {...}}), which the Perfetto UI and
 * chrome://tracing open as is. Timestamps are µs since trace_open() on CLOCK_MONOTONIC; guest
 * records carry the guest's TSC and are put on that clock when the file is written, with the
 * offset the port messages measured (see trace_port_msg()).
 */
#include "trace.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>

#include "abi/pvport.h"
#include "pv_decode.h"

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

bool trace_active;

/* One buffer per track, each with its own lock: a vCPU thread records its exits without
 * waiting for the others. */
static struct trk {
	pthread_mutex_t lock;
	struct tev *ev;
	size_t n, cap;
} trk[ALL_TRACKS];

/* T.lock: the metadata, the clock offset and the rings. */
static struct {
	pthread_mutex_t lock;
	char *path;
	FILE *file;                       /* opened by trace_open(): the sandbox forbids it later */
	uint64_t t0, mark;                /* trace_open(); the latest run's end */
	uint64_t count;                   /* events recorded, all tracks (atomic) */
	uint64_t max;                     /* the cap: TRACE_MAX_EVENTS, or less (IRQLAB_TRACE_MAX_EVENTS) */
	uint64_t dropped;                 /* events over TRACE_MAX_EVENTS (atomic) */
	char meta[4096];                  /* "k": "v", ... */
	size_t meta_len;
	uint32_t tsc_khz;
	bool have_offset;
	int64_t offset_ns;                /* host ns - guest TSC ns: the least seen */
	/* the guest's rings (HELLO) */
	uint64_t rings;
	uint32_t nrings;
	uint32_t tail[IRQLAB_MAX_CPUS];   /* our own copy: the guest cannot move it */
	uint64_t ring_lost;               /* records overwritten or malformed */
	uint64_t guest_dropped;           /* the guest's own count: records it found no room for */
	uint64_t last_exit[NTRACKS];      /* host ns of each vCPU's latest exit */
	uint8_t open_suite[NTRACKS], open_test[NTRACKS];
	bool used[ALL_TRACKS];
} T = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int track(int cpu)
{
	return cpu < 0 || cpu >= IRQLAB_MAX_CPUS ? 0 : cpu + 1;
}

/* Under trk[tid].lock. Past the cap, count. */
static struct tev *push(int tid, uint8_t kind, uint64_t ts)
{
	struct trk *k = &trk[tid];
	struct tev *e;

	if (__atomic_add_fetch(&T.count, 1, __ATOMIC_RELAXED) > T.max) {
		__atomic_add_fetch(&T.dropped, 1, __ATOMIC_RELAXED);
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
	T.used[tid] = true;
	return e;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void add(int cpu, uint8_t kind, uint64_t ts, uint64_t dur, const char *name, const char *args)
{
	int tid = track(cpu);
	struct tev *e;

	pthread_mutex_lock(&trk[tid].lock);
	e = push(tid, kind, ts);
	if (e) {
		e->dur = dur;
		e->name = dup_or_null(name);
		e->args = dup_or_null(args);
	}
	pthread_mutex_unlock(&trk[tid].lock);
}

int trace_open(const char *path, int argc, char **argv, struct reason *why)
{
	FILE *f = fopen(path, "w");    /* fail now, not after the run; written at trace_close() */
	char cmd[1024];
	size_t off = 0;

	if (!f)
		return failf(why, -errno, "--trace %s: %s", path, strerror(errno));
	T.file = f;
	for (int i = 0; i < ALL_TRACKS; i++)
		pthread_mutex_init(&trk[i].lock, NULL);
	T.path = xstrdup(path);
	T.t0 = now_ns();
	T.max = TRACE_MAX_EVENTS;
	if (getenv("IRQLAB_TRACE_MAX_EVENTS"))   /* a lower cap, for the test of the cap */
		T.max = strtoull(getenv("IRQLAB_TRACE_MAX_EVENTS"), NULL, 10);
	if (T.max > TRACE_MAX_EVENTS)
		T.max = TRACE_MAX_EVENTS;
	cmd[0] = '\0';
	for (int i = 0; i < argc && off < sizeof(cmd); i++)
		off += (size_t)snprintf(cmd + off, sizeof(cmd) - off, "%s%s", i ? " " : "", argv[i]);
	trace_meta("irqlab-version", IRQLAB_VERSION);
	trace_meta("command-line", cmd);
	trace_active = true;
	return 0;
}

/* JSON string contents (no quotes) into buf. */
static void esc(char *buf, size_t len, const char *s)
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

void trace_meta(const char *key, const char *value)
{
	char k[128], v[1024];

	esc(k, sizeof(k), key);
	esc(v, sizeof(v), value ? value : "");
	pthread_mutex_lock(&T.lock);
	if (T.meta_len < sizeof(T.meta))
		T.meta_len += (size_t)snprintf(T.meta + T.meta_len, sizeof(T.meta) - T.meta_len, "%s\"%s\": \"%s\"",
					       T.meta_len ? ", " : "", k, v);
	pthread_mutex_unlock(&T.lock);
}

void trace_set_tsc_khz(uint32_t khz)
{
	T.tsc_khz = khz;
}

void trace_kvm_run(int cpu, uint64_t t0, uint64_t t1, int err, const struct kvm_run *run)
{
	int tid = track(cpu);
	struct tev *e;

	pthread_mutex_lock(&trk[tid].lock);
	__atomic_store_n(&T.last_exit[tid], t1, __ATOMIC_RELAXED);
	if ((e = push(tid, K_RUN, t0)))
		e->dur = t1 - t0, e->a = err ? UINT32_MAX : run->exit_reason;
	if ((e = push(tid, K_EXIT, t1))) {
		e->a = err ? UINT32_MAX : run->exit_reason;
		if (!err && run->exit_reason == KVM_EXIT_IO)
			e->b = run->io.port | (uint64_t)run->io.direction << 16;
		else if (!err && run->exit_reason == KVM_EXIT_MMIO)
			e->b = run->mmio.phys_addr | (uint64_t)run->mmio.is_write << 63;
	}
	pthread_mutex_unlock(&trk[tid].lock);
}

void trace_run_start(int ncpus, const char *platform)
{
	static bool meta_done;
	char args[64];
	uint64_t t = now_ns();

	if (!meta_done) {
		meta_done = true;
		trace_meta("platform", platform);
		snprintf(args, sizeof(args), "%d", ncpus);
		trace_meta("cpus", args);
	}
	snprintf(args, sizeof(args), "\"cpus\": %d", ncpus);
	add(TRACE_MAIN, K_SPAN, T.mark ? T.mark : T.t0, t - (T.mark ? T.mark : T.t0), "setup", NULL);
	add(TRACE_MAIN, K_BEGIN, t, 0, "run", args);
}

void trace_run_end(const struct guest_mem *mem)
{
	trace_drain(mem);
	add(TRACE_MAIN, K_END, now_ns(), 0, NULL, NULL);
	T.mark = now_ns();
}

void trace_begin(int cpu, const char *name, const char *args)
{
	add(cpu, K_BEGIN, now_ns(), 0, name, args);
}

void trace_end(int cpu, const char *args)
{
	add(cpu, K_END, now_ns(), 0, NULL, args);
}

void trace_span(int cpu, const char *name, uint64_t t0, uint64_t t1, const char *args)
{
	add(cpu, K_SPAN, t0, t1 - t0, name, args);
}

void trace_worker_span(int worker, const char *name, uint64_t t0, uint64_t t1, const char *args)
{
	struct tev *e;

	int tid = NTRACKS + (worker % NWORKERS);

	pthread_mutex_lock(&trk[tid].lock);
	if ((e = push(tid, K_SPAN, t0)))
		e->dur = t1 - t0, e->name = dup_or_null(name), e->args = dup_or_null(args);
	pthread_mutex_unlock(&trk[tid].lock);
}

void trace_serial(const char *line, int len)
{
	char text[300], args[sizeof(text) * 6 + 16];
	struct tev *e;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	snprintf(text, sizeof(text), "%.*s", len, line);
	esc(args, sizeof(args) - 16, text);
	pthread_mutex_lock(&trk[COM1_TRACK].lock);
	if ((e = push(COM1_TRACK, K_INSTANT, now_ns()))) {
		size_t n = strlen(args) + 16;

		e->name = xstrdup("serial");
		e->args = xcalloc(1, n);
		snprintf(e->args, n, "\"line\": \"%s\"", args);
	}
	pthread_mutex_unlock(&trk[COM1_TRACK].lock);
}

void trace_instant(int cpu, const char *name, const char *args)
{
	add(cpu, K_INSTANT, now_ns(), 0, name, args);
}

static uint64_t tsc_ns(uint64_t tsc)
{
	return (uint64_t)((unsigned __int128)tsc * 1000000u / T.tsc_khz);
}

/* Under the lock. The ring array the guest announced: aligned, inside RAM, at most one ring per
 * possible vCPU. Anything else means no guest records (and a note in the metadata). */
static void set_rings(const struct guest_mem *mem, uint64_t gpa, uint64_t n)
{
	if (!gpa && !n)
		return;
	if (gpa % 8 || !n || n > IRQLAB_MAX_CPUS || !mem_ptr(mem, gpa, n * sizeof(struct pv_trace_ring))) {
		T.ring_lost++;
		return;
	}
	T.rings = gpa;
	T.nrings = (uint32_t)n;
	memset(T.tail, 0, sizeof(T.tail));
}

/* Under the lock: copy out ring i's records in [tail, head). The host keeps its own tail; a head
 * more than a ring ahead of it is clamped (those records are gone or never were). */
static void drain_ring(const struct guest_mem *mem, uint32_t i)
{
	struct pv_trace_ring *r = mem_ptr(mem, T.rings + (uint64_t)i * sizeof(*r), sizeof(*r));
	uint32_t head, n;

	if (!r)
		return;
	head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	n = head - T.tail[i];
	if (!n)
		return;
	if (n > PV_TRACE_RECORDS) {
		T.ring_lost += n - PV_TRACE_RECORDS;
		T.tail[i] = head - PV_TRACE_RECORDS;
		n = PV_TRACE_RECORDS;
	}
	pthread_mutex_lock(&trk[track((int)i)].lock);
	for (uint32_t k = 0; k < n; k++) {
		struct pv_trace_rec rec;
		struct tev *e;

		memcpy(&rec, (const void *)&r->rec[(T.tail[i] + k) % PV_TRACE_RECORDS], sizeof(rec));
		if (rec.kind == 0 || rec.kind >= PV_TR_KIND_COUNT) {
			T.ring_lost++;
			continue;
		}
		if ((e = push(track((int)i), K_GUEST, rec.tsc)))
			e->a = rec.kind, e->b = rec.arg;
	}
	pthread_mutex_unlock(&trk[track((int)i)].lock);
	T.tail[i] = head;
	__atomic_store_n(&r->tail, head, __ATOMIC_RELEASE);
}

void trace_drain(const struct guest_mem *mem)
{
	pthread_mutex_lock(&T.lock);
	T.guest_dropped = 0;
	for (uint32_t i = 0; i < T.nrings; i++) {
		struct pv_trace_ring *r = mem_ptr(mem, T.rings + (uint64_t)i * sizeof(*r), sizeof(*r));

		drain_ring(mem, i);
		T.guest_dropped += r ? __atomic_load_n(&r->dropped, __ATOMIC_RELAXED) : 0;
	}
	pthread_mutex_unlock(&T.lock);
}

/* The guest stamped sync_tsc just before the `out` whose exit ended at last_exit: the exit is
 * later than the stamp, so host - guest at that pair is an upper bound of the clock offset; the
 * least over all messages is the estimate (its error: the shortest exit's latency, a few µs). */
static void sync_clock(const struct guest_mem *mem, uint32_t cpu)
{
	uint64_t tsc, host = __atomic_load_n(&T.last_exit[track((int)cpu)], __ATOMIC_RELAXED);
	int64_t off;

	if (!T.tsc_khz || cpu >= T.nrings || !host ||
	    mem_read(mem, T.rings + (uint64_t)cpu * sizeof(struct pv_trace_ring) +
			  offsetof(struct pv_trace_ring, sync_tsc), &tsc, sizeof(tsc)) < 0 || !tsc)
		return;
	off = (int64_t)(host - tsc_ns(tsc));
	if (!T.have_offset || off < T.offset_ns)
		T.offset_ns = off, T.have_offset = true;
}

static const char *const verdicts[] = { "pass", "fail", "skip", "xfail" };

static const char *req_name(uint64_t r)
{
	static const char *const names[] = { "NOP", "MCE_INJECT", "MSI_SIGNAL", "MSI_ROUTE", "IRQ_LINE", "IRQFD" };

	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

void trace_port_msg(const struct guest_mem *mem, const struct pv_event *ev, int err, uint64_t t0)
{
	int tid = track((int)ev->cpu);
	uint64_t t1 = now_ns();
	char name[2 * PV_NAME_MAX + 32], args[PV_TEXT_MAX + 64], text[256], gname[6 * PV_NAME_MAX + 8];
	struct tev *e;

	name[0] = args[0] = '\0';
	pthread_mutex_lock(&trk[tid].lock);
	switch (err ? PV_CMD_COUNT : ev->cmd) {
	case PV_CMD_SUITE:
		if ((e = push(tid, K_BEGIN, t0))) {
			snprintf(name, sizeof(name), "suite %s", ev->name);
			e->name = xstrdup(name);
			T.open_suite[tid]++;
		}
		break;
	case PV_CMD_TEST:
		if ((e = push(tid, K_BEGIN, t0))) {
			snprintf(name, sizeof(name), "test %s", ev->name);
			e->name = xstrdup(name);
			T.open_test[tid]++;
		}
		break;
	case PV_CMD_RESULT:
		esc(text, sizeof(text), ev->text);
		esc(gname, sizeof(gname), ev->name);
		snprintf(args, sizeof(args), "\"test\": \"%s\", \"verdict\": \"%s\"%s%s%s", gname,
			 verdicts[ev->u.verdict], *text ? ", \"diag\": \"" : "", text, *text ? "\"" : "");
		if (T.open_test[tid] && (e = push(tid, K_END, t1))) {
			T.open_test[tid]--;
			e->args = xstrdup(args);
		} else if ((e = push(tid, K_INSTANT, t1))) {
			e->name = xstrdup("result");
			e->args = xstrdup(args);
		}
		break;
	case PV_CMD_SUITE_END:
		for (; T.open_test[tid]; T.open_test[tid]--)
			push(tid, K_END, t1);
		if (T.open_suite[tid] && push(tid, K_END, t1))
			T.open_suite[tid]--;
		break;
	case PV_CMD_REQUEST:
		if ((e = push(tid, K_SPAN, t0))) {
			snprintf(name, sizeof(name), "request %s", req_name(ev->arg[0]));
			snprintf(args, sizeof(args), "\"ret\": %d", ev->ret);
			e->dur = t1 - t0, e->name = xstrdup(name), e->args = xstrdup(args);
		}
		break;
	case PV_CMD_PRINT:
	case PV_CMD_METRIC:
	case PV_CMD_FAULT:
	case PV_CMD_ABORT:
	case PV_CMD_DONE:
	case PV_CMD_HELLO:
		if ((e = push(tid, K_INSTANT, t1))) {
			static const char *const n[] = { [PV_CMD_PRINT] = "print", [PV_CMD_METRIC] = "metric",
				[PV_CMD_FAULT] = "fault", [PV_CMD_ABORT] = "abort", [PV_CMD_DONE] = "done",
				[PV_CMD_HELLO] = "hello" };

			esc(text, sizeof(text), ev->text);
			esc(gname, sizeof(gname), ev->name);
			snprintf(args, sizeof(args), "\"name\": \"%s\", \"text\": \"%s\"", gname, text);
			e->name = xstrdup(n[ev->cmd]);
			e->args = xstrdup(args);
		}
		break;
	case PV_CMD_COUNT:
		break;
	}
	pthread_mutex_unlock(&trk[tid].lock);
	/* The rings: whoever holds them is draining them already (HELLO must set them up). */
	if (!err && ev->cmd == PV_CMD_HELLO)
		pthread_mutex_lock(&T.lock);
	else if (pthread_mutex_trylock(&T.lock))
		return;
	if (!err && ev->cmd == PV_CMD_HELLO)
		set_rings(mem, ev->arg[2], ev->arg[3]);
	if (T.nrings)
		sync_clock(mem, ev->cpu);
	for (uint32_t i = 0; i < T.nrings; i++)
		drain_ring(mem, i);
	pthread_mutex_unlock(&T.lock);
}

/* ---- the writer ---------------------------------------------------------------------------- */

static int64_t host_ts(const struct tev *e)
{
	if (e->kind != K_GUEST)
		return (int64_t)(e->ts - T.t0);
	return (int64_t)tsc_ns(e->ts) + T.offset_ns - (int64_t)T.t0;
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
struct pending { int64_t ts[PENDING]; uint32_t vec[PENDING]; uint64_t id[PENDING]; int tid[PENDING]; int n; };

static void write_guest(FILE *f, bool *first, const struct tev *e, int64_t ns, struct pending *pend,
			uint64_t *flow)
{
	uint32_t arg = (uint32_t)e->b;
	static const char *const modes[8] = { "IPI sent", "ICR lowest-priority", "SMI sent", "ICR mode 3",
					      "NMI sent", "INIT sent", "SIPI sent", "ICR mode 7" };

	switch (e->a) {
	case PV_TR_ICR: {
		uint32_t vec = arg & 0xFF, mode = (arg >> 8) & 7, sh = (arg >> 11) & 3, dest = arg >> 16;

		head(f, first, "X", e->tid, ns);
		fprintf(f, ", \"dur\": 0.001, \"cat\": \"guest\", \"name\": \"%s\", \"args\": {\"dest\": %u, "
			"\"vector\": %u, \"shorthand\": %u}}", modes[mode], dest, vec, sh);
		if (mode == 0 && sh == 0 && dest < IRQLAB_MAX_CPUS) {
			struct pending *p = &pend[dest];
			int k = p->n < PENDING ? p->n++ : PENDING - 1;

			p->ts[k] = ns, p->vec[k] = vec, p->id[k] = ++*flow, p->tid[k] = e->tid;
			head(f, first, "s", e->tid, ns);
			fprintf(f, ", \"cat\": \"ipi\", \"name\": \"ipi\", \"id\": %llu}", (unsigned long long)*flow);
		}
		break;
	}
	case PV_TR_IRQ: {
		struct pending *p = e->tid ? &pend[e->tid - 1] : NULL;
		int from = -1;
		uint64_t id = 0;

		for (int k = 0; p && k < p->n; k++) {
			if (p->vec[k] != arg || p->ts[k] > ns)
				continue;
			from = p->tid[k] - 1, id = p->id[k];
			memmove(&p->ts[k], &p->ts[k + 1], (size_t)(p->n - k - 1) * sizeof(p->ts[0]));
			memmove(&p->vec[k], &p->vec[k + 1], (size_t)(p->n - k - 1) * sizeof(p->vec[0]));
			memmove(&p->id[k], &p->id[k + 1], (size_t)(p->n - k - 1) * sizeof(p->id[0]));
			memmove(&p->tid[k], &p->tid[k + 1], (size_t)(p->n - k - 1) * sizeof(p->tid[0]));
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
		break;
	}
	case PV_TR_ONLINE:
		head(f, first, "i", e->tid, ns);
		fprintf(f, ", \"s\": \"t\", \"cat\": \"guest\", \"name\": \"AP online\", \"args\": {\"boots\": %u}}", arg);
		break;
	case PV_TR_MCE:
		head(f, first, "i", e->tid, ns);
		fprintf(f, ", \"s\": \"t\", \"cat\": \"guest\", \"name\": \"#MC handled\", \"args\": {\"banks\": %u}}", arg);
		break;
	}
}

static void write_event(FILE *f, bool *first, const struct tev *e, struct pending *pend, uint64_t *flow)
{
	int64_t ns = host_ts(e);
	char name[512];

	esc(name, sizeof(name), e->name ? e->name : "");
	switch (e->kind) {
	case K_RUN:
		head(f, first, "X", e->tid, ns);
		fprintf(f, ", \"dur\": %llu.%03llu, \"cat\": \"kvm\", \"name\": \"KVM_RUN\"}",
			(unsigned long long)(e->dur / 1000), (unsigned long long)(e->dur % 1000));
		return;
	case K_EXIT:
		head(f, first, "i", e->tid, ns);
		fprintf(f, ", \"s\": \"t\", \"cat\": \"exit\", \"name\": \"%s\"", exit_name(e->a));
		if (e->a == KVM_EXIT_IO)
			fprintf(f, ", \"args\": {\"port\": \"0x%llx\", \"dir\": \"%s\"}", (unsigned long long)(e->b & 0xFFFF),
				e->b >> 16 ? "out" : "in");
		else if (e->a == KVM_EXIT_MMIO)
			fprintf(f, ", \"args\": {\"addr\": \"0x%llx\", \"write\": %d}",
				(unsigned long long)(e->b & ~(1ull << 63)), (int)(e->b >> 63));
		fprintf(f, "}");
		return;
	case K_BEGIN:
		head(f, first, "B", e->tid, ns);
		fprintf(f, ", \"cat\": \"run\", \"name\": \"%s\"", name);
		break;
	case K_END:
		head(f, first, "E", e->tid, ns);
		break;
	case K_SPAN:
		head(f, first, "X", e->tid, ns);
		fprintf(f, ", \"dur\": %llu.%03llu, \"cat\": \"run\", \"name\": \"%s\"",
			(unsigned long long)(e->dur / 1000), (unsigned long long)(e->dur % 1000), name);
		break;
	case K_INSTANT:
		head(f, first, "i", e->tid, ns);
		fprintf(f, ", \"s\": \"t\", \"cat\": \"run\", \"name\": \"%s\"", name);
		break;
	case K_GUEST:
		write_guest(f, first, e, ns, pend, flow);
		return;
	}
	if (e->args)
		fprintf(f, ", \"args\": {%s}", e->args);
	fprintf(f, "}");
}

static void write_meta(FILE *f, bool *first, int tid, const char *what, const char *name, int sort)
{
	fprintf(f, "%s\n{\"ph\": \"M\", \"pid\": 1, \"tid\": %d, \"name\": \"%s\", \"args\": {\"name\": \"%s\"}},"
		"\n{\"ph\": \"M\", \"pid\": 1, \"tid\": %d, \"name\": \"thread_sort_index\", \"args\": {\"sort_index\": %d}}",
		*first ? "" : ",", tid, what, name, tid, sort);
	*first = false;
}

int trace_close(struct reason *why)
{
	FILE *f;
	struct tev **order;
	struct pending *pend;
	uint64_t flow = 0, end, lost;
	size_t total = 0, n = 0;
	uint32_t depth[ALL_TRACKS] = { 0 };
	bool first = true;
	char label[64];
	int err = 0;

	if (!trace_active)
		return 0;
	pthread_mutex_lock(&T.lock);
	trace_active = false;
	end = now_ns();
	f = T.file;
	T.file = NULL;
	if (!f) {
		pthread_mutex_unlock(&T.lock);
		return failf(why, -EBADF, "--trace %s: not open", T.path);
	}
	for (int t = 0; t < ALL_TRACKS; t++)
		total += trk[t].n;
	order = xcalloc(total + 1, sizeof(*order));
	for (int t = 0; t < ALL_TRACKS; t++) {
		pthread_mutex_lock(&trk[t].lock);
		for (size_t i = 0; i < trk[t].n; i++) {
			if (trk[t].ev[i].kind == K_GUEST && !T.have_offset)
				T.ring_lost++;   /* no clock pairs: guest records cannot be placed */
			else
				order[n++] = &trk[t].ev[i];
		}
		pthread_mutex_unlock(&trk[t].lock);
	}
	qsort(order, n, sizeof(*order), cmp_ts);
	fprintf(f, "{\"displayTimeUnit\": \"ns\",\n\"otherData\": {%s, \"events\": \"%zu\", \"dropped-events\": \"%llu\"},\n"
		"\"traceEvents\": [", T.meta, n, (unsigned long long)T.dropped);
	snprintf(label, sizeof(label), "irqlab %s", IRQLAB_VERSION);
	fprintf(f, "\n{\"ph\": \"M\", \"pid\": 1, \"name\": \"process_name\", \"args\": {\"name\": \"%s\"}}", label);
	first = false;
	write_meta(f, &first, 0, "thread_name", "launcher", 0);
	for (int t = 1; t < NTRACKS; t++) {
		if (!T.used[t])
			continue;
		snprintf(label, sizeof(label), "vCPU %d", t - 1);
		write_meta(f, &first, t, "thread_name", label, t);
	}
	for (int w = 0; w < NWORKERS; w++) {
		if (!T.used[NTRACKS + w])
			continue;
		snprintf(label, sizeof(label), "check worker %d", w);
		write_meta(f, &first, NTRACKS + w, "thread_name", label, NTRACKS + w);
	}
	if (T.used[COM1_TRACK])
		write_meta(f, &first, COM1_TRACK, "thread_name", "COM1 (guest serial)", COM1_TRACK);
	pend = xcalloc(IRQLAB_MAX_CPUS, sizeof(*pend));
	for (size_t i = 0; i < n; i++) {
		const struct tev *e = order[i];

		if (e->kind == K_BEGIN)
			depth[e->tid]++;
		if (e->kind == K_END) {
			if (!depth[e->tid])
				continue;   /* an end without its begin (that one was dropped) */
			depth[e->tid]--;
		}
		write_event(f, &first, e, pend, &flow);
	}
	for (int t = 0; t < ALL_TRACKS; t++) {  /* close what a crash or the cap left open */
		for (; depth[t]; depth[t]--) {
			head(f, &first, "E", t, (int64_t)(end - T.t0));
			fprintf(f, ", \"args\": {\"closed\": \"at the end of the run\"}}");
		}
	}
	lost = T.dropped + T.ring_lost + T.guest_dropped;
	if (lost) {
		head(f, &first, "i", 0, (int64_t)(end - T.t0));
		fprintf(f, ", \"s\": \"g\", \"cat\": \"trace\", \"name\": \"dropped %llu events\", \"args\": "
			"{\"over the cap\": %llu, \"cap\": %d, \"guest rings full\": %llu, \"guest records lost\": %llu}}",
			(unsigned long long)lost, (unsigned long long)T.dropped, (int)T.max,
			(unsigned long long)T.guest_dropped, (unsigned long long)T.ring_lost);
	}
	fprintf(f, "\n]}\n");
	if (fclose(f) != 0)
		err = failf(why, -EIO, "--trace %s: write failed", T.path);
	for (int t = 0; t < ALL_TRACKS; t++) {
		for (size_t i = 0; i < trk[t].n; i++)
			free(trk[t].ev[i].name), free(trk[t].ev[i].args);
		free(trk[t].ev);
		trk[t] = (struct trk){ .lock = trk[t].lock };
	}
	free(order);
	free(pend);
	pthread_mutex_unlock(&T.lock);
	return err;
}
