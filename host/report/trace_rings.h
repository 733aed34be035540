/* SPDX-License-Identifier: MIT */
/* Internal to trace*.c: the guest's trace rings (trace_rings.c), as the port messages feed them. */
#ifndef IRQLAB_HOST_TRACE_RINGS_H
#define IRQLAB_HOST_TRACE_RINGS_H

struct guest_mem;
struct pv_event;

/* A port message from ev->cpu was handled (err: its error): a HELLO announces the guest's ring
 * array; every message pairs the clocks and drains the rings, unless another vCPU is draining
 * them already. */
void trace_rings_msg(const struct guest_mem *mem, const struct pv_event *ev, int err);

#endif
