/* SPDX-License-Identifier: MIT */
/* exit_dispatch on hand-made KVM exits. The struct kvm_run lives in run_size bytes with a
 * PROT_NONE page on each side, so an access outside the run area crashes this test. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "abi/layout.h"
#include "exit.h"
#include "pvfix.h"
#include "tap.h"
#include "timer_probe.h"

#define PAGE      4096
#define RUN_SIZE  (2 * PAGE)
#define DATA_OFF  PAGE          /* where KVM puts PIO data: the page after struct kvm_run */

static struct pvfix fx;
static struct serial serial;
static FILE *sink;
static char *sink_buf;
static size_t sink_len;
static struct exit_ctx ectx;
static uint8_t *area;

static struct kvm_run *run_area(void)
{
	return (struct kvm_run *)(area + PAGE);
}

static void setup(void)
{
	area = mmap(NULL, RUN_SIZE + 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || mprotect(area + PAGE, RUN_SIZE, PROT_READ | PROT_WRITE))
		exit(99);
	fix_init(&fx, FMT_KTAP);
	sink = open_memstream(&sink_buf, &sink_len);
	serial_init(&serial, sink);
	ectx = (struct exit_ctx){ .cpu = 0, .session = &fx.session, .report = &fx.report, .serial = &serial, .run_size = RUN_SIZE };
}

static void teardown(void)
{
	fix_free(&fx);
	fclose(sink);
	free(sink_buf);
	munmap(area, RUN_SIZE + 2 * PAGE);
}

/* A PIO exit; for OUT, `val` (little-endian, `size` bytes per element) is the data. */
static enum exit_verdict pio(int out, uint16_t port, uint8_t size, uint32_t count, uint32_t val)
{
	struct kvm_run *run = run_area();

	memset(run, 0, RUN_SIZE);
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run->io.size = size;
	run->io.port = port;
	run->io.count = count;
	run->io.data_offset = DATA_OFF;
	memcpy((uint8_t *)run + DATA_OFF, &val, sizeof(val));
	return exit_dispatch(&ectx, run);
}

static uint32_t pio_data(void)
{
	uint32_t v;

	memcpy(&v, (uint8_t *)run_area() + DATA_OFF, sizeof(v));
	return v;
}

static void test_pv_port(void)
{
	setup();
	is_int(pio(0, PORT_PV, 4, 1, 0), EXITV_CONTINUE, "32-bit in from PORT_PV continues");
	is_int(pio_data(), PV_PORT_MAGIC, "... and reads PV_PORT_MAGIC");
	pio(0, PORT_PV, 1, 1, 0x12345600);
	is_int(pio_data(), 0x123456FF, "8-bit in from PORT_PV reads 0xFF, bytes beyond untouched");
	fix_msg(&fx, FIX_MSG, PV_CMD_PRINT, 0, NULL, "via port");
	is_int(pio(1, PORT_PV, 4, 1, FIX_MSG), EXITV_CONTINUE, "32-bit out of a PRINT block continues");
	is_str(fix_output(&fx), "KTAP version 1\n# via port\n", "... and the text reaches the report");
	teardown();

	setup();
	is_int(pio(1, PORT_PV, 2, 1, FIX_MSG), EXITV_STOP, "16-bit out to PORT_PV stops");
	is_str(fix_output(&fx),
	       "KTAP version 1\n1..1\nnot ok 1 boot # ERROR protocol: a message must be one 32-bit out to the irqlab port\n",
	       "... as a protocol error");
	is_int(report_finish(&fx.report), 3, "... exit status 3");
	teardown();

	setup();
	fix_msg(&fx, FIX_MSG, PV_CMD_DONE, 0, NULL, NULL);
	is_int(pio(1, PORT_PV, 4, 1, FIX_MSG), EXITV_STOP, "DONE through the port stops");
	teardown();
}

static void test_data_offset(void)
{
	struct kvm_run *run;

	setup();
	run = run_area();
	pio(0, 0x80, 4, 1, 0);
	run->io.data_offset = RUN_SIZE;
	is_int(exit_dispatch(&ectx, run), EXITV_UNEXPECTED, "data_offset == run_size: unexpected");
	run->io.data_offset = RUN_SIZE - 2;
	is_int(exit_dispatch(&ectx, run), EXITV_UNEXPECTED, "4 bytes at run_size - 2: unexpected");
	run->io.data_offset = 0;
	is_int(exit_dispatch(&ectx, run), EXITV_UNEXPECTED, "data inside struct kvm_run: unexpected");
	run->io.data_offset = UINT64_MAX - 3;
	is_int(exit_dispatch(&ectx, run), EXITV_UNEXPECTED, "data_offset + size wrapping to 0: unexpected");
	run->io.data_offset = DATA_OFF;
	run->io.count = RUN_SIZE;
	is_int(exit_dispatch(&ectx, run), EXITV_UNEXPECTED, "count * size past run_size: unexpected");
	run->io.count = 0x40000000;
	is_int(exit_dispatch(&ectx, run), EXITV_UNEXPECTED, "count 2^30 (size*count > 2^32): unexpected");
	run->io.count = 1;
	run->io.size = 3;
	is_int(exit_dispatch(&ectx, run), EXITV_UNEXPECTED, "size 3: unexpected");
	teardown();
}

