/* SPDX-License-Identifier: MIT */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "coalesced.h"
#include "report.h"
#include "run_ctl.h"
#include "signals.h"
#include "util.h"
#include "vcpu.h"

#define VCPU_THREAD_STACK (256 * 1024)
#define KICK_SIGNAL SIGUSR1
#define SIGNAL_POLL_NS 20000000ull  /* how soon the main thread notices SIGINT/SIGTERM/SIGHUP */

enum stop_why { STOP_REQUESTED, STOP_DEADLINE, STOP_SIGNAL };

static void on_kick(int sig)
{
	(void)sig; /* only interrupts KVM_RUN */
}

static void install_kick_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick; /* no SA_RESTART: KVM_RUN must return EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL);
}

static void start_threads(struct vm *vm, const struct exit_ctx *devices, struct run_ctl *ctl)
{
	pthread_attr_t attr;
	sigset_t mask;

	signals_block(&mask);  /* vCPU threads inherit it: the stop signals are the main thread's */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, VCPU_THREAD_STACK);
	for (int i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int err;

		__atomic_store_n(&v->th.ctl, ctl, __ATOMIC_RELEASE);  /* the gdb stub's thread reads it */
		v->ectx = *devices;
		v->ectx.cpu = (uint32_t)v->id;
		v->ectx.run_size = (size_t)vm->kvm.run_size;
		err = pthread_create(&v->th.thread, &attr, vcpu_thread, v);
		if (err) {
			errno = err;
			die_errno(EXIT_USAGE, "cannot start the thread of vCPU %d", i);
		}
		/* vcpu_call() reads `started`, then `thread`, from other threads (the injector) */
		__atomic_store_n(&v->th.started, true, __ATOMIC_RELEASE);
	}
	pthread_attr_destroy(&attr);
	signals_unblock(&mask);
}

static void realtime_in(struct timespec *ts, uint64_t ns)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)(ns / 1000000000ull);
	ts->tv_nsec += (long)(ns % 1000000000ull);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Wait for a stop request, the deadline (timeout_s > 0) or a stop signal, whichever is first.
 * The signal handler cannot signal a condition variable: the wait wakes every SIGNAL_POLL_NS. */
static enum stop_why wait_for_stop(struct run_ctl *ctl, double timeout_s)
{
	uint64_t deadline = timeout_s > 0 ? now_ns() + (uint64_t)(timeout_s * 1e9) : UINT64_MAX;
	enum stop_why why = STOP_REQUESTED;
	struct timespec ts;

	pthread_mutex_lock(&ctl->lock);
	while (!ctl->stopping) {
		uint64_t now = now_ns();

		if (signals_caught()) {
			why = STOP_SIGNAL;
			break;
		}
		if (now >= deadline) {
			why = STOP_DEADLINE;
			break;
		}
		realtime_in(&ts, deadline - now < SIGNAL_POLL_NS ? deadline - now : SIGNAL_POLL_NS);
		pthread_cond_timedwait(&ctl->cond, &ctl->lock, &ts);
	}
	pthread_mutex_unlock(&ctl->lock);
	return why;
}

static void stop_threads(struct vm *vm, struct run_ctl *ctl)
{
	run_request_stop(ctl);
	for (int i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!__atomic_load_n(&v->th.started, __ATOMIC_ACQUIRE))
			continue;
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
		pthread_kill(v->th.thread, KICK_SIGNAL);
	}
	for (int i = 0; i < vm->ncpus; i++)
		if (vm->vcpus[i].th.started)
			pthread_join(vm->vcpus[i].th.thread, NULL);
}

static void report_timeout(struct vm *vm, struct report *report, double timeout_s)
{
	size_t len = 128 + (size_t)vm->ncpus * 96;
	char *details = xcalloc(1, len), summary[96];
	size_t off = 0;

	for (int i = 0; i < vm->ncpus && off < len; i++) {
		vcpu_describe(&vm->vcpus[i], details + off, len - off);
		off += strlen(details + off);
		if (i + 1 < vm->ncpus && off + 1 < len)
			details[off++] = '\n';
	}
	snprintf(summary, sizeof(summary), "no result within %g s (--timeout)", timeout_s);
	report_crash(report, OUT_TIMEOUT, summary, details);
	free(details);
}

void run_vm(struct vm *vm, const struct exit_ctx *devices, double timeout_s,
	    void (*before_guest)(void *), void *arg)
{
	struct run_ctl ctl = { .stopping = false };
	enum stop_why why;

	pthread_mutex_init(&ctl.lock, NULL);
	pthread_cond_init(&ctl.cond, NULL);
	install_kick_handler();
	start_threads(vm, devices, &ctl);
	run_ctl_wait_arrived(&ctl, vm->ncpus);  /* every vCPU thread has opened what it reads */
	if (before_guest)
		before_guest(arg);                    /* the sandbox, before the first guest instruction */
	run_ctl_release(&ctl);
	why = wait_for_stop(&ctl, timeout_s);
	stop_threads(vm, &ctl);
	if (why == STOP_SIGNAL)
		report_interrupted(devices->report, signals_caught());
	else if (why == STOP_DEADLINE && !report_ended(devices->report))
		report_timeout(vm, devices->report, timeout_s);
	coalesced_drain(devices->coalesced, &vm->vcpus[0].ectx);
	serial_flush(devices->serial);
	pthread_cond_destroy(&ctl.cond);
	pthread_mutex_destroy(&ctl.lock);
}
