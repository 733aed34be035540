// SPDX-License-Identifier: MIT
/* Time this vCPU could not run: irqlab's off-CPU port and the host's run-queue delay. */
#include <abi/layout.h>

#include "cpu.h"
#include "offcpu.h"
#include "pv.h"
#include "pvreq.h"
#include "tsc.h"

void offcpu_mark(struct offcpu *m)
{
	if (pv_irqlab())
		offcpu_read(m);
	else
		*m = (struct offcpu){ .lo = rdtsc(), .hi = rdtsc(), .known = false };
}

uint64_t offcpu_between(const struct offcpu *a, const struct offcpu *b)
{
	int32_t off = (int32_t)(b->off - a->off);

	return a->known && b->known && off > 0 ? (uint64_t)off : 0;
}

uint64_t offcpu_queued_ns(void)
{
	uint64_t delay, cpu, host;

	return pv_irqlab() && !pvreq_run_delay(&delay, &cpu, &host) ? delay : 0;
}
