/* SPDX-License-Identifier: MIT */
/* The run's stop flag, shared by the vCPU threads (vcpu.c, vcpu_call.c) and the thread that
 * waits for them (run.c): any of them may ask the run to stop. */
#ifndef IRQLAB_HOST_RUN_CTL_H
#define IRQLAB_HOST_RUN_CTL_H

#include <pthread.h>
#include <stdbool.h>

struct run_ctl {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
};

void run_request_stop(struct run_ctl *ctl);
bool run_stopping(struct run_ctl *ctl);

#endif
