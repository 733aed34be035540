/* SPDX-License-Identifier: MIT */
/* The host-timer probe (PORT_PV_TIMER_PROBE): how late the host's own timers fire while the guest
 * times one of its own, so a guest timer made late by the host (docs/kvm-pvm.md: other VMs'
 * emulation holds a CPU for milliseconds) is told from a late timer emulation (docs/verdicts.md,
 * rule 2). One thread pinned to each CPU the launcher may run on (a late hrtimer is late on its
 * own CPU), real-time priority where the launch may set it, sleeps to absolute deadlines every
 * TIMER_PROBE_PERIOD_NS while the guest has it on; the worst lateness of any is kept. */
#ifndef IRQLAB_HOST_TIMER_PROBE_H
#define IRQLAB_HOST_TIMER_PROBE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "abi/layout.h"         /* TIMER_PROBE_NOT_REALTIME */

#define TIMER_PROBE_PERIOD_NS    100000u
#define TIMER_PROBE_MAX_CPUS     64

struct timer_probe {
	pthread_t threads[TIMER_PROBE_MAX_CPUS];
	int nthreads;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool realtime;          /* every thread is */
	bool on, quit;          /* under lock */
	uint32_t worst_ns;      /* under lock: the worst lateness since it was last read or turned on */
};

/* Start the threads, off (before the sandbox: they set their policy and CPU). 0 or -errno. */
int timer_probe_start(struct timer_probe *p);
void timer_probe_stop(struct timer_probe *p);
/* 32-bit out 1: on, worst reset; out 0: off. 32-bit in: the worst lateness in ns since the last
 * read or `on` (at most 0x7FFFFFFF), then reset, | TIMER_PROBE_NOT_REALTIME. Other sizes: all-ones,
 * ignored. p NULL (no probe): reads all-ones. */
void timer_probe_io(struct timer_probe *p, int is_write, int size, uint32_t *val);

#endif
