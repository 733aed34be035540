/* SPDX-License-Identifier: MIT */
/*
 * The session's hook (trace_port_msg()): what each port message becomes on its vCPU's track.
 * SUITE and TEST open spans and RESULT and SUITE_END close them, counted per vCPU so that an
 * end is only recorded for a span that is open; a request is a span of its own; every other
 * message is an instant. Then the guest's rings (trace_rings.c).
 */
#include "trace.h"

#include <stdio.h>

#include "pv_decode.h"
#include "trace_events.h"
#include "trace_rings.h"
#include "util.h"

/* Under trace_tracks[tid].lock: the suite and test spans open on each vCPU's track. */
static uint8_t open_suite[NTRACKS], open_test[NTRACKS];

static const char *const verdicts[] = { "pass", "fail", "skip", "xfail" };

static const char *req_name(uint64_t r)
{
	static const char *const names[] = { "NOP", "MCE_INJECT", "MSI_SIGNAL", "MSI_ROUTE", "IRQ_LINE", "IRQFD" };

	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/* SUITE, TEST: "suite NAME" or "test NAME" begins, from the message's start. */
static void begin_span(int tid, uint64_t t0, const char *what, const char *name, uint8_t *open)
{
	char label[2 * PV_NAME_MAX + 32];
	struct tev *e = trace_push(tid, K_BEGIN, t0);

	if (!e)
		return;
	snprintf(label, sizeof(label), "%s %s", what, name);
	e->name = xstrdup(label);
	(*open)++;
}

/* RESULT: the end of the open test, with the verdict; an instant if no test is open. */
static void result(int tid, uint64_t t1, const struct pv_event *ev)
{
	char args[PV_TEXT_MAX + 64], text[256], gname[6 * PV_NAME_MAX + 8];
	struct tev *e;

	trace_esc(text, sizeof(text), ev->text);
	trace_esc(gname, sizeof(gname), ev->name);
	snprintf(args, sizeof(args), "\"test\": \"%s\", \"verdict\": \"%s\"%s%s%s", gname,
		 verdicts[ev->u.verdict], *text ? ", \"diag\": \"" : "", text, *text ? "\"" : "");
	if (open_test[tid] && (e = trace_push(tid, K_END, t1))) {
		open_test[tid]--;
		e->args = xstrdup(args);
	} else if ((e = trace_push(tid, K_INSTANT, t1))) {
		e->name = xstrdup("result");
		e->args = xstrdup(args);
	}
}

/* SUITE_END: the tests left open end, then the suite. */
static void suite_end(int tid, uint64_t t1)
{
	for (; open_test[tid]; open_test[tid]--)
		trace_push(tid, K_END, t1);
	if (open_suite[tid] && trace_push(tid, K_END, t1))
		open_suite[tid]--;
}

/* REQUEST: "request NAME" from the message's start to its answer, with the return value. */
static void request(int tid, uint64_t t0, uint64_t t1, const struct pv_event *ev)
{
	char name[2 * PV_NAME_MAX + 32], args[64];
	struct tev *e = trace_push(tid, K_SPAN, t0);

	if (!e)
		return;
	snprintf(name, sizeof(name), "request %s", req_name(ev->arg[0]));
	snprintf(args, sizeof(args), "\"ret\": %d", ev->ret);
	e->dur = t1 - t0, e->name = xstrdup(name), e->args = xstrdup(args);
}

/* Any other message: an instant named after its command, with its name and text. */
static void instant(int tid, uint64_t t1, const struct pv_event *ev)
{
	static const char *const n[] = { [PV_CMD_PRINT] = "print", [PV_CMD_METRIC] = "metric",
		[PV_CMD_FAULT] = "fault", [PV_CMD_ABORT] = "abort", [PV_CMD_DONE] = "done",
		[PV_CMD_HELLO] = "hello" };
	char args[PV_TEXT_MAX + 64], text[256], gname[6 * PV_NAME_MAX + 8];
	struct tev *e = trace_push(tid, K_INSTANT, t1);

	if (!e)
		return;
	trace_esc(text, sizeof(text), ev->text);
	trace_esc(gname, sizeof(gname), ev->name);
	snprintf(args, sizeof(args), "\"name\": \"%s\", \"text\": \"%s\"", gname, text);
	e->name = xstrdup(n[ev->cmd]);
	e->args = xstrdup(args);
}

void trace_port_msg(const struct guest_mem *mem, const struct pv_event *ev, int err, uint64_t t0)
{
	int tid = trace_track((int)ev->cpu);
	uint64_t t1 = now_ns();

	pthread_mutex_lock(&trace_tracks[tid].lock);
	switch (err ? PV_CMD_COUNT : ev->cmd) {
	case PV_CMD_SUITE:
		begin_span(tid, t0, "suite", ev->name, &open_suite[tid]);
		break;
	case PV_CMD_TEST:
		begin_span(tid, t0, "test", ev->name, &open_test[tid]);
		break;
	case PV_CMD_RESULT:
		result(tid, t1, ev);
		break;
	case PV_CMD_SUITE_END:
		suite_end(tid, t1);
		break;
	case PV_CMD_REQUEST:
		request(tid, t0, t1, ev);
		break;
	case PV_CMD_PRINT:
	case PV_CMD_METRIC:
	case PV_CMD_FAULT:
	case PV_CMD_ABORT:
	case PV_CMD_DONE:
	case PV_CMD_HELLO:
		instant(tid, t1, ev);
		break;
	case PV_CMD_COUNT:
		break;
	}
	pthread_mutex_unlock(&trace_tracks[tid].lock);
	trace_rings_msg(mem, ev, err);
}
