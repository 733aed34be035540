/* SPDX-License-Identifier: MIT */
/* Machine-check architecture (SDM Vol. 3B ch. 15), Linux asm/mce.h names. Each register's fields
 * are indented under its comment; bank MSR addresses at the end. */
#ifndef IRQLAB_X86_MCE_H
#define IRQLAB_X86_MCE_H

/* IA32_MCG_CAP (15.3.1.1), read-only */
#define   MCG_BANKCNT_MASK          0xFFull
#define   MCG_CTL_P                 (1ull << 8)   /* IA32_MCG_CTL present */
#define   MCG_EXT_P                 (1ull << 9)
#define   MCG_CMCI_P                (1ull << 10)
#define   MCG_TES_P                 (1ull << 11)
#define   MCG_SER_P                 (1ull << 24)  /* S and AR flags are defined */
#define   MCG_LMCE_P                (1ull << 27)
/* IA32_MCG_STATUS (15.3.1.2) */
#define   MCG_STATUS_RIPV           (1ull << 0)   /* restart at the pushed RIP is reliable */
#define   MCG_STATUS_EIPV           (1ull << 1)   /* the pushed RIP is where the error was */
#define   MCG_STATUS_MCIP           (1ull << 2)   /* #MC in progress: a second one shuts down */
/* IA32_MCi_STATUS (15.3.2.2) */
#define   MCI_STATUS_MCA_MASK       0xFFFFull     /* MCA error code (15.9) */
#define   MCI_STATUS_MODEL_SHIFT    16            /* model-specific error code, 31:16 */
#define   MCI_STATUS_AR             (1ull << 55)  /* action required (SER_P) */
#define   MCI_STATUS_S              (1ull << 56)  /* signaled by #MC (SER_P) */
#define   MCI_STATUS_PCC            (1ull << 57)  /* processor context corrupt */
#define   MCI_STATUS_ADDRV          (1ull << 58)  /* IA32_MCi_ADDR valid */
#define   MCI_STATUS_MISCV          (1ull << 59)  /* IA32_MCi_MISC valid */
#define   MCI_STATUS_EN             (1ull << 60)  /* enabled by IA32_MCi_CTL */
#define   MCI_STATUS_UC             (1ull << 61)  /* uncorrected */
#define   MCI_STATUS_OVER           (1ull << 62)  /* overflow: VAL was already set */
#define   MCI_STATUS_VAL            (1ull << 63)

/* Bank i's MSRs: CTL, STATUS, ADDR, MISC at 0x400 + 4i + 0..3 */
#define MSR_IA32_MCx_CTL(i)         (0x400u + 4u * (i))
#define MSR_IA32_MCx_STATUS(i)      (0x401u + 4u * (i))
#define MSR_IA32_MCx_ADDR(i)        (0x402u + 4u * (i))
#define MSR_IA32_MCx_MISC(i)        (0x403u + 4u * (i))
#define MCE_MAX_BANKS               32            /* KVM's limit; MSR 0x480 is IA32_VMX_BASIC */

#endif
