/* SPDX-License-Identifier: MIT */
#include "debug_exit.h"

#include "util.h"

#define QEMU_SKIP_VALUE 38 /* (38 << 1) | 1 == 77, the automake skip status */

/* Every vCPU's thread may write these ports: the first machine exit claims `kind` (value
 * written before it is published), and the "Shutdown" matcher advances by compare-and-swap so
 * that no interleaving of two writers can index past magic[]. */
static void claim(struct machine_exit *m, enum machine_exit_kind kind, uint32_t value)
{
	int unclaimed = 0;

	if (__atomic_load_n(&m->kind, __ATOMIC_ACQUIRE) != MEXIT_NONE ||
	    !__atomic_compare_exchange_n(&m->claimed, &unclaimed, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	m->value = value;
	__atomic_store_n(&m->kind, kind, __ATOMIC_RELEASE);
}

bool debug_exit_write(struct machine_exit *m, uint32_t value)
{
	claim(m, MEXIT_DEBUG_EXIT, value);
	return true;
}

bool shutdown_port_write(struct machine_exit *m, uint8_t byte)
{
	static const char magic[] = "Shutdown";
	int pos = __atomic_load_n(&m->shutdown_pos, __ATOMIC_RELAXED), next;
	bool done;

	do {  /* pos is always in [0, sizeof(magic) - 1): a complete match stores 0 */
		next = byte == (uint8_t)magic[pos] ? pos + 1 : byte == (uint8_t)magic[0];
		done = next == (int)sizeof(magic) - 1;
	} while (!__atomic_compare_exchange_n(&m->shutdown_pos, &pos, done ? 0 : next, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	if (!done)
		return false;
	claim(m, MEXIT_POWEROFF, 0);
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
