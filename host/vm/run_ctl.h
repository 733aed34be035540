/* SPDX-License-Identifier: MIT */
/* The run's stop flag, shared by the vCPU threads (vcpu.c, vcpu_call.c) and the thread that
 * waits for them (run.c): any of them may ask the run to stop. */
#ifndef IRQLAB_HOST_RUN_CTL_H
#define IRQLAB_HOST_RUN_CTL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct run_ctl {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	int arrived;              /* vCPU threads ready for their first KVM_RUN */
	bool released;            /* ... and let go (run.c: after the sandbox is in place) */
};

void run_request_stop(struct run_ctl *ctl);
bool run_stopping(struct run_ctl *ctl);

/* A vCPU thread sleeps until `when_ns` of CLOCK_REALTIME (the clock the condition variable
 * waits on) or the stop, whichever is first: true if the time came, false on the stop. */
bool run_ctl_sleep_until(struct run_ctl *ctl, int64_t when_ns);

/* A vCPU thread, its own setup done: count itself and wait to be released (or the stop). */
void run_ctl_arrive(struct run_ctl *ctl);
/* The waiting thread: until `n` threads arrived (or the stop), then release them. */
void run_ctl_wait_arrived(struct run_ctl *ctl, int n);
void run_ctl_release(struct run_ctl *ctl);

#endif
