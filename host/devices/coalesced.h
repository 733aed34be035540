/* SPDX-License-Identifier: MIT */
/*
 * Coalesced PIO: writes to COM1's transmit register are queued by KVM in a ring page shared
 * with userspace instead of exiting (~9 us each here). The ring is drained, in order, before
 * every exit is handled and when the run ends, so output keeps its place among other port
 * accesses (an LSR read, a divisor-latch switch, a port message).
 */
#ifndef IRQLAB_HOST_COALESCED_H
#define IRQLAB_HOST_COALESCED_H

#include <linux/kvm.h>
#include <pthread.h>

struct exit_ctx;

struct coalesced {
	pthread_mutex_t lock;
	struct kvm_coalesced_mmio_ring *ring;  /* NULL: KVM cannot coalesce PIO */
	unsigned max;                          /* entries in the ring */
};

/* Register COM1's THR for coalescing if KVM can; `ring_page` is a vCPU's mapping of the ring. */
void coalesced_setup(int vm_fd, struct coalesced *c, void *ring_page);

/* Hand every queued write to the port handlers (exit_pio()). */
void coalesced_drain(struct coalesced *c, struct exit_ctx *ctx);

#endif
