/* SPDX-License-Identifier: MIT */
/*
 * Port protocol v1, host side: the decoder. The guest is untrusted: the block is copied out of
 * guest RAM first (another vCPU may change it meanwhile; it may sit at any alignment), then
 * every field is checked before use. Guest memory is only read and written with byte copies.
 */
#include "pv_decode.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* A guest index or status as an int: values that do not fit become -1 (out of range). */
static int arg_int(uint64_t v)
{
	return v > INT32_MAX ? -1 : (int)v;
}

bool pv_valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == '#')
			return false;
	return true;
}

/* The command's own fields. A switch without default: a command without a case here is a
 * compile error (-Werror=switch, host/meson.build). */
static int decode_fields(struct pv_event *ev, struct reason *why)
{
	const uint64_t *a = ev->arg;

	switch (ev->cmd) {
	case PV_CMD_HELLO:
		if (a[1] > PV_MAX_SUITES)
			return failf(why, -EPROTO, "HELLO: too many suites");
		ev->u.hello.table = a[0];
		ev->u.hello.nsuites = (int)a[1];
		return 0;
	case PV_CMD_SUITE:
	case PV_CMD_TEST:
	case PV_CMD_SUITE_END:
		ev->u.index = arg_int(a[0]);
		return 0;
	case PV_CMD_RESULT:
		if (a[0] > PV_XFAIL)
			return failf(why, -EPROTO, "RESULT with an unknown verdict");
		ev->u.verdict = (enum pv_verdict)a[0];
		return 0;
	case PV_CMD_METRIC:
		if (!pv_valid_name(ev->name))
			return failf(why, -EPROTO, "METRIC: bad name");
		ev->u.value = (int64_t)a[0];
		return 0;
	case PV_CMD_FAULT:
		ev->u.fault.vector = a[0], ev->u.fault.error = a[1], ev->u.fault.rip = a[2];
		ev->u.fault.cr2 = a[3], ev->u.fault.rsp = a[4];
		return 0;
	case PV_CMD_ABORT:
		ev->u.line = a[0];
		return 0;
	case PV_CMD_DONE:
		ev->u.status = arg_int(a[0]);
		return 0;
	case PV_CMD_PRINT:
	case PV_CMD_REQUEST:
		return 0;
	case PV_CMD_COUNT:
		break;
	}
	return failf(why, -EPROTO, "unknown command");
}

int pv_decode(const struct guest_mem *mem, uint32_t cpu, uint64_t gpa, struct pv_event *ev,
	      struct reason *why)
{
	struct pv_msg m;

	memset(ev, 0, offsetof(struct pv_event, name));
	ev->name[0] = ev->text[0] = '\0';
	ev->cpu = cpu;
	ev->gpa = gpa;
	if (mem_read(mem, gpa, &m, sizeof(m)) < 0)
		return failf(why, -EPROTO, "message block outside guest RAM");
	ev->cmd = (enum pv_cmd)m.cmd;
	if (m.magic != PV_MSG_MAGIC)
		return failf(why, -EPROTO, "bad message magic");
	if (m.version != PV_VERSION)
		return failf(why, -EPROTO, "unsupported protocol version");
	if (m.cmd == 0 || m.cmd >= PV_CMD_COUNT)
		return failf(why, -EPROTO, "unknown command");
	if (m.name_len > PV_NAME_MAX || m.text_len > PV_TEXT_MAX)
		return failf(why, -EPROTO, "name or text length out of range");
	if (m.reserved != 0)
		return failf(why, -EPROTO, "reserved field is not zero");
	memcpy(ev->arg, m.arg, sizeof(ev->arg));
	memcpy(ev->name, m.name, m.name_len);
	ev->name[m.name_len] = '\0';
	memcpy(ev->text, m.text, m.text_len);
	ev->text[m.text_len] = '\0';
	return decode_fields(ev, why);
}

int pv_reply(const struct guest_mem *mem, const struct pv_event *ev)
{
	if (mem_write(mem, ev->gpa + offsetof(struct pv_msg, ret), &ev->ret, sizeof(ev->ret)) < 0)
		return -EFAULT;
	return mem_write(mem, ev->gpa + offsetof(struct pv_msg, arg), ev->arg, sizeof(ev->arg));
}

static int read_name(const struct guest_mem *mem, uint64_t gpa, char *buf, struct reason *why)
{
	if (mem_read_str(mem, gpa, buf, PV_NAME_MAX) < 0)
		return failf(why, -EPROTO, "test table: name outside RAM or too long");
	if (!pv_valid_name(buf))
		return failf(why, -EPROTO, "test table: name is empty or has spaces, '#' or control characters");
	return 0;
}

int pv_read_suite(const struct guest_mem *mem, uint64_t table, int s, struct pv_suite *out,
		  struct reason *why)
{
	struct pv_suite_desc d;

	if (mem_read(mem, table + (uint64_t)s * sizeof(d), &d, sizeof(d)) < 0)
		return failf(why, -EPROTO, "test table: suite descriptor outside RAM");
	if (d.ntests > PV_MAX_TESTS)
		return failf(why, -EPROTO, "test table: too many tests in a suite");
	if (!mem_contains(mem, d.tests, (uint64_t)d.ntests * sizeof(struct pv_test_desc)))
		return failf(why, -EPROTO, "test table: test array outside RAM");
	out->min_cpus = d.min_cpus;
	out->ntests = (int)d.ntests;
	out->tests = d.tests;
	return read_name(mem, d.name, out->name, why);
}

int pv_read_test(const struct guest_mem *mem, const struct pv_suite *suite, int t,
		 char name[PV_NAME_MAX], struct reason *why)
{
	struct pv_test_desc td;

	if (mem_read(mem, suite->tests + (uint64_t)t * sizeof(td), &td, sizeof(td)) < 0)
		return failf(why, -EPROTO, "test table: test array outside RAM");
	return read_name(mem, td.name, name, why);
}

void pv_write_selected(const struct guest_mem *mem, uint64_t table, int s, int t, uint8_t selected)
{
	uint64_t tests;

	if (mem_read(mem, table + (uint64_t)s * sizeof(struct pv_suite_desc) +
		     offsetof(struct pv_suite_desc, tests), &tests, sizeof(tests)) < 0)
		return;
	mem_write(mem, tests + (uint64_t)t * sizeof(struct pv_test_desc) +
		  offsetof(struct pv_test_desc, selected), &selected, 1);
}
