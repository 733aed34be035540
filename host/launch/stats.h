/* SPDX-License-Identifier: MIT */
/* --stats: where a run's wall time and memory went, one line on stderr for bench/bench.py. */
#ifndef IRQLAB_HOST_STATS_H
#define IRQLAB_HOST_STATS_H

#include <stdint.h>

#include "report.h"
#include "vm.h"

/* Print "irqlab-stats: key=value ..." (times in microseconds since `start_ns`). */
/* Open /proc/self/status now, while the process may still open files (before the sandbox). */
void stats_open(void);

void stats_print(const struct vm *vm, const struct report *r, uint64_t request_ns, uint64_t start_ns);

#endif
