// SPDX-License-Identifier: MIT
/* The #MC handler, per-CPU machine-check setup and the mcelog-style report (SDM Vol. 3B ch. 15). */
#include <x86/cpu.h>
#include <x86/mce.h>
#include <x86/msr.h>

#include "cpu.h"
#include "idt.h"
#include "lib.h"
#include "mce.h"
#include "percpu.h"
#include "pv.h"
#include "trace.h"
#include "tsc.h"

static struct mce_log logs[MAX_CPUS];

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

bool mce_supported(void)
{
	uint32_t edx = cpuid(1).edx;

	return (edx & CPUID_1_EDX_MCE) && (edx & CPUID_1_EDX_MCA);
}

uint32_t mce_cpu_init(void)
{
	uint64_t cap = rdmsr(MSR_IA32_MCG_CAP);
	uint32_t banks = (uint32_t)(cap & MCG_BANKCNT_MASK);

	if (cap & MCG_CTL_P)
		wrmsr(MSR_IA32_MCG_CTL, ~0ull);
	for (uint32_t i = 0; i < banks; i++) {
		wrmsr(MSR_IA32_MCx_CTL(i), ~0ull);
		wrmsr(MSR_IA32_MCx_STATUS(i), 0);
	}
	write_cr4(read_cr4() | X86_CR4_MCE);
	logs[this_cpu()->index].ready = 1;
	return banks;
}

struct mce_log *mce_log(uint32_t cpu)
{
	return &logs[cpu < MAX_CPUS ? cpu : 0];
}

void mce_log_clear(uint32_t cpu)
{
	struct mce_log *l = mce_log(cpu);

	l->exceptions = 0;
	l->records = 0;
	memset(l->rec, 0, sizeof(l->rec));
}

/* A valid bank: log it, then clear it (15.10.2: software clears MCi_STATUS after logging). */
static void log_bank(struct mce_log *l, struct mce_record *tmpl, uint32_t bank, uint64_t status)
{
	struct mce_record *r = l->records < MCE_LOG_MAX ? &l->rec[l->records] : tmpl;

	*r = *tmpl;
	r->bank = bank;
	r->status = status;
	r->addr = status & MCI_STATUS_ADDRV ? rdmsr(MSR_IA32_MCx_ADDR(bank)) : 0;
	r->misc = status & MCI_STATUS_MISCV ? rdmsr(MSR_IA32_MCx_MISC(bank)) : 0;
	wrmsr(MSR_IA32_MCx_STATUS(bank), 0);
	l->records++;
}

/*
 * RIPV clear: the interrupted code cannot be restarted (15.3.1.2). Say what happened, stop.
 * pv_abort() is reached through a pointer the compiler does not know as noreturn, so the call is
 * followed by the halt loop rather than by int3 padding (which guest-insn-lint reports).
 */
static void (*volatile abort_fn)(const char *, int, const char *, ...) = pv_abort;

static __attribute__((noreturn)) void unrecoverable(struct mce_log *l, uint32_t first,
						   const struct mce_record *tmpl)
{
	for (uint32_t i = first; i < l->records && i < MCE_LOG_MAX; i++)
		mce_report(&l->rec[i]);
	abort_fn(__FILE_NAME__, __LINE__, "machine check on cpu %u with MCG_STATUS 0x%lx: RIPV "
		 "clear, cannot resume at RIP 0x%lx", tmpl->cpu, tmpl->mcg_status, tmpl->rip);
	halt_forever();
}

static void mce_handler(struct frame *f)
{
	struct percpu *c = this_cpu();
	struct mce_log *l = &logs[c->index];
	struct mce_record t = { .cpu = c->apic_id, .rip = f->rip, .tsc = rdtsc() };
	uint32_t banks, first = l->records;

	t.mcg_cap = rdmsr(MSR_IA32_MCG_CAP);
	t.mcg_status = rdmsr(MSR_IA32_MCG_STATUS);
	banks = (uint32_t)(t.mcg_cap & MCG_BANKCNT_MASK);
	for (uint32_t i = 0; i < banks; i++) {
		uint64_t status = rdmsr(MSR_IA32_MCx_STATUS(i));

		if (status & MCI_STATUS_VAL)
			log_bank(l, &t, i, status);
	}
	l->exceptions++;
	trace_ev(PV_TR_MCE, l->records - first);
	if (!(t.mcg_status & MCG_STATUS_RIPV))
		unrecoverable(l, first, &t);
	wrmsr(MSR_IA32_MCG_STATUS, 0);	/* MCIP: a #MC while it is set shuts the CPU down */
}

