/* SPDX-License-Identifier: MIT */
/*
 * The report client. Under irqlab every call is one PV port message (include/abi/pvport.h) from
 * this CPU's block; without irqlab (QEMU) the same calls print KTAP version 1 on COM1 and
 * pv_done() exits through isa-debug-exit. Call with IF=0 (the guest's normal state): an interrupt
 * handler that reports would otherwise reuse the block being filled.
 */
#ifndef GUEST_PV_H
#define GUEST_PV_H

#include <stdarg.h>
#include <stdint.h>

#include <abi/pvport.h>

struct suite;

void pv_init(const struct pv_boot *boot);   /* detect the port: a 32-bit in == PV_PORT_MAGIC */
int pv_irqlab(void);                        /* 1 under irqlab */
void pv_hello(struct suite *suites, uint32_t nsuites);
void pv_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* PRINT "file:line: message"; returns the formatted text (valid until this CPU's next message) */
const char *pv_vprint_at(const char *file, int line, const char *fmt, va_list ap);
void pv_suite(uint32_t idx, const char *name);
void pv_test(uint32_t idx, const char *name);
void pv_result(enum pv_verdict verdict, const char *name, const char *diag);
void pv_suite_end(uint32_t idx);
void pv_metric(const char *name, int64_t value, const char *unit);
void pv_fault(uint64_t vector, uint64_t err, uint64_t rip, uint64_t cr2, uint64_t rsp);
__attribute__((noreturn, format(printf, 3, 4)))
void pv_abort(const char *file, int line, const char *fmt, ...);
void pv_done(enum pv_exit status);
/*
 * PV_CMD_REQUEST: arg[0] = enum pv_req, arg[1..] its parameters; the host's reply arg[] is copied
 * back. Returns the host's ret (0 or -PV_E*), -PV_ENOSYS without irqlab. An NMI or #MC the request
 * raises on this CPU arrives before the reply is read: their handlers must not send messages.
 */
int pv_request(uint64_t arg[PV_ARGS]);

#endif
