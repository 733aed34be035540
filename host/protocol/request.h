/* SPDX-License-Identifier: MIT */
/* Host actions the guest asks for (PV_CMD_REQUEST): machine checks, MSIs, GSI routes, IRQ lines,
 * irqfds, served over the VM. Each request is checked first; a refused one gets -PV_EINVAL and
 * a reason (the session prints it as a `# host: refused` line), and the run goes on. */
#ifndef IRQLAB_HOST_REQUEST_H
#define IRQLAB_HOST_REQUEST_H

#include <stdint.h>

#include "abi/pvport.h"
#include "session.h"
#include "util.h"

/* The session's request ops over a struct vm (its opaque pointer): launch.c hands them in. */
extern const struct session_req_ops req_ops;

/* arg[] as the guest sent it (arg[0] = enum pv_req); writes replies into arg[]. Returns the
 * block's ret: 0 or a negative PV_E* code (-PV_EINVAL with `why` for a refused request).
 * `opaque` is the struct vm (NULL: -PV_ENOSYS); `cpu` the requesting vCPU's APIC ID. */
int req_serve(void *opaque, uint32_t cpu, uint64_t arg[PV_ARGS], struct reason *why);

#endif
