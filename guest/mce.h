/* SPDX-License-Identifier: MIT */
/*
 * Machine checks (SDM Vol. 3B ch. 15): the #MC handler every CPU shares, per-CPU initialisation
 * and a structured log per CPU. The handler reads IA32_MCG_CAP, IA32_MCG_STATUS and every bank's
 * IA32_MCi_STATUS (ADDR and MISC where ADDRV/MISCV say they hold something: 15.3.2.2), logs each
 * valid bank, clears it, clears MCG_STATUS (MCIP) and returns only if RIPV allows; otherwise it
 * prints the records and stops the run. It sends no PV message on the way to a normal return: a
 * request that caused the #MC may still have its reply in this CPU's message block (pv.h).
 */
#ifndef GUEST_MCE_H
#define GUEST_MCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCE_LOG_MAX 4           /* records kept per CPU; later ones are only counted */

struct mce_record {
	uint32_t cpu;           /* APIC ID that took it */
	uint32_t bank;
	uint64_t mcg_cap;       /* as read by the handler */
	uint64_t mcg_status;
	uint64_t status;
	uint64_t addr;          /* 0 unless ADDRV */
	uint64_t misc;          /* 0 unless MISCV */
	uint64_t rip;           /* where the #MC interrupted */
	uint64_t tsc;           /* at handler entry */
};

/* IA32_MCi_STATUS decoded (SDM Vol. 3B figure 15-6) */
struct mce_fields {
	bool val, over, uc, en, miscv, addrv, pcc, s, ar;
	uint16_t mca;           /* MCA error code, bits 15:0 (15.9) */
	uint16_t model;         /* model-specific error code, bits 31:16 */
};

struct mce_log {
	volatile uint32_t exceptions;   /* #MC taken */
	volatile uint32_t records;      /* valid banks found; rec[] keeps the first MCE_LOG_MAX */
	volatile uint32_t ready;        /* mce_cpu_init() ran on this CPU */
	uint32_t pad;
	struct mce_record rec[MCE_LOG_MAX];
};

bool mce_supported(void);                   /* CPUID.01H:EDX MCE and MCA */
void mce_install(void);                     /* the #MC handler, vector 18, for every CPU */
/* This CPU, as SDM 15.8: MCG_CTL all-ones if MCG_CTL_P, every MCi_CTL all-ones and MCi_STATUS
 * 0, then CR4.MCE. Returns the bank count. */
uint32_t mce_cpu_init(void);
struct mce_log *mce_log(uint32_t cpu);      /* by APIC ID */
void mce_log_clear(uint32_t cpu);           /* call while that CPU cannot take a #MC */

struct mce_fields mce_decode(uint64_t status);
const char *mce_mca_name(uint16_t mca);     /* the error code's class (SDM 15.9.1, 15.9.2) */
/* The record as mcelog prints one event; returns vsnprintf's length. */
int mce_format(char *buf, size_t len, const struct mce_record *r);
void mce_report(const struct mce_record *r);    /* pv_print of mce_format(); not in the handler */

#endif
