/* SPDX-License-Identifier: MIT */
/*
 * The irqlab paravirtual port protocol, version 1: one header for host and guest.
 *
 * Detection: a 32-bit `in` from PORT_PV returns PV_PORT_MAGIC under irqlab (all-ones elsewhere).
 * Message:   the guest fills a struct pv_msg in its own RAM and does one 32-bit `out` of the
 *            block's guest-physical address to PORT_PV. The vCPU stops until the host has handled
 *            it; replies (ret, arg[]) are written back into the same block.
 * The host validates every field: a bad magic, version, command, length or address fails the
 * run with a diagnostic (docs/protocol.md).
 */
#ifndef IRQLAB_ABI_PVPORT_H
#define IRQLAB_ABI_PVPORT_H

#include <stdint.h>

#define PV_VERSION        1
#define PV_PORT_MAGIC     0x4C515249u /* "IRQL" read little-endian */
#define PV_MSG_MAGIC      0x6D716C69u /* "ilqm" */
#define PV_BOOT_MAGIC     0x746F6F62u /* "boot" */

#define PV_NAME_MAX       64
#define PV_TEXT_MAX       1024
#define PV_ARGS           6

enum pv_cmd {
	PV_CMD_HELLO = 1,     /* arg0 = suite table gpa, arg1 = suite count; host marks selection */
	PV_CMD_PRINT,         /* text: free-form diagnostic lines */
	PV_CMD_SUITE,         /* arg0 = suite index; name = suite name */
	PV_CMD_TEST,          /* arg0 = test index in suite; name = test name (test starts) */
	PV_CMD_RESULT,        /* arg0 = enum pv_verdict; name = test name; text = diagnostic */
	PV_CMD_SUITE_END,     /* arg0 = suite index */
	PV_CMD_METRIC,        /* name = metric; arg0 = value (signed); text = unit */
	PV_CMD_FAULT,         /* unexpected exception: arg0 vector, arg1 error code, arg2 RIP,
	                         arg3 CR2, arg4 RSP; text = where (handler's description) */
	PV_CMD_ABORT,         /* name = file; arg0 = line; text = message */
	PV_CMD_REQUEST,       /* arg0 = enum pv_req; arg1.. = parameters; host fills ret, arg[] */
	PV_CMD_DONE,          /* arg0 = guest's exit status (enum pv_exit) */
	PV_CMD_COUNT
};

enum pv_verdict { PV_PASS = 0, PV_FAIL = 1, PV_SKIP = 2, PV_XFAIL = 3 };

/*
 * Guest requests for host actions (PV_CMD_REQUEST, arg0 = the request). The host answers in
 * the block: ret = 0, or -PV_EINVAL for a refused request (the host also prints why), -PV_ENOSYS
 * for one it cannot do here, -PV_EIO when KVM failed it; arg[] carries results as listed.
 */
enum pv_req {
	PV_REQ_NOP = 0,       /* round trip only: measures the exit cost */
	PV_REQ_MCE_INJECT,    /* arg1 = cpu | bank << 32, arg2 = MCi_STATUS, arg3 = MCi_ADDR,
	                         arg4 = MCi_MISC, arg5 = MCG_STATUS. Done on the target vCPU's own
	                         thread (KVM_X86_SET_MCE); reply arg1 = banks configured */
	PV_REQ_MSI_SIGNAL,    /* arg1 = MSI address, arg2 = data: KVM_SIGNAL_MSI; reply arg1 = KVM's
	                         return (>0 delivered, 0 blocked/coalesced) */
	PV_REQ_MSI_ROUTE,     /* arg1 = GSI (>= PV_GSI_MSI_BASE), arg2 = address, arg3 = data:
	                         install or replace that GSI's MSI route */
	PV_REQ_IRQ_LINE,      /* arg1 = GSI, arg2 = level: KVM_IRQ_LINE_STATUS, or irqlab's IOAPIC
	                         pin with --irqchip split; reply arg1 = status */
	PV_REQ_IRQFD,         /* arg1 = GSI: bind an irqfd to it on first use, then one eventfd write */
	PV_REQ_RUN_DELAY,     /* none: the calling vCPU thread's clocks, all in ns: reply arg1 =
	                         its cumulative run-queue delay (/proc/thread-self/schedstat field
	                         2: runnable, not running), arg2 = its CPU time
	                         (CLOCK_THREAD_CPUTIME_ID), arg3 = host CLOCK_MONOTONIC. Between two
	                         replies, d(arg3) - d(arg2) is the time the vCPU was off CPU; timer
	                         lateness bounds subtract it (docs/verdicts.md) */
	PV_REQ_COUNT
};

#define PV_GSI_IOAPIC_PINS 24  /* GSI n < 24 = IOAPIC pin n */
#define PV_GSI_MSI_BASE   24   /* guest-installed MSI routes live at GSI 24.. */
#define PV_GSI_MAX        256

#define PV_EIO            5
#define PV_EINVAL         22
#define PV_ENOSYS         38
#define PV_ETIMEDOUT      110

/* Exit status the guest asks for (PV_CMD_DONE); the host's own status wins if worse. */
enum pv_exit { PV_EXIT_PASS = 0, PV_EXIT_FAIL = 1 };

