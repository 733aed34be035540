/* SPDX-License-Identifier: MIT */
/*
 * SIGINT, SIGTERM and SIGHUP end a run cleanly (docs/cli.md "Interrupting a run"). The handler
 * only records the first signal (and wakes a pipe for whoever polls one); the main thread
 * notices, stops the vCPUs and closes the report, which records the end as "interrupted by
 * SIGTERM" and exits with 128 + the signal's number. A second signal ends the process at once
 * (_exit with the same status convention). vCPU and helper threads block the three signals,
 * so the handler runs on the main thread.
 */
#ifndef IRQLAB_HOST_SIGNALS_H
#define IRQLAB_HOST_SIGNALS_H

#include <signal.h>

/* Install the handler (SA_RESTART: interrupted reads and writes go on). Once, in main(). */
void signals_install(void);

/* 0, or the first of SIGINT/SIGTERM/SIGHUP received. */
int signals_caught(void);

/* A file descriptor that becomes readable when the first signal arrives (-1 if none). */
int signals_fd(void);

/* In a forked child: forget the parent's pipe (a child's signal must not wake the parent). */
void signals_after_fork(void);

/* Block the three signals in the calling thread, so threads created until signals_unblock()
 * inherit the mask; `old` keeps the previous mask. */
void signals_block(sigset_t *old);
void signals_unblock(const sigset_t *old);

/* "SIGINT", "SIGTERM", "SIGHUP" or "signal N". */
const char *signals_name(int sig);

#endif
