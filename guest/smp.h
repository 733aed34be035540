/* SPDX-License-Identifier: MIT */
/*
 * SMP: AP bring-up with INIT-SIPI-SIPI through boot/trampoline.asm (SDM Vol. 3A 9.4.4), the AP
 * idle loop, and on_cpu(): run a function on another CPU and collect its result.
 *
 * CPUs are named by APIC ID (irqlab: APIC ID = vCPU index, the BSP is 0); per-CPU data is indexed
 * by it. A CPU is "online" once ap_main() has set up its GS base, IDT and local APIC; it then
 * waits in `sti; hlt` until on_cpu() wakes it with SMP_CALL_VEC. Nothing here sends PV messages:
 * APs report through memory, the BSP's tests report.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/pvport.h>

#include "percpu.h"

#define SMP_CALL_VEC    0xF0    /* on_cpu(): wakes the target's idle loop */

/* on_cpu*() results */
#define SMP_OK          0
#define SMP_EINVAL      (-1)    /* no such CPU */
#define SMP_EOFFLINE    (-2)    /* the CPU is not online */
#define SMP_EBUSY       (-3)    /* a previous call on it has not finished */
#define SMP_ETIMEDOUT   (-4)    /* the call did not finish in time */

typedef uint64_t (*smp_fn)(void *arg);

/* One CPU's state: the first group is written by the CPU itself, req/fn/arg by its callers. */
struct smp_cpu {
	volatile uint32_t online;       /* set by ap_main(), cleared by the BSP before an INIT */
	volatile uint32_t boots;        /* times the CPU went through ap_main() */
	volatile uint64_t apic_base;    /* IA32_APIC_BASE as ap_main() found it (after INIT) */
	volatile uint32_t halts;        /* idle loop: times it executed hlt */
	volatile uint32_t wakeups;      /* idle loop: times hlt returned */
	volatile uint64_t result;
	volatile uint32_t req, done;    /* call sequence numbers: a call is pending while done != req */
	volatile uint32_t caller;       /* APIC ID to wake (SMP_WAKE_VEC) when the call is done */
	smp_fn volatile fn;
	void *volatile arg;
} __attribute__((aligned(64)));

extern struct smp_cpu smp_cpus[MAX_CPUS];

/* --- smp.c: bring-up -------------------------------------------------------------------- */
void smp_init(const struct pv_boot *boot);  /* copy the trampoline, handlers; starts no AP */
uint32_t smp_ncpus(void);                   /* CPUs the host created: APIC IDs 0..n-1 */
int smp_x2apic(void);                       /* 1 if all CPUs run (or will run) in x2APIC mode */
bool smp_started(void);                     /* an INIT went out: no AP still waits for INIT */

struct smp_bringup {
	uint32_t target;                /* APs asked to come online */
	uint32_t online;                /* ... that did */
	uint32_t entered;               /* trampoline entries counted (real mode, first insn) */
	uint64_t ns;                    /* first INIT -> last AP online (0 if not all came) */
	uint64_t timeout_us;            /* how long the BSP waited */
	const char *mode;               /* "xAPIC" or "x2APIC" */
	const char *error;              /* why no INIT was sent, or NULL */
};

/* All APs by broadcast INIT-SIPI-SIPI, once per boot; later calls return the same result.
 * Returns the number of APs not online. */
int smp_boot(void);
const struct smp_bringup *smp_bringup_result(void);
/* Offline APs (BSP excluded) as APIC ID ranges "1-3, 7" into buf; returns how many. */
uint32_t smp_offline(char *buf, size_t len);
/* INIT-SIPI-SIPI by destination to one AP, online or not; 0 once it is online again. */
int smp_restart(uint32_t cpu, uint64_t timeout_us);
/* Raw messages. shorthand: 0 (physical destination dest) or APIC_DEST_ALLBUT. */
void smp_send_init(uint32_t shorthand, uint32_t dest);
void smp_send_sipi(uint32_t shorthand, uint32_t dest);
int smp_tramp_prepare(void);                /* refill the parameter block; -1 if no room */
uint32_t smp_tramp_entered(void);           /* trampoline entries since smp_init() */
void udelay(uint64_t us);                   /* TSC spin with IF unchanged */
void smp_set_mode_flag(int x2apic);         /* smp_call.c: the mode restarted APs enter */

/* --- smp_call.c: calls, mode switches ------------------------------------------------- */
/*
 * Run fn(arg) on `cpu` (the caller itself: at once). The target must be an online CPU in its
 * idle loop, i.e. an AP: a BSP busy in a test never answers. fn runs with IF=0 and may enable
 * interrupts or wait; it must not report (pv_*, check()) since the BSP's runner does.
 */
int on_cpu_async(uint32_t cpu, smp_fn fn, void *arg);
/* Waits halted, woken by the target; uses the LVT timer meanwhile and leaves it masked. */
int on_cpu_wait(uint32_t cpu, uint64_t *result, uint64_t timeout_us);
int on_cpu(uint32_t cpu, smp_fn fn, void *arg, uint64_t *result); /* async + wait */
/* fn on every online CPU in parallel (the caller's own last); results[cpu] if non-NULL.
 * Returns the number of CPUs it did not complete on (offline or timed out). */
uint32_t on_each_cpu(smp_fn fn, void *arg, uint64_t *results);
uint32_t on_each_ap(smp_fn fn, void *arg, uint64_t *results); /* same, caller excluded */
const char *smp_strerror(int err);
/* All online CPUs to x2APIC (1) or xAPIC (0): APs first, then the caller. 0 on success. */
int smp_set_apic_mode(int x2apic);

#endif
