/* SPDX-License-Identifier: MIT */
/* Exit dispatch: what a KVM_RUN exit means and which device handles it (a port table, kvmtool
 * style). No ioctls here, so a unit test can feed it hand-made struct kvm_run exits. */
#ifndef IRQLAB_HOST_EXIT_H
#define IRQLAB_HOST_EXIT_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

#include "debug_exit.h"
#include "fw_cfg.h"
#include "ioapic.h"
#include "pc_testdev.h"
#include "pm1.h"
#include "rtc.h"
#include "serial.h"

struct coalesced;
struct timer_probe;
struct report;
struct session;

/* Accesses no device claimed (they read all-ones, as on QEMU's pc): --stats shows them. */
struct unclaimed {
	_Atomic uint64_t pio, mmio;
};

/* Per-vCPU context the devices need. */
struct exit_ctx {
	uint32_t cpu;             /* APIC ID of this vCPU */
	struct session *session;  /* the port protocol (PORT_PV) */
	struct report *report;    /* where vcpu.c and run.c report crashes and timeouts */
	struct serial *serial;
	struct fw_cfg *fw_cfg;             /* NULL: absent */
	struct machine_exit *mexit;       /* debug-exit / shutdown port state; NULL: absent */
	struct ioapic *ioapic;            /* userspace IOAPIC (--irqchip split); NULL: absent */
	struct coalesced *coalesced;      /* COM1 writes queued by KVM; NULL: none */
	struct rtc *rtc;                  /* CMOS RTC at 0x70/0x71; NULL: absent */
	struct pm1 *pm1;                  /* ACPI PM1a event/control blocks; NULL: absent */
	struct pc_testdev *testdev;       /* QEMU's pc-testdev; NULL: absent */
	struct timer_probe *timer_probe;  /* host-timer probe (PORT_PV_TIMER_PROBE); NULL: absent */
	struct unclaimed *unclaimed;      /* NULL: not counted */
	size_t run_size;          /* bytes mapped at the struct kvm_run (bounds for io.data_offset) */
};

enum exit_verdict {
	EXITV_CONTINUE,           /* handled: KVM_RUN again */
	EXITV_STOP,               /* the run is over (done, protocol error, debug-exit) */
	EXITV_SLEEP_S3,           /* the guest asked for S3 (PM1_CNT): the vCPU's thread sleeps */
	EXITV_SHUTDOWN,           /* triple fault */
	EXITV_EMULATION,          /* KVM_EXIT_INTERNAL_ERROR */
	EXITV_ENTRY_FAILED,       /* KVM_EXIT_FAIL_ENTRY */
	EXITV_HLT,                /* HLT reached userspace (no in-kernel LAPIC?) */
	EXITV_UNEXPECTED,         /* any other exit reason */
};

enum exit_verdict exit_dispatch(struct exit_ctx *ctx, struct kvm_run *run);

/* One port access through the handler table (absent ports read all-ones). */
enum exit_verdict exit_pio(struct exit_ctx *ctx, uint16_t port, int is_write, int size, uint32_t *val);

/* The name of a KVM exit reason, for diagnostics. */
const char *exit_reason_name(uint32_t reason);

#endif