static void test_rep_and_absent(void)
{
	uint8_t *data;

	setup();
	data = (uint8_t *)run_area() + DATA_OFF;
	is_int(pio(0, 0x80, 2, 3, 0), EXITV_CONTINUE, "rep insw from an absent port continues");
	ok(!memcmp(data, "\xff\xff\xff\xff\xff\xff\x00", 7), "... 3 words of all-ones, nothing more");
	pio(0, 0x1234, 4, 1, 0);
	is_int(pio_data(), 0xFFFFFFFF, "32-bit in from an absent port reads all-ones");
	pio(0, 0x1234, 1, 1, 0xAABBCC00);
	is_int(pio_data(), 0xAABBCCFF, "8-bit in from an absent port reads 0xFF");
	is_int(pio(1, 0x1234, 4, 1, 7), EXITV_CONTINUE, "out to an absent port is ignored");

	pio(1, PORT_COM1 + 7, 1, 1, 0);                 /* scratch register: no output */
	memcpy(data, "hello\n", 6);
	run_area()->io.port = PORT_COM1;
	run_area()->io.count = 6;
	is_int(exit_dispatch(&ectx, run_area()), EXITV_CONTINUE, "rep outsb of 6 bytes to COM1 continues");
	pio(1, PORT_COM1, 1, 1, 'x');
	serial_flush(&serial);
	fflush(sink);
	is_str(sink_buf, "hello\nx", "COM1 bytes reach the serial sink in order");
	pio(0, PORT_COM1 + 5, 1, 1, 0);
	is_int(pio_data() & 0xFF, 0x60, "COM1 LSR reads 0x60 (THRE|TEMT)");
	is_str(fix_output(&fx), "", "nothing on the report for device I/O");
	teardown();
}

static void test_machine_exit(void)
{
	struct machine_exit mexit = { 0 };

	setup();
	is_int(pio(1, PORT_DEBUG_EXIT, 1, 1, 1), EXITV_CONTINUE, "no machine_exit: isa-debug-exit is absent");
	ectx.mexit = &mexit;
	pio(0, PORT_DEBUG_EXIT, 1, 1, 0);
	is_int(pio_data() & 0xFF, 0xFF, "isa-debug-exit reads 0xFF");
	is_int(pio(1, PORT_DEBUG_EXIT, 1, 1, 1), EXITV_STOP, "isa-debug-exit write stops the run");
	ok(mexit.kind == MEXIT_DEBUG_EXIT && mexit.value == 1, "... recording the value");
	is_int(machine_exit_status(&mexit, false), 1, "... irqlab status 1 for value 1");
	is_int(machine_exit_status(&mexit, true), 3, "... QEMU status (1<<1)|1");
	mexit = (struct machine_exit){ 0 };
	for (const char *p = "ShShutdown"; *p; p++)
		if (pio(1, PORT_BOCHS_SHUTDOWN, 1, 1, (uint8_t)*p) != EXITV_CONTINUE)
			break;
	ok(mexit.kind == MEXIT_POWEROFF && !memcmp(&run_area()->io.port, &(uint16_t){ PORT_BOCHS_SHUTDOWN }, 2),
	   "\"Shutdown\" to the bochs port powers off (after a false start)");
	is_int(machine_exit_status(&mexit, false), 0, "... status 0");
	teardown();
}

static uint32_t offcpu_read(void)
{
	pio(0, PORT_PV_OFFCPU, 4, 1, 0);
	return (uint32_t)pio_data();
}

static void nap_20ms(void)
{
	nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
}

static void spin_20ms_cpu(void)
{
	for (uint64_t until = thread_cpu_ns() + 20 * 1000 * 1000; thread_cpu_ns() < until;)
		;
}

/*
 * The port's difference across body() is host time less thread CPU time: bracketed by what this
 * thread's own clocks say, read just outside and just inside the two port reads (1 us for the two
 * clocks ticking apart), whatever else the machine does meanwhile. Returns it.
 */
static int32_t offcpu_across(void (*body)(void), const char *what)
{
	uint64_t w[4], c[4];
	uint32_t port[2];
	int64_t lo, hi;
	int32_t off;

	for (int i = 0; i < 2; i++) {	/* w, c: outside and inside each port read */
		if (i)
			body();
		w[2 * i] = now_ns(), c[2 * i] = thread_cpu_ns();
		port[i] = offcpu_read();
		w[2 * i + 1] = now_ns(), c[2 * i + 1] = thread_cpu_ns();
	}
	off = (int32_t)(port[1] - port[0]);
	lo = (int64_t)(w[2] - w[1]) - (int64_t)(c[3] - c[0]) - 1000;
	hi = (int64_t)(w[3] - w[0]) - (int64_t)(c[2] - c[1]) + 1000;
	ok(off >= lo && off <= hi, "%s: %d ns off CPU, in [%lld, %lld] by the thread's own clocks",
	   what, off, (long long)lo, (long long)hi);
	return off;
}

