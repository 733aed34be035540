/* SPDX-License-Identifier: MIT */
/* Running the VM: one thread per vCPU, a watchdog, and a clean stop (kick every vCPU out of
 * KVM_RUN with a signal and immediate_exit, then join). */
#ifndef IRQLAB_HOST_RUN_H
#define IRQLAB_HOST_RUN_H

#include "exit.h"
#include "vm.h"

/* Start every vCPU and wait until the run stops or `timeout_s` passes (0: no limit). Each
 * vCPU's exit context is `devices` with its own cpu and run size filled in. A timeout is
 * reported as a TIMEOUT result naming where each vCPU was. `before_guest(arg)` (may be NULL)
 * runs once every vCPU thread is up and has opened what it reads, before any enters KVM_RUN. */
void run_vm(struct vm *vm, const struct exit_ctx *devices, double timeout_s,
	    void (*before_guest)(void *), void *arg);

#endif
