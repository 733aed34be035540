/* SPDX-License-Identifier: MIT */
/*
 * Running a function on a vCPU's own thread while that vCPU is out of KVM_RUN. Some ioctls
 * (KVM_X86_SET_MCE here) block while the vCPU runs, so they are done by its own thread: the
 * caller queues the call, kicks the thread (immediate_exit + signal) and waits. A waiting vCPU
 * thread serves calls queued for itself meanwhile, so two vCPUs calling each other cannot
 * deadlock.
 */
#ifndef IRQLAB_HOST_VCPU_CALL_H
#define IRQLAB_HOST_VCPU_CALL_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>

struct run_ctl;
struct vcpu_call;

/* A vCPU's thread as others reach it: how to kick it out of KVM_RUN, and its call slot. It
 * lives in struct vcpu (vcpu.h); this file knows nothing else of the vCPU. */
struct vcpu_thread {
	pthread_t thread;
	bool started;
	struct kvm_run *run;            /* immediate_exit kicks it */
	struct run_ctl *ctl;            /* the run's stop flag */
	void *owner;                    /* handed to the functions called here (the struct vcpu) */
	pthread_mutex_t call_lock;      /* one queued call from another thread */
	pthread_cond_t call_cond;
	struct vcpu_call *call;
};

typedef int (*vcpu_call_fn)(void *owner, void *arg);

/* Run fn(target->owner, arg) on target's thread; `self` is the calling vCPU's thread or NULL
 * (main thread). Returns fn's result, or -ETIMEDOUT if the target did not serve it within a
 * second. */
int vcpu_call(struct vcpu_thread *self, struct vcpu_thread *target, vcpu_call_fn fn, void *arg);

/* Called by a vCPU thread whenever KVM_RUN returns: run what others queued for it. */
void vcpu_serve_calls(struct vcpu_thread *self);

/* Initialise the call slot (before the thread starts). */
void vcpu_call_init(struct vcpu_thread *t, void *owner, struct kvm_run *run);

#endif
