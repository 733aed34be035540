/* SPDX-License-Identifier: MIT */
/*
 * Typed requests for host actions (PV_CMD_REQUEST, include/abi/pvport.h): machine-check
 * injection, MSIs, GSI routes, IRQ lines and irqfds. Each returns the host's answer: 0, or
 * -PV_EINVAL (refused; the host prints why), -PV_ENOSYS (not here, e.g. under QEMU), -PV_EIO.
 * Call with IF=0, as every PV message (pv.h).
 */
#ifndef GUEST_PVREQ_H
#define GUEST_PVREQ_H

#include <stdint.h>

#include <abi/pvport.h>
#include <x86/msi.h>

static inline uint64_t msi_addr(uint32_t dest, uint32_t flags)
{
	return MSI_ADDR_BASE | (dest & MSI_ADDR_DEST_MASK) << MSI_ADDR_DEST_SHIFT | flags;
}

/* The boot parameters at LAYOUT_BOOT_PARAMS (irqlab's, or platform.c's under multiboot), or
 * NULL if there are none. */
const struct pv_boot *pvreq_boot(void);

/* PV_REQ_NOP: 0 when a host answers requests at all. */
int pvreq_nop(void);
/* Inject into `cpu`'s bank `bank`; *banks (may be NULL) gets the host's configured count. */
int pvreq_mce(uint32_t cpu, uint32_t bank, uint64_t status, uint64_t addr, uint64_t misc,
	      uint64_t mcg_status, uint32_t *banks);
/* KVM_SIGNAL_MSI; *delivered (may be NULL) gets KVM's count (>0 delivered, 0 blocked). */
int pvreq_msi_signal(uint64_t addr, uint32_t data, int64_t *delivered);
/* Install or replace GSI `gsi`'s (>= PV_GSI_MSI_BASE) route with an MSI. */
int pvreq_msi_route(uint32_t gsi, uint64_t addr, uint32_t data);
/* Drive GSI `gsi` to `level`; *status (may be NULL) gets KVM's or irqlab's IOAPIC answer. */
int pvreq_irq_line(uint32_t gsi, int level, int64_t *status);
/* One eventfd write on the irqfd bound to `gsi`. */
int pvreq_irqfd(uint32_t gsi);
/* The calling vCPU thread's cumulative run-queue delay and CPU time, the host's monotonic clock
 * (all ns). */
int pvreq_run_delay(uint64_t *delay_ns, uint64_t *cpu_ns, uint64_t *host_ns);

#endif
