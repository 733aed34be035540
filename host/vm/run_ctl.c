/* SPDX-License-Identifier: MIT */
/* The run's stop flag (run_ctl.h). */
#include "run_ctl.h"

#include <errno.h>
#include <time.h>

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

bool run_ctl_sleep_until(struct run_ctl *ctl, int64_t when_ns)
{
	struct timespec when = { (time_t)(when_ns / 1000000000ll), (long)(when_ns % 1000000000ll) };
	bool stopped;
	int err = 0;

	pthread_mutex_lock(&ctl->lock);
	while (!ctl->stopping && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&ctl->cond, &ctl->lock, &when);
	stopped = ctl->stopping;
	pthread_mutex_unlock(&ctl->lock);
	return !stopped;
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
