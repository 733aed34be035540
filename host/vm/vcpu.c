/* SPDX-License-Identifier: MIT */
#include "vcpu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <x86/msr.h>

#include "boot32.h"
#include "boot64.h"
#include "coalesced.h"
#include "gdb.h"
#include "guest_cpuid.h"
#include "kvm.h"
#include "report.h"
#include "run_ctl.h"
#include "trace.h"
#include "util.h"

static int set_cpuid(struct vcpu *v)
{
	struct kvm_cpuid2 *cpuid = cpuid_for_vcpu(v->env->supported_cpuid, (uint32_t)v->id,
						  v->env->ncpus, v->env->vendor);
	int r;

	cpuid_apply_edits(cpuid, v->env->supported_cpuid, v->env->cpuid_edits);
	r = __kvm_ioctl(v->fd, KVM_SET_CPUID2, cpuid);

	free(cpuid);
	return r;
}

/* The BSP gets its CPUID here (its long-mode registers are checked against it); each AP sets
 * its own on its thread before its first KVM_RUN, so N vCPUs do not queue on the main thread. */
void vcpu_create(const struct vcpu_env *env, struct vcpu *v, int id)
{
	int r;

	v->env = env;
	v->id = id;
	v->schedstat_fd = -1;
	v->fd = kvm_ioctl(env->vm_fd, KVM_CREATE_VCPU, (long)id);
	v->run = mmap(NULL, env->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die_errno(EXIT_SKIP, "mmap of vCPU %d's kvm_run", id);
	vcpu_call_init(&v->th, v, v->run);
	v->cpuid_pending = id != 0;
	if (!v->cpuid_pending && (r = set_cpuid(v)) < 0) {
		errno = -r;
		die_errno(EXIT_SKIP, "KVM_SET_CPUID2");
	}
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->run && v->run != MAP_FAILED)
		munmap(v->run, v->env->run_size);
	if (v->fd > 0)
		close(v->fd);
	if (v->schedstat_fd >= 0)
		close(v->schedstat_fd);
	v->schedstat_fd = -1;
	v->run = NULL;
	v->fd = -1;
}

static void set_entry_state(struct vcpu *v, void (*sregs_fn)(struct kvm_sregs *), struct kvm_regs *regs)
{
	struct kvm_sregs sregs;

	kvm_ioctl(v->fd, KVM_GET_SREGS, &sregs);
	sregs_fn(&sregs);
	kvm_ioctl(v->fd, KVM_SET_SREGS, &sregs);
	kvm_ioctl(v->fd, KVM_SET_REGS, regs);
}

void vcpu_setup_bsp64(struct vcpu *v, uint64_t entry)
{
	struct kvm_regs regs;

	boot64_regs(&regs, entry);
	set_entry_state(v, boot64_sregs, &regs);
}

void vcpu_setup_bsp32(struct vcpu *v, uint32_t entry, uint32_t mb_info)
{
	struct kvm_regs regs;

	boot32_regs(&regs, entry, mb_info);
	set_entry_state(v, boot32_sregs, &regs);
}

static void format_regs(struct vcpu *v, char *buf, size_t len)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (__kvm_ioctl(v->fd, KVM_GET_REGS, &r) < 0 || __kvm_ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		snprintf(buf, len, "registers unavailable");
		return;
	}
	snprintf(buf, len,
		 "RIP=0x%llx RSP=0x%llx RFLAGS=0x%llx CS=0x%x CR0=0x%llx CR2=0x%llx CR3=0x%llx CR4=0x%llx EFER=0x%llx\n"
		 "RAX=0x%llx RBX=0x%llx RCX=0x%llx RDX=0x%llx RSI=0x%llx RDI=0x%llx RBP=0x%llx",
		 r.rip, r.rsp, r.rflags, s.cs.selector, s.cr0, s.cr2, s.cr3, s.cr4, s.efer,
		 r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp);
}

static uint64_t current_rip(struct vcpu *v, uint64_t *linear)
{
	struct kvm_regs r = { 0 };
	struct kvm_sregs s = { 0 };

	__kvm_ioctl(v->fd, KVM_GET_REGS, &r);
	__kvm_ioctl(v->fd, KVM_GET_SREGS, &s);
	*linear = (s.efer & EFER_LMA) ? r.rip : s.cs.base + r.rip;
	return r.rip;
}

/* Instruction bytes of an emulation failure: KVM's own copy if it gave one, else guest RAM at
 * the linear RIP (the guest is identity-mapped). */