void mce_install(void)
{
	idt_set_handler(X86_VEC_MC, mce_handler);
}

struct mce_fields mce_decode(uint64_t s)
{
	return (struct mce_fields){
		.val = s & MCI_STATUS_VAL, .over = s & MCI_STATUS_OVER, .uc = s & MCI_STATUS_UC,
		.en = s & MCI_STATUS_EN, .miscv = s & MCI_STATUS_MISCV,
		.addrv = s & MCI_STATUS_ADDRV, .pcc = s & MCI_STATUS_PCC, .s = s & MCI_STATUS_S,
		.ar = s & MCI_STATUS_AR, .mca = (uint16_t)(s & MCI_STATUS_MCA_MASK),
		.model = (uint16_t)(s >> MCI_STATUS_MODEL_SHIFT),
	};
}

/* Simple codes (table 15-8), then compound ones by their fixed bits (table 15-9); bit 12 of a
 * compound code is the corrected-filtering flag and does not change its class. */
const char *mce_mca_name(uint16_t mca)
{
	static const char *const simple[] = {
		"No error", "Unclassified", "Microcode ROM parity error", "External error",
		"FRC error", "Internal parity error", "SMM handler code access violation",
	};
	uint16_t c = mca & (uint16_t)~0x1000u;

	if (mca < ARRAY_SIZE(simple))
		return simple[mca];
	if (mca == 0x0400)
		return "Internal timer error";
	if (mca == 0x0E0B)
		return "I/O error";
	if ((c & 0xFFFC) == 0x000C)
		return "Generic cache hierarchy error";
	if ((c & 0xFFF0) == 0x0010)
		return "TLB error";
	if ((c & 0xFF80) == 0x0080)
		return "Memory controller error";
	if ((c & 0xFF00) == 0x0100)
		return "Cache hierarchy error";
	if ((c & 0xF800) == 0x0800)
		return "Bus and interconnect error";
	if ((mca & 0xFC00) == 0x0400)
		return "Internal unclassified error";
	return "Reserved error code";
}

static int flags(char *buf, size_t len, const struct mce_fields *d)
{
	return snprintf(buf, len, "%s%s%s%s%s%s%s%s",
			d->uc ? "Uncorrected error\n" : "Corrected error\n",
			d->en ? "Error enabled\n" : "", d->over ? "Error overflow\n" : "",
			d->miscv ? "MCi_MISC register valid\n" : "",
			d->addrv ? "MCi_ADDR register valid\n" : "",
			d->pcc ? "Processor context corrupt\n" : "",
			d->s ? "Signaled by #MC (S)\n" : "", d->ar ? "Action required (AR)\n" : "");
}

int mce_format(char *buf, size_t len, const struct mce_record *r)
{
	struct mce_fields d = mce_decode(r->status);
	uint64_t m = r->mcg_status;
	int n;

	n = snprintf(buf, len, "Hardware event. This is not a software error.\n"
		     "CPU %u BANK %u TSC 0x%lx\nRIP 0x%lx\nMISC 0x%lx ADDR 0x%lx\n"
		     "MCG status:%s%s%s\nMCi status:\n", r->cpu, r->bank, r->tsc, r->rip, r->misc,
		     r->addr, m & MCG_STATUS_RIPV ? "RIPV " : "", m & MCG_STATUS_EIPV ? "EIPV " : "",
		     m & MCG_STATUS_MCIP ? "MCIP" : "");
	if (n < 0 || (size_t)n >= len)
		return n;
	n += flags(buf + n, len - (size_t)n, &d);
	if ((size_t)n >= len)
		return n;
	n += snprintf(buf + n, len - (size_t)n, "MCA: %s (code 0x%04x, model 0x%04x)\n"
		      "STATUS 0x%lx MCGSTATUS 0x%lx\nMCGCAP 0x%lx APICID %u", mce_mca_name(d.mca),
		      d.mca, d.model, r->status, r->mcg_status, r->mcg_cap, r->cpu);
	return n;
}

void mce_report(const struct mce_record *r)
{
	char buf[768];

	mce_format(buf, sizeof(buf), r);
	pv_print("%s", buf);
}
