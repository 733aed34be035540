/* SPDX-License-Identifier: MIT */
/* Bounded waits on a count: spinning, or halted and woken by the LVT timer at the deadline. */
#ifndef GUEST_SMP_WAIT_H
#define GUEST_SMP_WAIT_H

#include <stdint.h>

#define SMP_WAKE_VEC    0xF1    /* wakes a halted waiter: call done, last AP online, timer */

/*
 * Bounded waits for (int32_t)(*count - target) >= 0, IF=1 while waiting, IF=0 on return.
 * spin: pause + an `in` from PORT_PV per iteration: here a pending interrupt is taken at an exit
 *       to userspace or a hlt, while exits KVM handles in its emulator (LAPIC MMIO, RDMSR, CPUID)
 *       leave it pending for up to ~1 ms;
 * halt: `sti; hlt`, woken by the awaited interrupt or by the LVT timer at the timeout
 *       (TSC-deadline mode, or one-shot without it; left masked).
 */
int smp_spin_until(volatile uint32_t *count, uint32_t target, uint64_t timeout_us);
int smp_halt_until(volatile uint32_t *count, uint32_t target, uint64_t timeout_us);
/* smp_halt_until() in parts, for a series of waits under one timer: arm, wait..., disarm. */
void smp_halt_arm(uint64_t deadline_tsc);
int smp_halt_wait(volatile uint32_t *count, uint32_t target, uint64_t deadline_tsc);
void smp_halt_disarm(void);
/* Halted wait for memory no interrupt announces: woken by interrupts or every nap_us. */
int smp_nap_until(volatile uint32_t *count, uint32_t target, uint64_t timeout_us, uint64_t nap_us);

#endif
