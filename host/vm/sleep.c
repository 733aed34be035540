/* SPDX-License-Identifier: MIT */
#include "sleep.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "abi/layout.h"
#include "acpi.h"
#include "boot16.h"
#include "kvm.h"
#include "report.h"
#include "run_ctl.h"
#include "util.h"
#include "vcpu.h"

#define NS_PER_S 1000000000ll

static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static enum exit_verdict fail(struct vcpu *v, const char *what)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "S3 on cpu %d: %s", v->id, what);
	report_crash(v->ectx.report, OUT_ERROR, msg, NULL);
	return EXITV_STOP;
}

/* On the target's own thread (vcpu_call): wait for INIT, as the APs do at power-on. */
static int wait_for_init(void *owner, void *arg)
{
	struct kvm_mp_state st = { KVM_MP_STATE_UNINITIALIZED };
	struct vcpu *t = owner;

	(void)arg;
	return __kvm_ioctl(t->fd, KVM_SET_MP_STATE, &st);
}

static int park_others(struct vcpu *v)
{
	for (int i = 0; i < v->env->ncpus; i++) {
		struct vcpu *t = &v->env->vcpus[i];
		int r = t == v ? 0 : vcpu_call(&v->th, &t->th, wait_for_init, NULL);

		if (r < 0)
			return r;
	}
	return 0;
}

/* KVM finishes the OUT that asked for S3 when KVM_RUN is entered again: enter it with
 * immediate_exit, so no guest instruction runs, before the registers are replaced. */
static void finish_pending_out(struct vcpu *v)
{
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
	ioctl(v->fd, KVM_RUN, 0);
	vcpu_serve_calls(&v->th);                 /* clears immediate_exit unless the run stops */
}

/* Real mode at the waking vector the guest wrote into the FACS. */
static enum exit_verdict resume_at_vector(struct vcpu *v)
{
	uint32_t vector = 0;
	struct kvm_sregs s;
	struct kvm_regs r;

	if (mem_read(v->env->mem, LAYOUT_ACPI_FACS + offsetof(struct acpi_facs, firmware_waking_vector),
		     &vector, sizeof(vector)) < 0 || !vector || vector > BOOT16_VECTOR_MAX)
		return fail(v, "woke, but the FACS waking vector is 0 or above 1 MiB: nothing to resume");
	finish_pending_out(v);
	boot16_regs(&r, vector);
	if (__kvm_ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return fail(v, "KVM_GET_SREGS failed");
	boot16_sregs(&s, vector);
	if (__kvm_ioctl(v->fd, KVM_SET_SREGS, &s) < 0 || __kvm_ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		return fail(v, "cannot set the real-mode resume state");
	return EXITV_CONTINUE;
}

enum exit_verdict sleep_s3(struct vcpu *v)
{
	struct exit_ctx *c = &v->ectx;
	int64_t alarm = RTC_NO_ALARM;
	int err;

	if (c->rtc && pm1_rtc_wake_enabled(c->pm1))
		alarm = rtc_next_alarm_ns(c->rtc, realtime_ns());
	if (alarm == RTC_NO_ALARM) {
		pm1_set_asleep(c->pm1);
		report_crash(c->report, OUT_ERROR, "suspended to S3 with no wake event enabled", NULL);
		return EXITV_STOP;
	}
	if ((err = park_others(v)) < 0)
		return fail(v, err == -ETIMEDOUT ? "another vCPU did not stop within a second"
						 : "KVM_SET_MP_STATE failed for another vCPU");
	if (!run_ctl_sleep_until(v->th.ctl, alarm))
		return EXITV_STOP;                    /* --timeout or a signal while asleep */
	rtc_wake_reset(c->rtc);
	pm1_woke_by_rtc(c->pm1);
	return resume_at_vector(v);
}
