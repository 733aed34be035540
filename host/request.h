/* SPDX-License-Identifier: MIT */
/* Host actions the guest asks for (PV_CMD_REQUEST): machine checks, MSIs, GSI routes, IRQ lines,
 * irqfds. Each request is checked first; a refused one gets -PV_EINVAL and a `# host:` line
 * saying why, and the run goes on. */
#ifndef IRQLAB_HOST_REQUEST_H
#define IRQLAB_HOST_REQUEST_H

#include <stdint.h>

#include "abi/pvport.h"

struct pv_ctx;

/* arg[] as the guest sent it (arg[0] = enum pv_req); writes replies into arg[]. Returns the
 * block's ret: 0 or a negative PV_E* code. `cpu` is the requesting vCPU's APIC ID. */
int request_dispatch(struct pv_ctx *ctx, uint32_t cpu, uint64_t arg[PV_ARGS]);

#endif
