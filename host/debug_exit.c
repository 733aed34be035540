/* SPDX-License-Identifier: MIT */
#include "debug_exit.h"

#include "util.h"

#define QEMU_SKIP_VALUE 38 /* (38 << 1) | 1 == 77, the automake skip status */

bool debug_exit_write(struct machine_exit *m, uint32_t value)
{
	if (m->kind == MEXIT_NONE) {
		m->kind = MEXIT_DEBUG_EXIT;
		m->value = value;
	}
	return true;
}

bool shutdown_port_write(struct machine_exit *m, uint8_t byte)
{
	static const char magic[] = "Shutdown";

	m->shutdown_pos = byte == (uint8_t)magic[m->shutdown_pos] ? m->shutdown_pos + 1
				: byte == (uint8_t)magic[0];
	if (m->shutdown_pos < (int)sizeof(magic) - 1)
		return false;
	m->shutdown_pos = 0; /* matched: start over, never index past the string's NUL */
	if (m->kind == MEXIT_NONE)
		m->kind = MEXIT_POWEROFF;
	return true;
}

int machine_exit_status(const struct machine_exit *m, bool qemu)
{
	if (m->kind == MEXIT_POWEROFF)
		return 0;
	if (qemu)
		return (int)(((m->value << 1) | 1) & 0xFF);
	if (m->value == 0)
		return EXIT_PASS;
	return m->value == QEMU_SKIP_VALUE ? EXIT_SKIP : EXIT_TEST_FAILED;
}
