/* SPDX-License-Identifier: MIT */
/* How a QEMU-style guest ends the machine: isa-debug-exit values mapped to irqlab's statuses
 * and to QEMU's own ((v << 1) | 1, truncated to 8 bits by exit()), and the "Shutdown" string
 * on port 0x8900, byte by byte, with interruptions. */
#include <string.h>

#include "debug_exit.h"
#include "tap.h"

static struct machine_exit m;

static int status_of(uint32_t v, bool qemu)
{
	struct machine_exit e = { 0 };

	debug_exit_write(&e, v);
	return machine_exit_status(&e, qemu);
}

/* Feed `s` to the shutdown port; the index of the byte that completed it, or -1. */
static int feed(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (shutdown_port_write(&m, (uint8_t)s[i]))
			return (int)i;
	return -1;
}

static void test_mapping(void)
{
	static const struct { uint32_t v; int irqlab, qemu; } map[] = {
		{ 0, 0, 1 }, { 1, 1, 3 }, { 38, 77, 77 }, { 2, 1, 5 }, { 5, 1, 11 }, { 0x7F, 1, 0xFF },
		{ 0x80, 1, 1 }, { 0x93, 1, 0x27 }, { 0xFFFFFFFF, 1, 0xFF }, { 0x100, 1, 1 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		is_int(status_of(map[i].v, false), map[i].irqlab, "v=0x%x: irqlab status %d", map[i].v, map[i].irqlab);
		is_int(status_of(map[i].v, true), map[i].qemu, "v=0x%x: qemu status %d", map[i].v, map[i].qemu);
	}
	memset(&m, 0, sizeof(m));
	ok(debug_exit_write(&m, 38) && debug_exit_write(&m, 0), "debug-exit writes end the machine");
	ok(m.kind == MEXIT_DEBUG_EXIT && m.value == 38, "the first write wins");
}

static void test_shutdown(void)
{
	memset(&m, 0, sizeof(m));
	is_int(feed("Shutdown", 8), 7, "\"Shutdown\" powers off at its last byte");
	ok(m.kind == MEXIT_POWEROFF, "kind: poweroff");
	is_int(machine_exit_status(&m, false), 0, "poweroff: status 0");
	is_int(machine_exit_status(&m, true), 0, "poweroff: qemu status 0");
	memset(&m, 0, sizeof(m));
	is_int(feed("ShutShutdown", 12), 11, "\"ShutShutdown\": the restart at S counts");
	memset(&m, 0, sizeof(m));
	is_int(feed("SShutdown", 9), 8, "\"SShutdown\"");
	memset(&m, 0, sizeof(m));
	is_int(feed("ShutXdown", 9), -1, "\"ShutXdown\" does nothing");
	is_int(feed("Shutdown", 8), 7, "... and a clean \"Shutdown\" after it works");
	memset(&m, 0, sizeof(m));
	is_int(feed("shutdown SHUTDOWN Shutdow", 25), -1, "wrong case or cut short: nothing");
	ok(m.kind == MEXIT_NONE, "kind still none");
	memset(&m, 0, sizeof(m));
	feed("Shutdown", 8);
	is_int(feed("\0\0\0Shutdown", 11), 10, "after a poweroff, NULs, then \"Shutdown\" completes again");
	memset(&m, 0, sizeof(m));
	debug_exit_write(&m, 1);
	is_int(feed("Shutdown", 8), 7, "\"Shutdown\" after a debug-exit still ends the machine");
	ok(m.kind == MEXIT_DEBUG_EXIT && machine_exit_status(&m, false) == 1, "... but the debug-exit verdict stands");
}

int main(void)
{
	test_mapping();
	test_shutdown();
	return done_testing();
}
