/* SPDX-License-Identifier: MIT */
/* How a QEMU-style guest ends the machine: isa-debug-exit at 0xF4 (QEMU exits with (v<<1)|1)
 * and the bochs shutdown port 0x8900 ("Shutdown" written byte by byte powers off). */
#ifndef IRQLAB_HOST_DEBUG_EXIT_H
#define IRQLAB_HOST_DEBUG_EXIT_H

#include <stdbool.h>
#include <stdint.h>

enum machine_exit_kind { MEXIT_NONE, MEXIT_DEBUG_EXIT, MEXIT_POWEROFF };

struct machine_exit {
	enum machine_exit_kind kind;  /* the first one wins; published last (atomic) */
	uint32_t value;               /* what was written to isa-debug-exit */
	int shutdown_pos;             /* bytes of "Shutdown" matched so far (atomic) */
	int claimed;                  /* a vCPU is recording the first exit (atomic) */
};

/* A write to PORT_DEBUG_EXIT; true: the machine is done. */
bool debug_exit_write(struct machine_exit *m, uint32_t value);
/* A byte written to PORT_BOCHS_SHUTDOWN; true once "Shutdown" is complete. */
bool shutdown_port_write(struct machine_exit *m, uint8_t byte);

/* irqlab's status for a machine exit: v=0 pass (0), v=38 skip (77, QEMU's 77), else fail (1);
 * poweroff 0. With `qemu` set: what QEMU itself exits with, (v<<1)|1 or 0 for poweroff. */
int machine_exit_status(const struct machine_exit *m, bool qemu);

#endif
