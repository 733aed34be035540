// SPDX-License-Identifier: MIT
/* The report client: irqlab's PV port, or KTAP on COM1 + isa-debug-exit when it is absent. */
#include <abi/layout.h>

#include "cpu.h"
#include "lib.h"
#include "percpu.h"
#include "pv.h"
#include "pv_serial.h"
#include "test.h"
#include "trace.h"

#define EXIT_CRASH 2 /* isa-debug-exit value after a fault or abort: QEMU exits with 5 */

enum { MODE_UNKNOWN, MODE_PORT, MODE_KTAP };

static int mode;
static struct pv_msg blocks[MAX_CPUS] __attribute__((aligned(64)));

/* KTAP fallback state: only the BSP's runner reports suites and tests. */
static struct suite *table;
static struct {
	uint32_t suites, tests, failed, passed;
	const char *indent;
} ktap = { .indent = "" };
static char ktap_buf[256];

void pv_init(const struct pv_boot *boot)
{
	mode = inl(PORT_PV) == PV_PORT_MAGIC ? MODE_PORT : MODE_KTAP;
	trace_init(mode == MODE_PORT ? boot : 0);
}

int pv_irqlab(void)
{
	if (!mode)
		pv_init(0);
	return mode == MODE_PORT;
}

/* This CPU's block with a fresh header; name and text empty. */
static struct pv_msg *msg(uint16_t cmd)
{
	struct percpu *c = this_cpu();
	struct pv_msg *m = &blocks[c->index];

	if (!mode)
		pv_init(0);
	m->magic = PV_MSG_MAGIC;
	m->version = PV_VERSION;
	m->cmd = cmd;
	m->cpu = c->apic_id;
	m->ret = 0;
	m->name_len = 0;
	m->text_len = 0;
	m->reserved = 0;
	return m;
}

static void set_name(struct pv_msg *m, const char *name)
{
	size_t n = strnlen(name, PV_NAME_MAX);

	memcpy(m->name, name, n);
	m->name_len = (uint16_t)n;
}

static void set_text(struct pv_msg *m, size_t off, const char *fmt, va_list ap)
{
	int n = vsnprintf(m->text + off, PV_TEXT_MAX - off, fmt, ap);
	size_t len = off + (size_t)n;

	m->text_len = (uint16_t)(len < PV_TEXT_MAX ? len : PV_TEXT_MAX - 1);
}

static void send(struct pv_msg *m)
{
	if (trace_on)
		trace_sync();
	outl(PORT_PV, (uint32_t)(uintptr_t)m);	/* synchronous: the host is done when it returns */
}

static void __attribute__((format(printf, 1, 2))) kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(ktap_buf, sizeof(ktap_buf), fmt, ap);
	va_end(ap);
	console_write(ktap_buf, (size_t)n < sizeof(ktap_buf) ? (size_t)n : sizeof(ktap_buf) - 1);
}

/* KTAP diagnostics: every line of text as "<indent># line" */
static void ktap_diag(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && text[j] != '\n')
			j++;
		console_puts(ktap.indent);
		console_write("# ", 2);
		console_write(text + i, j - i);
		console_putc('\n');
		i = j + 1;
	}
}

static uint32_t selected_tests(const struct suite *s)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->ntests; i++)
		n += s->tests[i].selected != 0;
	return n;
}

void pv_hello(struct suite *suites, uint32_t nsuites)
{
	struct pv_msg *m = msg(PV_CMD_HELLO);
	uint32_t n = 0;

	table = suites;
	if (mode == MODE_PORT) {
		m->arg[0] = (uintptr_t)suites;
		m->arg[1] = nsuites;
		m->arg[2] = (uintptr_t)trace_rings(&n);    /* --trace: the rings, else 0, 0 */
		m->arg[3] = n;
		set_name(m, "irqlab-guest");
		send(m);	/* the host writes each test's `selected` */
		return;
	}
	for (uint32_t i = 0; i < nsuites; i++)
		n += selected_tests(&suites[i]) != 0;
	kprintf("KTAP version 1\n1..%u\n", n);
}

void pv_print(const char *fmt, ...)
{
	struct pv_msg *m = msg(PV_CMD_PRINT);
	va_list ap;

	va_start(ap, fmt);
	set_text(m, 0, fmt, ap);
	va_end(ap);
	if (mode == MODE_PORT)
		send(m);
	else
		ktap_diag(m->text, m->text_len);
}

const char *pv_vprint_at(const char *file, int line, const char *fmt, va_list ap)
{
	struct pv_msg *m = msg(PV_CMD_PRINT);
	int n = snprintf(m->text, PV_TEXT_MAX, "%s:%d: ", file, line);

	set_text(m, n < PV_TEXT_MAX / 2 ? (size_t)n : 0, fmt, ap);
	if (mode == MODE_PORT)
		send(m);
	else
		ktap_diag(m->text, m->text_len);
	return m->text;
}

