/* SPDX-License-Identifier: MIT */
/*
 * The session's event handlers: each decoded command becomes report calls (or a request served
 * through the session's ops). One switch over enum pv_cmd, without default: a command without
 * a handler does not compile (-Werror=switch, host/meson.build; tests/unit/switch_check.py).
 */
#include "session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "pv_decode.h"
#include "trace.h"

/* "#GP", or "vector 48" for vectors without a mnemonic. */
static const char *vector_name(uint64_t v, char *buf, size_t len)
{
	static const char *const names[] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
		"#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	};

	if (v < ARRAY_SIZE(names))
		return names[v];
	snprintf(buf, len, "vector %llu", (unsigned long long)v);
	return buf;
}

static int on_fault(struct session *s, const struct pv_event *ev)
{
	char summary[256], details[PV_TEXT_MAX + 128], vec[32];

	snprintf(summary, sizeof(summary), "unexpected %s(0x%llx) on cpu %u at RIP=0x%llx",
		 vector_name(ev->u.fault.vector, vec, sizeof(vec)), (unsigned long long)ev->u.fault.error,
		 ev->cpu, (unsigned long long)ev->u.fault.rip);
	snprintf(details, sizeof(details), "CR2=0x%llx RSP=0x%llx%s%s", (unsigned long long)ev->u.fault.cr2,
		 (unsigned long long)ev->u.fault.rsp, *ev->text ? "\n" : "", ev->text);
	report_crash(s->report, OUT_ERROR, summary, details);
	return 0;
}

static int on_abort(struct session *s, const struct pv_event *ev)
{
	char summary[PV_TEXT_MAX + PV_NAME_MAX + 64];

	snprintf(summary, sizeof(summary), "guest abort on cpu %u at %s:%llu: %s", ev->cpu, ev->name,
		 (unsigned long long)ev->u.line, ev->text);
	for (char *p = summary; *p;) {  /* one KTAP line: no line breaks, controls or '#' */
		int n = utf8_line_break_len(p);

		if (n || (unsigned char)*p < 0x20 || *p == 0x7f || *p == '#')
			memset(p, ' ', n ? (size_t)n : 1);
		p += n ? n : 1;
	}
	report_crash(s->report, OUT_ERROR, summary, NULL);
	return 0;
}

/* A refused request is not a protocol error: one `# host: refused` line, and the run goes on. */
static int on_request(struct session *s, struct pv_event *ev)
{
	struct reason why = { "" };
	uint64_t t0 = now_ns();

	if (ev->arg[0] == PV_REQ_NOP)
		ev->ret = 0;
	else if (!s->req)
		ev->ret = -PV_ENOSYS;
	else
		ev->ret = s->req->serve(s->req_opaque, ev->cpu, ev->arg, &why);
	__atomic_add_fetch(&s->request_ns, now_ns() - t0, __ATOMIC_RELAXED);
	if (ev->ret == -PV_EINVAL && *why.text) {
		char line[sizeof(why.text) + 32];

		snprintf(line, sizeof(line), "host: refused %s", why.text);
		report_diag(s->report, line);
	}
	return 0;
}

/* The one place a command meets its handler. */
static int dispatch(struct session *s, struct pv_event *ev, enum pv_action *act, struct reason *why)
{
	struct report *r = s->report;

	switch (ev->cmd) {
	case PV_CMD_HELLO:     return session_hello(s, ev, act, why);
	case PV_CMD_PRINT:     report_diag(r, ev->text); return 0;
	case PV_CMD_SUITE:     return report_suite_begin(r, ev->u.index, why);
	case PV_CMD_TEST:      return report_test_begin(r, ev->u.index, why);
	case PV_CMD_RESULT:    return report_result(r, ev->u.verdict, ev->name, ev->text, why);
	case PV_CMD_SUITE_END: return report_suite_end(r, ev->u.index, why);
	case PV_CMD_METRIC:    report_metric(r, ev->name, ev->u.value, ev->text); return 0;
	case PV_CMD_FAULT:     *act = PV_STOP; return on_fault(s, ev);
	case PV_CMD_ABORT:     *act = PV_STOP; return on_abort(s, ev);
	case PV_CMD_REQUEST:   return on_request(s, ev);
	case PV_CMD_DONE:      *act = PV_STOP; return report_done(r, ev->u.status, why);
	case PV_CMD_COUNT:     break;
	}
	return failf(why, -EPROTO, "unknown command");
}

enum pv_action session_port_out(struct session *s, uint32_t cpu, uint64_t gpa)
{
	enum pv_action act = PV_CONTINUE;
	struct pv_event *ev = xcalloc(1, sizeof(*ev));
	struct reason why = { "" };
	uint64_t t0 = trace_active ? now_ns() : 0;
	int err = pv_decode(s->mem, cpu, gpa, ev, &why);
	char summary[sizeof(why.text) + 96];

	if (progress_active)
		progress_hide();                   /* KTAP may share the terminal */
	if (!err)
		err = dispatch(s, ev, &act, &why);
	if (progress_active) {
		progress_port_msg(s->report, ev);
		progress_show();
	}
	if (trace_active)
		trace_port_msg(s->mem, ev, err, t0);
	if (!err)
		err = pv_reply(s->mem, ev) < 0 ? failf(&why, -EPROTO, "message block outside guest RAM") : 0;
	if (err) {
		snprintf(summary, sizeof(summary), "protocol: %s (cpu %u, block 0x%llx, command %u)",
			 why.text, cpu, (unsigned long long)gpa, (unsigned)ev->cmd);
		report_crash(s->report, OUT_ERROR, summary, NULL);
		act = PV_STOP;
	}
	free(ev);
	return act;
}

enum pv_action session_port_io(struct session *s, uint32_t cpu, bool is_write, int size,
			       uint32_t *val)
{
	if (!is_write) {
		*val = size == 4 ? PV_PORT_MAGIC : 0xFFFFFFFFu;
		return PV_CONTINUE;
	}
	if (size != 4) {
		report_crash(s->report, OUT_ERROR,
			     "protocol: a message must be one 32-bit out to the irqlab port", NULL);
		return PV_STOP;
	}
	return session_port_out(s, cpu, *val);
}

void session_free(struct session *s)
{
	plan_free(&s->listed);
	s->have_listed = false;
}
