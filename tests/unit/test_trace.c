/* SPDX-License-Identifier: MIT */
/*
 * host/report/trace_rings.c against a hostile guest, without KVM: ring arrays outside RAM,
 * misaligned, too many; a head far ahead of the tail; records of unknown kinds. None may crash
 * the host or reach the file, and the writer (trace_json.c) must still produce the JSON frame with
 * its "dropped" marker. (The JSON itself is checked by python in tests/e2e/trace.py.)
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/pvport.h"
#include "pv_decode.h"
#include "tap.h"
#include "trace.h"

#define RAM (1u << 20)
#define RINGS 0x10000u

static struct guest_mem mem;

static void hello(uint64_t gpa, uint64_t n)
{
	struct pv_event ev = { .cmd = PV_CMD_HELLO, .cpu = 0 };

	ev.arg[2] = gpa, ev.arg[3] = n;
	trace_port_msg(&mem, &ev, 0, 0);
}

static struct pv_trace_ring *ring(int i)
{
	return (struct pv_trace_ring *)(mem.hva + RINGS) + i;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[1 << 20];
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

int main(void)
{
	char path[] = "/tmp/irqlab-test-trace-XXXXXX";
	struct reason why;
	struct pv_event ev = { .cmd = PV_CMD_PRINT, .cpu = 1 };
	int fd = mkstemp(path);
	char *argv[] = { "irqlab", "--trace", path };
	char *out;

	plan(9);
	mem.hva = calloc(1, RAM);
	mem.size = RAM;
	close(fd);
	ok(trace_open(path, 3, argv, &why) == 0 && trace_active, "trace_open");
	trace_set_tsc_khz(1000000);
	hello(RAM - 8, 1);                     /* outside RAM */
	hello(RINGS + 4, 1);                   /* misaligned */
	hello(RINGS, IRQLAB_MAX_CPUS + 1);     /* too many */
	hello(0, RAM);                         /* a count that overflows RAM */
	trace_drain(&mem);
	ok(1, "hostile ring arrays are refused without a crash");
	hello(RINGS, 2);                       /* a good one: two rings */
	ring(1)->head = 1000;                  /* far ahead: clamped to one ring */
	for (int k = 0; k < PV_TRACE_RECORDS; k++)
		ring(1)->rec[k] = (struct pv_trace_rec){ .tsc = 1000 + k, .kind = k % 2 ? PV_TR_IRQ : 77, .arg = 48 };
	ring(1)->sync_tsc = 5;
	trace_kvm_run(1, 10, 20, -4, NULL);    /* an EINTR exit: the pairing's host time */
	trace_port_msg(&mem, &ev, 0, 0);
	is_int(ring(1)->tail, 1000, "the host stored the tail it consumed up to");
	ring(0)->head = 3;                     /* records of kind 0: malformed */
	trace_drain(&mem);
	is_int(ring(0)->tail, 3, "ring 0 consumed");
	ring(0)->dropped = 5;                  /* the guest's own count */
	trace_drain(&mem);
	ok(trace_close(&why) == 0, "trace_close");
	ok(!trace_active, "inactive after close");
	out = slurp(path);
	like_str(out, "\"traceEvents\": [", "the JSON frame");
	like_str(out, "\"name\": \"interrupt\"", "the valid IRQ records are there");
	like_str(out, "dropped ", "the dropped marker counts what was refused");
	if (!getenv("KEEP_TRACE"))
		unlink(path);
	else
		printf("# kept %s\n", path);
	free(mem.hva);
	return done_testing();
}
