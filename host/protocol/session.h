/* SPDX-License-Identifier: MIT */
/*
 * The session: one run's side of the port protocol. It owns what the guest's messages mean for
 * this run: the plan read at HELLO, --test selection, --list, the report and its statistics.
 * It turns decoded events (pv_decode.h) into report calls, and serves guest REQUESTs through
 * the ops it is handed (request.c at launch), so it knows nothing of the VM, vCPUs or KVM.
 *
 * Driving it without KVM (unit tests, fuzzers): take any buffer as guest RAM (struct guest_mem
 * {hva, size}), report_init() a report writing to any FILE (fmemopen, /dev/null), fill a struct
 * session with both (req = NULL: every request but NOP answers -PV_ENOSYS; or stub ops), put
 * struct pv_msg blocks into the buffer and call session_port_out(&s, cpu, gpa) for each, until
 * it returns PV_STOP if you like. At the end: session_finish_list() (with --list) or
 * report_finish(), then session_free() and report_free(). tests/unit/pvfix.c does exactly this.
 */
#ifndef IRQLAB_HOST_SESSION_H
#define IRQLAB_HOST_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "abi/pvport.h"
#include "mem.h"
#include "plan.h"
#include "report.h"
#include "util.h"

/* How guest requests (PV_CMD_REQUEST) are served: request.c implements it over the VM. */
struct session_req_ops {
	/* arg[0] = enum pv_req; replies go into arg[]. Returns 0 or a negative PV_E* code; a
	 * refused request returns -PV_EINVAL and says why ("MSI: data wider than 16 bits"). */
	int (*serve)(void *opaque, uint32_t cpu, uint64_t arg[PV_ARGS], struct reason *why);
};

struct session {
	/* set by the caller */
	struct guest_mem *mem;
	struct report *report;
	const struct session_req_ops *req;  /* NULL: requests answer -PV_ENOSYS */
	void *req_opaque;
	const char *patterns;               /* --test, or NULL for all */
	const struct plan_ref *only;        /* select exactly this test, not by patterns (irqlab check) */
	bool list;                          /* --list: keep the plan at HELLO and stop */
	/* state */
	bool hello_seen;                    /* atomic: a second HELLO is a protocol error */
	struct plan listed;                 /* --list: the plan HELLO brought */
	bool have_listed;
	bool usage_error;                   /* --test selected nothing: exit 2 */
	uint64_t request_ns;                /* time spent serving requests (--stats) */
};

enum pv_action { PV_CONTINUE, PV_STOP };

/* A port access from the vCPU with APIC ID `cpu`: a 32-bit `in` reads PV_PORT_MAGIC (the
 * detection handshake; other sizes read all-ones), a 32-bit `out` carries a message block's
 * gpa. Anything else is a protocol error. */
enum pv_action session_port_io(struct session *s, uint32_t cpu, bool is_write, int size,
			       uint32_t *val);

/* One message: the block at `gpa`, sent by `cpu`. Protocol violations are reported as a guest
 * error (first one wins) and return PV_STOP. The fuzzing entry point. */
enum pv_action session_port_out(struct session *s, uint32_t cpu, uint64_t gpa);

/* After the run, with --list: print the plan (or, with `out`, hand it over) and return true;
 * false when there is nothing to list (no HELLO, or the run broke the protocol). */
bool session_finish_list(struct session *s, struct plan *out);

void session_free(struct session *s);

/* Print a plan as --list shows it: one `suite.test` per line, or, with `json` (the envelope,
 * report_meta.h), a JSON document of kind "list". */
struct report_meta;
void session_print_list(const struct plan *plan, const struct report_meta *json, FILE *out);

/* Internal to session*.c: HELLO (session_hello.c). */
struct pv_event;
int session_hello(struct session *s, struct pv_event *ev, enum pv_action *act, struct reason *why);

#endif
