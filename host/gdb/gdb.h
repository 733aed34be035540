/* SPDX-License-Identifier: MIT */
/*
 * --gdb: a GDB remote serial protocol stub over TCP (docs/gdb.md). Inert without --gdb: the
 * vCPU loop tests `v->gdb` and calls nothing else.
 *
 * What the rest of the launcher sees: launch.c starts the stub before the vCPUs run and ends it
 * with the exit status; vcpu.c calls gdb_vcpu_enter() before each KVM_RUN and gdb_vcpu_exit()
 * after it. The files behind it, from the top: gdb_server.c (socket, the server thread),
 * gdb_cmds.c (one case per packet) with gdb_cmds_regmem.c (registers, memory), gdb_cmds_run.c
 * (stops, breakpoints, resuming) and gdb_cmds_query.c (target.xml, threads, monitor);
 * gdb_run.c (all-stop: parking and kicking vCPUs, guest debug registers), gdb_regs.c (register
 * layout, target.xml), gdb_mem.c (guest page walk), gdb_packet.c (packet framing, hex).
 */
#ifndef IRQLAB_HOST_GDB_H
#define IRQLAB_HOST_GDB_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct gdb_stub;
struct vcpu;
struct vm;

/* "[HOST:]PORT" -> host (default 127.0.0.1) and port 0..65535 (0: any free port). 0 or -EINVAL. */
int gdb_parse_addr(const char *spec, char *host, size_t hostlen, int *port, struct reason *why);

/* Setup (dies on failure): listen on `spec`, print "irqlab: waiting for gdb on HOST:PORT" on
 * stderr, start the server thread and hook every vCPU (v->gdb). The vCPUs then wait for gdb
 * before their first instruction. The register description gdb gets is chosen from the vCPU's
 * mode when gdb asks for it; `i386` (multiboot kernels) is only the default until then. */
struct gdb_stub *gdb_stub_start(struct vm *vm, const char *spec, bool i386);

/* After the run: tell gdb the guest exited with `status` (W packet), close, free. NULL: nothing. */
void gdb_stub_finish(struct gdb_stub *stub, int status);

/* vCPU thread, before KVM_RUN: park while gdb holds the VM stopped, load the debug registers.
 * Nonzero: do not enter KVM_RUN now (the run is stopping; re-check the loop condition). */
int gdb_vcpu_enter(struct gdb_stub *stub, struct vcpu *v);

/* vCPU thread, after KVM_RUN returned `r`: true if the exit was the stub's (KVM_EXIT_DEBUG) and
 * is handled; false: handle it as usual. */
bool gdb_vcpu_exit(struct gdb_stub *stub, struct vcpu *v, int r);

#endif
