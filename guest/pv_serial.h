/* SPDX-License-Identifier: MIT */
/*
 * Host requests without the irqlab port (QEMU, OVMF): the guest asks whoever reads COM1.
 * tests/qemu/harness.py answers, machine checks through QEMU's monitor (docs/platforms.md):
 *   guest -> COM1:  "<indent># REQUEST <seq> <req> <arg1> ... <arg5>"   (struct pv_msg's arg[])
 *   COM1 -> guest:  "REPLY <seq> <ret> <arg1> ... <arg5>"               (ret 0 or -PV_E*)
 */
#ifndef GUEST_PV_SERIAL_H
#define GUEST_PV_SERIAL_H

#include <stdint.h>

#include <abi/pvport.h>

/* Like pv_request(): arg[0] = enum pv_req; the reply's values replace arg[1..5]. Returns ret,
 * or -PV_ENOSYS when no reply comes within PV_SERIAL_REPLY_US: nobody listens, and every
 * later request returns -PV_ENOSYS at once. */
#define PV_SERIAL_REPLY_US 2000000
int pv_serial_request(uint64_t arg[PV_ARGS], const char *indent);

#endif