void pv_suite(uint32_t idx, const char *name)
{
	struct pv_msg *m = msg(PV_CMD_SUITE);

	if (mode == MODE_PORT) {
		m->arg[0] = idx;
		set_name(m, name);
		send(m);
		return;
	}
	ktap.suites++;
	ktap.tests = ktap.failed = ktap.passed = 0;
	ktap.indent = "  ";
	kprintf("  KTAP version 1\n  # Subtest: %s\n  1..%u\n", name, selected_tests(&table[idx]));
}

void pv_test(uint32_t idx, const char *name)
{
	struct pv_msg *m;

	if (!pv_irqlab())
		return;		/* KTAP has no test-start line */
	m = msg(PV_CMD_TEST);
	m->arg[0] = idx;
	set_name(m, name);
	send(m);
}

void pv_result(enum pv_verdict verdict, const char *name, const char *diag)
{
	struct pv_msg *m = msg(PV_CMD_RESULT);
	size_t n = diag ? strnlen(diag, PV_TEXT_MAX - 1) : 0;

	if (mode == MODE_PORT) {
		m->arg[0] = verdict;
		set_name(m, name);
		memcpy(m->text, diag, n);
		m->text_len = (uint16_t)n;
		send(m);
		return;
	}
	ktap.tests++;
	ktap.failed += verdict == PV_FAIL;
	ktap.passed += verdict == PV_PASS || verdict == PV_XFAIL;
	kprintf("  %s %u %s%s%s\n", verdict == PV_FAIL ? "not ok" : "ok", ktap.tests, name,
		verdict == PV_SKIP ? " # SKIP " : verdict == PV_XFAIL ? " # XFAIL " : "",
		verdict == PV_SKIP || verdict == PV_XFAIL ? diag : "");
}

void pv_suite_end(uint32_t idx)
{
	struct pv_msg *m = msg(PV_CMD_SUITE_END);

	if (mode == MODE_PORT) {
		m->arg[0] = idx;
		send(m);
		return;
	}
	ktap.indent = "";
	kprintf("%s %u %s%s\n", ktap.failed ? "not ok" : "ok", ktap.suites, table[idx].name,
		!ktap.failed && !ktap.passed ? " # SKIP" : "");
}

void pv_metric(const char *name, int64_t value, const char *unit)
{
	struct pv_msg *m = msg(PV_CMD_METRIC);
	size_t n = strnlen(unit, PV_TEXT_MAX - 1);

	if (mode == MODE_PORT) {
		m->arg[0] = (uint64_t)value;
		set_name(m, name);
		memcpy(m->text, unit, n);
		m->text_len = (uint16_t)n;
		send(m);
		return;
	}
	kprintf("%s# metric %s: %ld %s\n", ktap.indent, name, value, unit);
}

void pv_fault(uint64_t vector, uint64_t err, uint64_t rip, uint64_t cr2, uint64_t rsp)
{
	struct pv_msg *m = msg(PV_CMD_FAULT);
	static const char where[] = "exception with no handler and no fixup (idt_dispatch)";

	if (mode == MODE_PORT) {
		m->arg[0] = vector, m->arg[1] = err, m->arg[2] = rip, m->arg[3] = cr2, m->arg[4] = rsp;
		memcpy(m->text, where, sizeof(where) - 1);
		m->text_len = sizeof(where) - 1;
		send(m);
		return;
	}
	kprintf("%s# ERROR unexpected exception %lu (error 0x%lx) on cpu %u at RIP=0x%lx "
		"CR2=0x%lx RSP=0x%lx\n", ktap.indent, vector, err, m->cpu, rip, cr2, rsp);
	outb(PORT_DEBUG_EXIT, EXIT_CRASH);
}

void pv_abort(const char *file, int line, const char *fmt, ...)
{
	struct pv_msg *m = msg(PV_CMD_ABORT);
	va_list ap;

	va_start(ap, fmt);
	set_text(m, 0, fmt, ap);
	va_end(ap);
	if (mode == MODE_PORT) {
		set_name(m, file);
		m->arg[0] = (uint64_t)line;
		send(m);
	} else {
		kprintf("%s# ABORT %s:%d: %s\n", ktap.indent, file, line, m->text);
		outb(PORT_DEBUG_EXIT, EXIT_CRASH);
	}
	halt_forever();
}

void pv_done(enum pv_exit status)
{
	struct pv_msg *m = msg(PV_CMD_DONE);

	if (mode == MODE_PORT) {
		m->arg[0] = status;
		send(m);
		return;
	}
	outb(PORT_DEBUG_EXIT, (uint8_t)status);	/* QEMU exits with (status << 1) | 1 */
}

int pv_request(uint64_t arg[PV_ARGS])
{
	struct pv_msg *m;

	if (!pv_irqlab())
		return pv_serial_request(arg, ktap.indent);	/* QEMU: the harness on COM1 */
	m = msg(PV_CMD_REQUEST);
	memcpy(m->arg, arg, sizeof(m->arg));
	send(m);
	memcpy(arg, m->arg, sizeof(m->arg));
	return m->ret;
}
