/* SPDX-License-Identifier: MIT */
#include "timer_probe.h"

#include <errno.h>
#include <sched.h>
#include <time.h>

#include "util.h"

/* Under the lock, and only while on: a sleep that ends after the guest turned the probe off
 * measures nothing it asked for. */
static bool keep_worst(struct timer_probe *p, uint64_t late)
{
	bool on;

	pthread_mutex_lock(&p->lock);
	on = p->on;
	if (on && late > p->worst_ns)
		p->worst_ns = late > 0x7FFFFFFFu ? 0x7FFFFFFFu : (uint32_t)late;
	pthread_mutex_unlock(&p->lock);
	return on;
}

/* Sleep to the next deadline while on; a deadline already missed by more than a period starts
 * the schedule again from now (the lateness is kept, not repeated). */
static void probe_while_on(struct timer_probe *p)
{
	uint64_t next = now_ns(), late;
	struct timespec ts;

	do {
		next += TIMER_PROBE_PERIOD_NS;
		ts = (struct timespec){ (time_t)(next / 1000000000u), (long)(next % 1000000000u) };
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		late = now_ns() - next;         /* an absolute sleep never ends early */
		if (late > TIMER_PROBE_PERIOD_NS)
			next += late;
	} while (keep_worst(p, late));
}

static void *probe_thread(void *arg)
{
	struct timer_probe *p = arg;

	pthread_mutex_lock(&p->lock);
	while (!p->quit) {
		if (!p->on) {
			pthread_cond_wait(&p->cond, &p->lock);
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		probe_while_on(p);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* One probe thread pinned to `cpu`: real-time if the launch may set that (*realtime stays true
 * only then), else an ordinary one. 0 or an errno. */
static int start_on(struct timer_probe *p, pthread_t *thread, int cpu, bool *realtime)
{
	struct sched_param prio = { .sched_priority = sched_get_priority_min(SCHED_FIFO) };
	pthread_attr_t attr;
	cpu_set_t one;
	int err;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &prio);
	err = pthread_create(thread, &attr, probe_thread, p);
	if (err) {
		*realtime = false;
		pthread_attr_setinheritsched(&attr, PTHREAD_INHERIT_SCHED);
		err = pthread_create(thread, &attr, probe_thread, p);
	}
	pthread_attr_destroy(&attr);
	return err;
}

int timer_probe_start(struct timer_probe *p)
{
	cpu_set_t cpus;
	int err = 0;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->realtime = true;
	if (sched_getaffinity(0, sizeof(cpus), &cpus))
		return -errno;
	for (int cpu = 0; cpu < CPU_SETSIZE && p->nthreads < TIMER_PROBE_MAX_CPUS && !err; cpu++)
		if (CPU_ISSET(cpu, &cpus) && !(err = start_on(p, &p->threads[p->nthreads], cpu,
							     &p->realtime)))
			p->nthreads++;
	if (err)
		timer_probe_stop(p);
	return -err;
}

void timer_probe_stop(struct timer_probe *p)
{
	if (!p->nthreads)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = true;
	p->on = false;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	p->nthreads = 0;
}

static void probe_switch(struct timer_probe *p, bool on)
{
	pthread_mutex_lock(&p->lock);
	p->worst_ns = 0;
	p->on = on;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void timer_probe_io(struct timer_probe *p, int is_write, int size, uint32_t *val)
{
	if (!p || !p->nthreads || size != 4) {
		if (!is_write)
			*val = 0xFFFFFFFFu;
		return;
	}
	if (is_write) {
		probe_switch(p, *val == 1);
		return;
	}
	pthread_mutex_lock(&p->lock);
	*val = p->worst_ns | (p->realtime ? 0 : TIMER_PROBE_NOT_REALTIME);
	p->worst_ns = 0;
	pthread_mutex_unlock(&p->lock);
}