static void insn_bytes(struct vcpu *v, uint64_t linear, char *buf, size_t len)
{
	const struct kvm_run *run = v->run;
	const uint8_t *bytes = NULL;
	size_t n = 0, off = 0;
	const char *src = "from KVM";

	if (run->emulation_failure.suberror == KVM_INTERNAL_ERROR_EMULATION &&
	    run->emulation_failure.ndata >= 3 &&
	    (run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		bytes = run->emulation_failure.insn_bytes;
		n = run->emulation_failure.insn_size;
	}
	if (!bytes || !n) {
		n = 15;
		while (n && !(bytes = mem_ptr(v->env->mem, linear, n)))
			n--;
		src = "from guest RAM";
	}
	for (size_t i = 0; i < n && i < 15 && off + 4 < len; i++)
		off += snprintf(buf + off, len - off, "%02x ", bytes[i]);
	snprintf(buf + off, len - off, "(%s)", n ? src : "RIP outside RAM");
}

static void report_exit_crash(struct vcpu *v, enum exit_verdict why)
{
	char summary[512], details[1024], bytes[96];
	uint64_t linear, rip = current_rip(v, &linear);
	const struct kvm_run *run = v->run;

	format_regs(v, details, sizeof(details));
	switch (why) {
	case EXITV_SHUTDOWN:
		snprintf(summary, sizeof(summary), "triple fault (KVM_EXIT_SHUTDOWN) on cpu %d at RIP=0x%llx",
			 v->id, (unsigned long long)rip);
		break;
	case EXITV_EMULATION:
		insn_bytes(v, linear, bytes, sizeof(bytes));
		snprintf(summary, sizeof(summary),
			 "emulation failure (KVM_EXIT_INTERNAL_ERROR suberror %u) on cpu %d at RIP=0x%llx: bytes %s",
			 run->internal.suberror, v->id, (unsigned long long)rip, bytes);
		break;
	case EXITV_ENTRY_FAILED:
		snprintf(summary, sizeof(summary), "VM entry failed (reason 0x%llx) on cpu %d at RIP=0x%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason, v->id,
			 (unsigned long long)rip);
		break;
	default:
		snprintf(summary, sizeof(summary), "unexpected exit %s (%u) on cpu %d at RIP=0x%llx",
			 exit_reason_name(run->exit_reason), run->exit_reason, v->id, (unsigned long long)rip);
		break;
	}
	report_crash(v->ectx.report, OUT_ERROR, summary, details);
}

void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	int err;

	/* Files a vCPU thread reads later are opened now: the sandbox comes before the guest runs. */
	v->schedstat_fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	run_ctl_arrive(v->th.ctl);
	err = v->cpuid_pending ? set_cpuid(v) : 0;

	if (err < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "KVM_SET_CPUID2 on cpu %d: %s", v->id, strerror(-err));
		report_crash(v->ectx.report, OUT_ERROR, msg, NULL);
		run_request_stop(v->th.ctl);
		return NULL;
	}
	while (!run_stopping(v->th.ctl)) {
		enum exit_verdict why;
		uint64_t t = now_ns();
		int r;

		if (v->gdb && gdb_vcpu_enter(v->gdb, v))  /* parked while gdb holds the VM stopped */
			continue;
		t = v->gdb ? now_ns() : t;                 /* time parked is not time in KVM_RUN */
		if (!v->first_run_ns)
			v->first_run_ns = t;
		r = ioctl(v->fd, KVM_RUN, 0);
		if (trace_active) {
			uint64_t t1 = now_ns();

			trace_kvm_run(v->id, t, t1, r < 0 ? -errno : 0, v->run);
			v->run_ns += t1 - t;
		} else {
			v->run_ns += now_ns() - t;
		}
		v->exits++;
		vcpu_serve_calls(&v->th);
		coalesced_drain(v->ectx.coalesced, &v->ectx); /* queued COM1 output comes first */
		if (v->gdb && gdb_vcpu_exit(v->gdb, v, r < 0 ? -errno : 0))  /* a breakpoint or a step */
			continue;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			char msg[128];

			snprintf(msg, sizeof(msg), "KVM_RUN on cpu %d: %s", v->id, strerror(errno));
			report_crash(v->ectx.report, OUT_ERROR, msg, NULL);
			break;
		}
		why = exit_dispatch(&v->ectx, v->run);
		if (why == EXITV_SLEEP_S3)            /* asleep until the wake event; resumed or ended */
			why = v->env->sleep_s3(v);
		if (why == EXITV_CONTINUE)
			continue;
		if (why != EXITV_STOP)
			report_exit_crash(v, why);
		break;
	}
	run_request_stop(v->th.ctl);
	return NULL;
}

void vcpu_describe(struct vcpu *v, char *buf, size_t len)
{
	static const char *const mp[] = { "runnable", "uninitialized (waiting for INIT)", "init-received",
					  "halted", "sipi-received", "stopped", "check-stop", "operating",
					  "load" };
	struct kvm_mp_state state = { 0 };
	uint64_t linear, rip = current_rip(v, &linear);

	__kvm_ioctl(v->fd, KVM_GET_MP_STATE, &state);
	snprintf(buf, len, "cpu %d: RIP=0x%llx %s", v->id, (unsigned long long)rip,
		 state.mp_state < ARRAY_SIZE(mp) ? mp[state.mp_state] : "?");
}
