/* SPDX-License-Identifier: MIT */
/* The run's stop flag (run_ctl.h). */
#include "run_ctl.h"

void run_request_stop(struct run_ctl *ctl)
{
	pthread_mutex_lock(&ctl->lock);
	__atomic_store_n(&ctl->stopping, true, __ATOMIC_RELEASE); /* vCPUs read it without the lock */
	pthread_cond_broadcast(&ctl->cond);
	pthread_mutex_unlock(&ctl->lock);
}

bool run_stopping(struct run_ctl *ctl)
{
	return __atomic_load_n(&ctl->stopping, __ATOMIC_ACQUIRE);
}

void run_ctl_arrive(struct run_ctl *ctl)
{
	pthread_mutex_lock(&ctl->lock);
	ctl->arrived++;
	pthread_cond_broadcast(&ctl->cond);
	while (!ctl->released && !ctl->stopping)
		pthread_cond_wait(&ctl->cond, &ctl->lock);
	pthread_mutex_unlock(&ctl->lock);
}

void run_ctl_wait_arrived(struct run_ctl *ctl, int n)
{
	pthread_mutex_lock(&ctl->lock);
	while (ctl->arrived < n && !ctl->stopping)
		pthread_cond_wait(&ctl->cond, &ctl->lock);
	pthread_mutex_unlock(&ctl->lock);
}

void run_ctl_release(struct run_ctl *ctl)
{
	pthread_mutex_lock(&ctl->lock);
	ctl->released = true;
	pthread_cond_broadcast(&ctl->cond);
	pthread_mutex_unlock(&ctl->lock);
}
