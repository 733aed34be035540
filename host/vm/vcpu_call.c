/* SPDX-License-Identifier: MIT */
#include "vcpu_call.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

#include "run_ctl.h"
#include "util.h"

#define CALL_TIMEOUT_NS 1000000000ull
#define CALL_POLL_NS    200000ull

struct vcpu_call {
	vcpu_call_fn fn;
	void *arg;
	int result;
	bool done;
};

void vcpu_call_init(struct vcpu_thread *t, void *owner, struct kvm_run *run)
{
	pthread_mutex_init(&t->call_lock, NULL);
	pthread_cond_init(&t->call_cond, NULL);
	t->call = NULL;
	t->owner = owner;
	t->run = run;
}

void vcpu_serve_calls(struct vcpu_thread *self)
{
	/* Every exit passes here: take the lock only if a call was posted or a kick is pending
	 * (a caller posts first, then sets immediate_exit, so nothing is missed). */
	if (!__atomic_load_n(&self->call, __ATOMIC_ACQUIRE) &&
	    !__atomic_load_n(&self->run->immediate_exit, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&self->call_lock);
	if (self->call) {
		self->call->result = self->call->fn(self->owner, self->call->arg);
		self->call->done = true;
		__atomic_store_n(&self->call, NULL, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&self->call_cond);
	}
	if (!run_stopping(self->ctl))
		__atomic_store_n(&self->run->immediate_exit, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&self->call_lock);
}

static void deadline_in(struct timespec *ts, uint64_t ns)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += (long)ns;
	ts->tv_sec += ts->tv_nsec / 1000000000L;
	ts->tv_nsec %= 1000000000L;
}

/* Queue the call in target's (single) slot, waiting for a previous caller to finish. */
static bool post(struct vcpu_thread *self, struct vcpu_thread *target, struct vcpu_call *c, uint64_t end)
{
	struct timespec ts;
	bool posted;

	pthread_mutex_lock(&target->call_lock);
	while (target->call && now_ns() < end) {
		deadline_in(&ts, CALL_POLL_NS);
		pthread_cond_timedwait(&target->call_cond, &target->call_lock, &ts);
		if (self) {
			pthread_mutex_unlock(&target->call_lock);
			vcpu_serve_calls(self);
			pthread_mutex_lock(&target->call_lock);
		}
	}
	if (!target->call)
		__atomic_store_n(&target->call, c, __ATOMIC_RELEASE);
	posted = target->call == c || c->done; /* under the lock: the target clears both */
	pthread_mutex_unlock(&target->call_lock);
	return posted;
}

int vcpu_call(struct vcpu_thread *self, struct vcpu_thread *target, vcpu_call_fn fn, void *arg)
{
	struct vcpu_call c = { fn, arg, 0, false };
	uint64_t end = now_ns() + CALL_TIMEOUT_NS;
	struct timespec ts;

	if (target == self)
		return fn(target->owner, arg);
	if (!post(self, target, &c, end))
		return -ETIMEDOUT;
	__atomic_store_n(&target->run->immediate_exit, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&target->started, __ATOMIC_ACQUIRE)) /* run.c stores it after `thread` */
		pthread_kill(target->thread, SIGUSR1);
	pthread_mutex_lock(&target->call_lock);
	while (!c.done && now_ns() < end) {
		deadline_in(&ts, CALL_POLL_NS);
		pthread_cond_timedwait(&target->call_cond, &target->call_lock, &ts);
		if (self && !c.done) {
			pthread_mutex_unlock(&target->call_lock);
			vcpu_serve_calls(self);
			pthread_mutex_lock(&target->call_lock);
		}
	}
	if (!c.done && target->call == &c)
		__atomic_store_n(&target->call, NULL, __ATOMIC_RELEASE); /* withdrawn: never served */
	pthread_mutex_unlock(&target->call_lock);
	return c.done ? c.result : -ETIMEDOUT;
}
