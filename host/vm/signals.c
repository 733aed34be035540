/* SPDX-License-Identifier: MIT */
/* The run's end on SIGINT/SIGTERM/SIGHUP (signals.h). The handler does only what is
 * async-signal-safe: an atomic store, write(2) to a pipe, _exit(2). */
#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
static int caught;                    /* accessed atomically: the handler and the main thread */
static int wake[2] = { -1, -1 };      /* written once by the handler, polled by check.c */

static void on_stop_signal(int sig)
{
	int saved = errno, none = 0;

	if (!__atomic_compare_exchange_n(&caught, &none, sig, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		_exit(128 + sig);  /* the second signal: the user wants out now */
	if (wake[1] >= 0 && write(wake[1], "!", 1) < 0)
		(void)0;  /* the pipe is only a wake-up: the flag is what counts */
	errno = saved;
}

void signals_install(void)
{
	struct sigaction sa;

	if (pipe(wake) == 0) {
		fcntl(wake[0], F_SETFD, FD_CLOEXEC);
		fcntl(wake[1], F_SETFD, FD_CLOEXEC);
		fcntl(wake[1], F_SETFL, O_NONBLOCK);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaction(stop_signals[i], &sa, NULL);
}

int signals_caught(void)
{
	return __atomic_load_n(&caught, __ATOMIC_SEQ_CST);
}

int signals_fd(void)
{
	return wake[0];
}

void signals_after_fork(void)
{
	for (int i = 0; i < 2; i++) {
		if (wake[i] >= 0)
			close(wake[i]);
		wake[i] = -1;
	}
}

void signals_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&set, stop_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

void signals_unblock(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

const char *signals_name(int sig)
{
	static char other[24];

	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	default:
		snprintf(other, sizeof(other), "signal %d", sig);
		return other;
	}
}
