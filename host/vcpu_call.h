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

struct vcpu;

typedef int (*vcpu_call_fn)(struct vcpu *target, void *arg);

/* Run fn(target, arg) on target's thread; `self` is the calling vCPU or NULL (main thread).
 * Returns fn's result, or -ETIMEDOUT if the target did not serve it within a second. */
int vcpu_call(struct vcpu *self, struct vcpu *target, vcpu_call_fn fn, void *arg);

/* Called by a vCPU thread whenever KVM_RUN returns: run what others queued for it. */
void vcpu_serve_calls(struct vcpu *self);

/* Initialise the call slot (before the thread starts). */
void vcpu_call_init(struct vcpu *v);

#endif
