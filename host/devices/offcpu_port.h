/* SPDX-License-Identifier: MIT */
/* irqlab's off-CPU port (PORT_PV_OFFCPU): a 32-bit `in` gives the reading vCPU the time its own
 * thread has not been running, so a guest can tell a late interrupt from a descheduled vCPU
 * with one cheap VM exit (docs/protocol.md, docs/verdicts.md rule 2). */
#ifndef IRQLAB_HOST_OFFCPU_PORT_H
#define IRQLAB_HOST_OFFCPU_PORT_H

#include <stdint.h>

/* CLOCK_MONOTONIC less the calling thread's CPU time, in ns, mod 2^32: it only grows, by the
 * time the thread spent off CPU for any reason, and the guest takes differences. Must run on
 * the vCPU's own thread (exits are handled there). Writes and other sizes: all-ones, ignored. */
void offcpu_port_io(int is_write, int size, uint32_t *val);

#endif