/* The off-CPU port counts the time the reading thread sleeps, not the time it computes. */
static void test_offcpu_port(void)
{
	setup();
	ok(offcpu_across(nap_20ms, "20 ms asleep") >= 19 * 1000 * 1000, "... at least 19 ms");
	offcpu_across(spin_20ms_cpu, "20 ms of CPU time spinning");
	pio(0, PORT_PV_OFFCPU, 1, 1, 0);
	is_int(pio_data() & 0xFF, 0xFF, "an 8-bit read is all-ones");
	is_int(pio(1, PORT_PV_OFFCPU, 4, 1, 7), EXITV_CONTINUE, "a write is ignored");
	teardown();
}

/* The host-timer probe: off until the guest turns it on, then the worst lateness of its threads'
 * 100 us sleeps, read and reset by each in; absent, it reads all-ones. */
static void test_timer_probe(void)
{
	struct timer_probe probe = { 0 };
	uint32_t v;

	setup();
	pio(0, PORT_PV_TIMER_PROBE, 4, 1, 0);
	is_int(pio_data(), 0xFFFFFFFF, "no probe: a read is all-ones");
	ok(timer_probe_start(&probe) == 0, "the probe threads start, one per CPU");
	ectx.timer_probe = &probe;
	pio(0, PORT_PV_TIMER_PROBE, 4, 1, 0);
	is_int(pio_data() & ~TIMER_PROBE_NOT_REALTIME, 0, "off: nothing measured");
	is_int(pio(1, PORT_PV_TIMER_PROBE, 4, 1, 1), EXITV_CONTINUE, "out 1 turns it on");
	nap_20ms();
	pio(0, PORT_PV_TIMER_PROBE, 4, 1, 0);
	v = (uint32_t)pio_data();
	ok((v & ~TIMER_PROBE_NOT_REALTIME) > 0 && (v & ~TIMER_PROBE_NOT_REALTIME) < 0x7FFFFFFF,
	   "20 ms on: its worst wakeup was %u ns late (%s)", v & ~TIMER_PROBE_NOT_REALTIME,
	   v & TIMER_PROBE_NOT_REALTIME ? "SCHED_OTHER" : "SCHED_FIFO");
	pio(1, PORT_PV_TIMER_PROBE, 4, 1, 0);
	nap_20ms();
	pio(0, PORT_PV_TIMER_PROBE, 4, 1, 0);
	is_int(pio_data() & ~TIMER_PROBE_NOT_REALTIME, 0, "out 0 turns it off; the read reset it");
	pio(0, PORT_PV_TIMER_PROBE, 1, 1, 0);
	is_int(pio_data() & 0xFF, 0xFF, "an 8-bit read is all-ones");
	timer_probe_stop(&probe);
	teardown();
}

static void test_reasons(void)
{
	static const struct { uint32_t reason; enum exit_verdict v; const char *name; } cases[] = {
		{ KVM_EXIT_SHUTDOWN, EXITV_SHUTDOWN, "SHUTDOWN -> triple fault" },
		{ KVM_EXIT_INTERNAL_ERROR, EXITV_EMULATION, "INTERNAL_ERROR -> emulation failure" },
		{ KVM_EXIT_FAIL_ENTRY, EXITV_ENTRY_FAILED, "FAIL_ENTRY -> entry failed" },
		{ KVM_EXIT_HLT, EXITV_HLT, "HLT -> hlt" },
		{ KVM_EXIT_INTR, EXITV_CONTINUE, "INTR -> continue" },
		{ KVM_EXIT_DEBUG, EXITV_UNEXPECTED, "DEBUG -> unexpected" },
		{ 0xFFFF, EXITV_UNEXPECTED, "reason 0xFFFF -> unexpected" },
	};
	struct kvm_run *run;

	setup();
	run = run_area();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(run, 0, sizeof(*run));
		run->exit_reason = cases[i].reason;
		is_int(exit_dispatch(&ectx, run), cases[i].v, "%s", cases[i].name);
	}
	memset(run, 0, sizeof(*run));
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = 0xFED00000;
	run->mmio.len = 4;
	is_int(exit_dispatch(&ectx, run), EXITV_CONTINUE, "MMIO read of nothing continues");
	ok(!memcmp(run->mmio.data, "\xff\xff\xff\xff\xff\xff\xff\xff", 8), "... and reads all-ones");
	is_str(exit_reason_name(KVM_EXIT_SHUTDOWN), "KVM_EXIT_SHUTDOWN", "exit_reason_name(SHUTDOWN)");
	is_str(exit_reason_name(5000), "unknown exit", "exit_reason_name(5000)");
	teardown();
}

int main(void)
{
	test_pv_port();
	test_data_offset();
	test_rep_and_absent();
	test_machine_exit();
	test_offcpu_port();
	test_timer_probe();
	test_reasons();
	return done_testing();
}