struct pv_msg {
	uint32_t magic;                 /* PV_MSG_MAGIC */
	uint16_t version;               /* PV_VERSION */
	uint16_t cmd;                   /* enum pv_cmd */
	uint32_t cpu;                   /* sender's APIC ID */
	int32_t  ret;                   /* host -> guest: 0 or -errno */
	uint64_t arg[PV_ARGS];
	uint16_t name_len;              /* bytes used in name[], no NUL needed */
	uint16_t text_len;              /* bytes used in text[] */
	uint32_t reserved;              /* must be 0 */
	char     name[PV_NAME_MAX];
	char     text[PV_TEXT_MAX];
};

#define PV_MSG_HDR_SIZE   (4 + 2 + 2 + 4 + 4 + 8 * PV_ARGS + 2 + 2 + 4)
_Static_assert(sizeof(struct pv_msg) == PV_MSG_HDR_SIZE + PV_NAME_MAX + PV_TEXT_MAX, "packed layout");

/*
 * The guest's test table, read by the host at HELLO (all addresses guest-physical).
 * The host writes each test's `selected` byte (1 = run) from --test; under QEMU it keeps the
 * image's default of 1. Layout is fixed; the guest asserts its own structs match.
 */
struct pv_suite_desc {
	uint64_t name;                  /* NUL-terminated, < PV_NAME_MAX */
	uint64_t tests;                 /* array of struct pv_test_desc */
	uint32_t ntests;
	uint32_t min_cpus;              /* suite skips itself with fewer CPUs */
};

struct pv_test_desc {
	uint64_t name;                  /* NUL-terminated, < PV_NAME_MAX */
	uint64_t fn;
	uint8_t  selected;
	uint8_t  pad[7];
};

#define PV_MAX_SUITES     64
#define PV_MAX_TESTS      256       /* per suite */

/* The most vCPUs (and the largest APIC ID + 1) an irqlab guest runs with: the guest's per-CPU
 * arrays have this many slots (guest/percpu.h) and the host refuses a larger --cpus. */
#define IRQLAB_MAX_CPUS   1024

/* Boot parameters the host writes at LAYOUT_BOOT_PARAMS before the first KVM_RUN. */
struct pv_boot {
	uint32_t magic;                 /* PV_BOOT_MAGIC */
	uint16_t version;               /* PV_VERSION */
	uint16_t ncpus;                 /* vCPUs created (APs wait for INIT) */
	uint32_t flags;                 /* PV_BOOT_* */
	uint32_t tsc_khz;               /* from KVM_GET_TSC_KHZ; 0 if unknown */
	uint64_t mem_bytes;             /* guest RAM size */
	uint32_t max_cpus;              /* largest APIC ID + 1 the host set up */
	uint32_t mce_banks;             /* KVM_X86_SETUP_MCE bank count, 0: no MCE */
};

#define PV_BOOT_SPLIT_IRQCHIP  (1u << 0) /* PIC/IOAPIC in userspace */
#define PV_BOOT_TRACE          (1u << 1) /* --trace: fill the trace rings, announce them at HELLO */

/*
 * Trace rings (--trace, docs/trace.md). Only when pv_boot has PV_BOOT_TRACE, the guest keeps one
 * struct pv_trace_ring per APIC ID slot and announces the array at HELLO: arg2 = its gpa (8-byte
 * aligned), arg3 = the number of rings. An older guest leaves both 0 and an older host ignores
 * them, so either side may be older. The guest appends records at `head` (record first, then
 * head) and drops (counting) when head - tail == PV_TRACE_RECORDS; the host copies [tail, head)
 * at port messages and at the end, then stores tail. Before each port message the guest stores
 * its TSC in sync_tsc: the host pairs it with the exit's host time to put guest TSCs on its
 * clock. The host trusts none of it: bounds-checked, and a head too far from tail is clamped.
 */
#define PV_TRACE_RECORDS  32

enum pv_trace_kind {
	PV_TR_ICR = 1,        /* ICR write: arg = vector | mode << 8 (bits 8-10) | shorthand << 11 |
	                         dest << 16: IPIs, INIT and SIPI */
	PV_TR_IRQ,            /* interrupt or exception taken: arg = vector */
	PV_TR_ONLINE,         /* AP online (ap_main): arg = its boot count */
	PV_TR_MCE,            /* #MC handled: arg = banks that logged an error */
	PV_TR_KIND_COUNT
};

struct pv_trace_rec {
	uint64_t tsc;
	uint32_t kind;                  /* enum pv_trace_kind */
	uint32_t arg;
};

struct pv_trace_ring {
	uint32_t head;                  /* guest: records written */
	uint32_t tail;                  /* host: records consumed */
	uint32_t dropped;               /* guest: records lost to a full ring */
	uint32_t reserved;
	uint64_t sync_tsc;              /* guest: TSC just before its latest port message */
	struct pv_trace_rec rec[PV_TRACE_RECORDS];
};
_Static_assert(sizeof(struct pv_trace_ring) == 24 + 16 * PV_TRACE_RECORDS, "packed layout");

#endif
