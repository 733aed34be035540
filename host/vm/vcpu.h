/* SPDX-License-Identifier: MIT */
/* vCPUs: creation (run area, CPUID), the BSP's 64-bit entry state, and the thread that runs
 * KVM_RUN and hands each exit to exit.c. One thread per vCPU. */
#ifndef IRQLAB_HOST_VCPU_H
#define IRQLAB_HOST_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>

#include "exit.h"
#include "guest_cpuid.h"
#include "mem.h"
#include "vcpu_call.h"

/* What a vCPU needs of its VM (struct vm holds one for all of them; vcpu knows no struct vm). */
struct vcpu_env {
	int vm_fd;
	int run_size;                              /* KVM_GET_VCPU_MMAP_SIZE */
	const struct kvm_cpuid2 *supported_cpuid;  /* each vCPU's CPUID derives from it */
	int ncpus;
	enum cpu_vendor vendor;
	const struct cpuid_edits *cpuid_edits;  /* -cpu MODEL,+feat,-feat (irqlab-qemu) */
	const struct guest_mem *mem;               /* instruction bytes for crash reports */
	struct vcpu *vcpus;                        /* all of them (S3 parks the others) */
	enum exit_verdict (*sleep_s3)(struct vcpu *v);  /* S3 (sleep.c), a VM-wide state */
};

struct gdb_stub;

struct vcpu {
	const struct vcpu_env *env;
	int id;                   /* index == APIC ID */
	int fd;
	struct kvm_run *run;
	bool cpuid_pending;        /* an AP sets its CPUID on its own thread */
	int schedstat_fd;          /* its thread's /proc/thread-self/schedstat (PV_REQ_RUN_DELAY), or -1 */
	uint64_t first_run_ns;     /* first KVM_RUN entry (--stats) */
	uint64_t run_ns, exits;    /* time inside KVM_RUN, exits handled */
	struct exit_ctx ectx;
	struct vcpu_thread th;     /* its thread, stop flag and call slot (vcpu_call.h) */
	struct gdb_stub *gdb;      /* --gdb (gdb.h), else NULL */
};

void vcpu_create(const struct vcpu_env *env, struct vcpu *v, int id);
void vcpu_destroy(struct vcpu *v);

/* Put the BSP in long mode at `entry` (boot64.c state). */
void vcpu_setup_bsp64(struct vcpu *v, uint64_t entry);

/* Put the BSP at a multiboot kernel's 32-bit entry with EBX = `mb_info` (boot32.c state). */
void vcpu_setup_bsp32(struct vcpu *v, uint32_t entry, uint32_t mb_info);

/* Thread body: KVM_RUN until the run stops; crashes are reported from here. */
void *vcpu_thread(void *arg);

/* One-paragraph state of a vCPU for timeout diagnostics ("cpu 1: RIP=... mp_state=..."). */
void vcpu_describe(struct vcpu *v, char *buf, size_t len);

#endif
