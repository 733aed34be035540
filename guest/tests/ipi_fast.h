/* SPDX-License-Identifier: MIT */
/* tests/ipi_fast.asm: the round-trip test's timed path, its wait loops and raw interrupt entries. */
#ifndef GUEST_TESTS_IPI_FAST_H
#define GUEST_TESTS_IPI_FAST_H

#include <stdint.h>

/* ICR low halves and destinations (x2APIC: the APIC ID; xAPIC: the ICR2 value, ID << 24). */
extern uint32_t ipi_fast_ping_icr, ipi_fast_ping_dest, ipi_fast_pong_icr, ipi_fast_pong_dest;
extern volatile uint32_t ipi_fast_pongs;       /* pongs the initiator took */
extern volatile uint32_t ipi_fast_halts;       /* the responder's loop: hlts entered, and */
extern volatile uint32_t ipi_fast_wakeups;     /* wakeups (from pings or anything else) */
extern volatile uint32_t ipi_fast_stop;        /* the responder's loop returns when woken */

/* Raw IDT entries (idt_set_gate()), not callable: the responder's ping, the initiator's pong. */
void ipi_fast_ping_xapic(void);
void ipi_fast_ping_x2apic(void);
void ipi_fast_pong_xapic(void);
void ipi_fast_pong_x2apic(void);

/* The responder's wait loop, for on_cpu_async(); returns 0 once woken with ipi_fast_stop set. */
uint64_t ipi_fast_respond_xapic(void *unused);
uint64_t ipi_fast_respond_x2apic(void *unused);

/* One round trip with IF=0 around it: TSC ticks until ipi_fast_pongs >= pongs, 0 if not by
 * deadline_tsc (a timer armed by the caller must end the hlt). */
uint32_t ipi_fast_round_xapic(uint32_t pongs, uint64_t deadline_tsc);
uint32_t ipi_fast_round_x2apic(uint32_t pongs, uint64_t deadline_tsc);

#endif
