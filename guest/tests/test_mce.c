// SPDX-License-Identifier: MIT
/*
 * Suite `mce`: the machine-check architecture (SDM Vol. 3B ch. 15) as KVM emulates it, with errors
 * the host injects on request (PV_REQ_MCE_INJECT, KVM_X86_SET_MCE on the target vCPU's thread).
 * Each CPU is initialised on first use (CR4.MCE, MCG_CTL, MCi_CTL: mce_cpu_init()); the #MC handler
 * logs per CPU and the tests compare the log with what was injected. Every test leaves the banks
 * it used clear and enabled.
 */
#include <x86/cpu.h>
#include <x86/mce.h>
#include <x86/msr.h>

#include "cpu.h"
#include "idt.h"
#include "lib.h"
#include "mce.h"
#include "pv.h"
#include "pvreq.h"
#include "smp.h"
#include "smp_tests.h"
#include "test.h"
#include "tsc.h"

#define MC_WAIT_US   500000     /* #MC comes at the target's next entry (cross-CPU adds a kick); a
                                   wait ends when it arrives, only a starved vCPU needs more */
#define NO_MC_US     1000       /* long enough for an #MC that should not come to show */

/* An uncorrected cache error, context corrupt: RIPV lets the handler resume (SDM 15.3.1.2). */
#define UC_STATUS  (MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN | MCI_STATUS_MISCV | \
		    MCI_STATUS_ADDRV | MCI_STATUS_PCC | 0x0042ull << 16 | 0x0134)
#define UC_MCG     (MCG_STATUS_RIPV | MCG_STATUS_EIPV | MCG_STATUS_MCIP)
/* Software recoverable action required (SRAR, 15.6.3): S and AR, no PCC */
#define SRAR_STATUS (MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN | MCI_STATUS_ADDRV | \
		     MCI_STATUS_MISCV | MCI_STATUS_S | MCI_STATUS_AR | 0x0134)
/* Corrected memory-controller read errors (code 0000 0000 1001 1111) */
#define CE_STATUS  (MCI_STATUS_VAL | MCI_STATUS_EN | MCI_STATUS_ADDRV | 0x009F)
#define ADDR1      0x12345000ull
#define ADDR2      0x0ABCD000ull
#define MISC1      0x86ull      /* address mode 010b physical, LSB 6 (15.3.2.4) */

static uint64_t init_here(void *unused) { return mce_cpu_init(); }
static uint64_t read_cap(void *unused) { return rdmsr(MSR_IA32_MCG_CAP); }

static uint32_t ncpus(void)
{
	const struct pv_boot *b = pvreq_boot();

	return b && b->ncpus ? b->ncpus : 1;
}

/* Machine checks usable on `cpu` (handler installed, CPU initialised, log empty); with `inject`
 * also a host that injects. Otherwise the test is skipped or failed and false returned. */
static bool mce_ready(uint32_t cpu, bool inject)
{
	const struct pv_boot *b = pvreq_boot();
	int err;

	if (inject && pvreq_nop()) {
		test_skip("no host answers requests (PV_REQ_NOP): nothing can inject machine checks");
		return false;
	}
	if (!b || !b->mce_banks) {
		test_skip("no machine-check banks (--mce-banks 0)");
		return false;
	}
	if (!check(mce_supported(), "host set up %u banks but CPUID.01H:EDX MCE/MCA is clear",
		   b->mce_banks))
		return false;
	mce_install();
	if (!mce_log(cpu)->ready && (err = on_cpu(cpu, init_here, 0, 0)))
		return check(0, "MCE init on cpu %u: %s", cpu, smp_strerror(err));
	mce_log_clear(cpu);
	return true;
}

static uint32_t banks(void)
{
	return (uint32_t)(rdmsr(MSR_IA32_MCG_CAP) & MCG_BANKCNT_MASK);
}

/* One record against what was injected. */
static void check_record(const struct mce_record *r, uint32_t cpu, uint32_t bank, uint64_t status,
			 uint64_t addr, uint64_t misc, uint64_t mcg)
{
	check(r->cpu == cpu && r->bank == bank, "#MC logged cpu %u bank %u, injected into cpu %u "
	      "bank %u", r->cpu, r->bank, cpu, bank);
	check(r->status == status, "MCi_STATUS in the handler 0x%lx, injected 0x%lx", r->status, status);
	check(r->addr == addr, "MCi_ADDR in the handler 0x%lx, injected 0x%lx", r->addr, addr);
	check(r->misc == misc, "MCi_MISC in the handler 0x%lx, injected 0x%lx", r->misc, misc);
	check(r->mcg_status == mcg, "MCG_STATUS in the handler 0x%lx, injected 0x%lx", r->mcg_status,
	      mcg);
}

/* SDM 15.3.1.1: MCG_CAP[7:0] is the bank count; the host configured pv_boot.mce_banks. */
static void bank_count(void)
{
	const struct pv_boot *b = pvreq_boot();
	uint64_t cap;
	int err;

	if (!mce_ready(this_cpu()->index, false) || !smp_all_online())
		return;
	for (uint32_t c = 0; c < smp_ncpus(); c++) {
		if (!check(!(err = on_cpu(c, read_cap, 0, &cap)), "cpu %u: %s", c, smp_strerror(err)))
			continue;
		check((cap & MCG_BANKCNT_MASK) == b->mce_banks, "cpu %u: MCG_CAP 0x%lx has %u banks, "
		      "the host set up %u", c, cap, (uint32_t)(cap & MCG_BANKCNT_MASK), b->mce_banks);
	}
	cap = rdmsr(MSR_IA32_MCG_CAP);
	pv_print("MCG_CAP 0x%lx: %u banks%s%s%s", cap, (uint32_t)(cap & MCG_BANKCNT_MASK),
		 cap & MCG_CTL_P ? ", MCG_CTL_P" : "", cap & MCG_SER_P ? ", MCG_SER_P" : "",
		 cap & MCG_CMCI_P ? ", MCG_CMCI_P" : "");
}

static void msr_gp(uint32_t msr, const char *what, uint32_t bank)
{
	uint64_t v = 0;
	int vec = rdmsr_safe(msr, &v);

	check(vec == X86_VEC_GP, "rdmsr 0x%x (%s, bank %u of %u): expected #GP, got %s%d (0x%lx)",
	      msr, what, bank, banks(), vec == FAULT_NONE ? "no fault " : "vector ", vec, v);
}

/* Bank i's CTL takes 0 and all-ones; STATUS takes 0 only (15.3.2.2: "writing 1s to them causes a
 * general-protection exception"); MSRs of banks past MCG_CAP[7:0] do not exist (#GP). */
static void bank_msrs(void)
{
	uint32_t n = banks();
	uint64_t v;
	int vec;

	if (!mce_ready(this_cpu()->index, false))
		return;
	for (uint32_t i = 0; i < n; i++) {
		wrmsr(MSR_IA32_MCx_CTL(i), 0);
		check((v = rdmsr(MSR_IA32_MCx_CTL(i))) == 0, "MC%u_CTL after writing 0: 0x%lx", i, v);
		wrmsr(MSR_IA32_MCx_CTL(i), ~0ull);
		check((v = rdmsr(MSR_IA32_MCx_CTL(i))) == ~0ull, "MC%u_CTL after writing all-ones: 0x%lx",
		      i, v);
		vec = wrmsr_safe(MSR_IA32_MCx_STATUS(i), 0);
		check(vec == FAULT_NONE, "MC%u_STATUS: writing 0 raised vector %d", i, vec);
		vec = wrmsr_safe(MSR_IA32_MCx_STATUS(i), MCI_STATUS_VAL | 1);
		check(vec == X86_VEC_GP, "MC%u_STATUS: writing 0x%llx: expected #GP, got %d", i,
		      MCI_STATUS_VAL | 1, vec);
		check((v = rdmsr(MSR_IA32_MCx_STATUS(i))) == 0, "MC%u_STATUS reads 0x%lx, expected 0", i, v);
	}
	for (uint32_t i = n; i < MCE_MAX_BANKS; i = i < MCE_MAX_BANKS - 1 ? MCE_MAX_BANKS - 1 : i + 1) {
		msr_gp(MSR_IA32_MCx_CTL(i), "CTL", i);          /* the first and the last missing bank */
		msr_gp(MSR_IA32_MCx_STATUS(i), "STATUS", i);
		msr_gp(MSR_IA32_MCx_ADDR(i), "ADDR", i);
		msr_gp(MSR_IA32_MCx_MISC(i), "MISC", i);
	}
	if (rdmsr(MSR_IA32_MCG_CAP) & MCG_CTL_P)
		check((v = rdmsr(MSR_IA32_MCG_CTL)) == ~0ull, "MCG_CTL after init: 0x%lx", v);
	else
		msr_gp(MSR_IA32_MCG_CTL, "MCG_CTL without MCG_CTL_P", 0);
	check((v = rdmsr(MSR_IA32_MCG_STATUS)) == 0, "MCG_STATUS with no #MC in progress: 0x%lx", v);
}

/* Inject into this CPU and expect exactly one #MC that logs exactly what was injected. */
static const struct mce_record *uc_once(uint32_t bank, uint64_t status, uint64_t mcg)
{
	uint32_t self = this_cpu()->index;
	struct mce_log *l = mce_log(self);
	int r = pvreq_mce(self, bank, status, ADDR1, MISC1, mcg, 0);
	uint64_t v;

	if (r == -PV_ENOSYS) {
		test_skip("the host cannot inject machine checks here (-ENOSYS)");
		return 0;
	}
	if (!check(r == 0, "inject 0x%lx into cpu %u bank %u: host answered %d", status, self, bank, r))
		return 0;
	wait_count(&l->exceptions, 1, MC_WAIT_US);
	idle_us(NO_MC_US);
	if (!check(l->exceptions == 1 && l->records == 1, "expected one #MC logging one bank, got %u "
		   "#MC logging %u", l->exceptions, l->records))
		return 0;
	check_record(&l->rec[0], self, bank, status, ADDR1, MISC1, mcg);
	check((v = rdmsr(MSR_IA32_MCx_STATUS(bank))) == 0, "MC%u_STATUS after the handler: 0x%lx", bank, v);
	check((v = rdmsr(MSR_IA32_MCG_STATUS)) == 0, "MCG_STATUS after the handler: 0x%lx", v);
	return &l->rec[0];
}

static void uc_raises_mc(void)
{
	const struct mce_record *r;
	struct mce_fields d;

	if (!mce_ready(this_cpu()->index, true) || !(r = uc_once(1, UC_STATUS, UC_MCG)))
		return;
	d = mce_decode(r->status);
	check(d.val && d.uc && d.en && d.pcc && d.addrv && d.miscv && !d.over && !d.s && !d.ar,
	      "decode of 0x%lx: VAL %d UC %d EN %d PCC %d ADDRV %d MISCV %d OVER %d S %d AR %d",
	      r->status, d.val, d.uc, d.en, d.pcc, d.addrv, d.miscv, d.over, d.s, d.ar);
	check(d.mca == 0x0134 && d.model == 0x42, "decode: MCA code 0x%x model 0x%x, expected 0x134 "
	      "and 0x42", d.mca, d.model);
	check(!strcmp(mce_mca_name(d.mca), "Cache hierarchy error"), "MCA code 0x134 decoded as %s",
	      mce_mca_name(d.mca));
	mce_report(r);
}

/* A second UC #MC right after the first: MCIP was cleared (else shutdown, 15.3.1.2); S and AR. */
static void uc_recoverable_srar(void)
{
	const struct mce_record *r;
	struct mce_fields d;

	if (!mce_ready(this_cpu()->index, true) || !uc_once(2, UC_STATUS, UC_MCG))
		return;
	mce_log_clear(this_cpu()->index);
	if (!(r = uc_once(3, SRAR_STATUS, UC_MCG)))
		return;
	d = mce_decode(r->status);
	check(d.s && d.ar && !d.pcc && d.uc, "decode of 0x%lx: S %d AR %d PCC %d UC %d", r->status,
	      d.s, d.ar, d.pcc, d.uc);
}

/* Corrected errors are logged without #MC; a second one in a valid bank sets OVER and, both
 * being corrected, its information replaces the first's (SDM 15.3.2.2, table 15-2). */
static void corrected_no_mc(void)
{
	uint32_t self = this_cpu()->index, bank = 4 % banks();
	uint64_t ce2 = CE_STATUS | MCI_STATUS_MISCV | 1ull << 16, s, a;

	if (!mce_ready(self, true))
		return;
	check(!pvreq_mce(self, bank, CE_STATUS, ADDR1, 0, 0, 0), "inject corrected error: refused");
	idle_us(NO_MC_US);
	s = rdmsr(MSR_IA32_MCx_STATUS(bank));
	a = rdmsr(MSR_IA32_MCx_ADDR(bank));
	check(s == CE_STATUS && a == ADDR1, "MC%u after a corrected error: STATUS 0x%lx ADDR 0x%lx, "
	      "expected 0x%llx 0x%llx", bank, s, a, CE_STATUS, ADDR1);
	check(!pvreq_mce(self, bank, ce2, ADDR2, MISC1, 0, 0), "inject second corrected error: refused");
	idle_us(NO_MC_US);
	s = rdmsr(MSR_IA32_MCx_STATUS(bank));
	a = rdmsr(MSR_IA32_MCx_ADDR(bank));
	check(s == (ce2 | MCI_STATUS_OVER) && a == ADDR2, "MC%u after a second corrected error: STATUS "
	      "0x%lx ADDR 0x%lx, expected 0x%llx (OVER set) 0x%llx", bank, s, a,
	      ce2 | MCI_STATUS_OVER, ADDR2);
	check(mce_log(self)->exceptions == 0, "corrected errors raised %u #MC, expected none",
	      mce_log(self)->exceptions);
	wrmsr(MSR_IA32_MCx_STATUS(bank), 0);
}

/*
 * MCi_CTL gates #MC signaling only: "Setting an EEj flag enables signaling #MC of the associated
 * error and clearing it disables signaling of the error. Error logging happens regardless of the
 * setting of these bits." (SDM Vol. 3B 15.3.2.1); MCi_STATUS.EN records whether the error was
 * enabled, and OVER's rule "enabled errors are written over disabled errors" (15.3.2.2) presumes
 * disabled ones are logged. So an uncorrected error in a bank with MCi_CTL = 0 is logged (VAL, EN
 * clear as injected) with no #MC. KVM drops it instead (docs/kvm-pvm.md): reported as dropped.
 */
static void disabled_bank_logs(void)
{
	uint32_t self = this_cpu()->index, bank = 5 % banks();
	uint64_t uc = UC_STATUS & ~MCI_STATUS_EN, s, a, g;
	int r;

	if (!mce_ready(self, true))
		return;
	wrmsr(MSR_IA32_MCx_CTL(bank), 0);
	r = pvreq_mce(self, bank, uc, ADDR1, MISC1, UC_MCG, 0);
	idle_us(NO_MC_US);
	s = rdmsr(MSR_IA32_MCx_STATUS(bank));
	a = rdmsr(MSR_IA32_MCx_ADDR(bank));
	g = rdmsr(MSR_IA32_MCG_STATUS);
	check(r == 0, "inject into a disabled bank: host answered %d", r);
	check(mce_log(self)->exceptions == 0, "MC%u_CTL = 0: the error raised %u #MC, expected none",
	      bank, mce_log(self)->exceptions);
	check(!(g & MCG_STATUS_MCIP), "MC%u_CTL = 0: MCG_STATUS 0x%lx has MCIP without an #MC", bank, g);
	if (s == 0)
		check(0, "MC%u_CTL = 0: uncorrected error 0x%lx dropped (MCi_STATUS reads 0, no #MC); "
		      "SDM 15.3.2.1: logged regardless of MCi_CTL, only #MC signaling is disabled", bank, uc);
	else
		check(s == uc && a == ADDR1, "MC%u_CTL = 0: logged STATUS 0x%lx ADDR 0x%lx, injected "
		      "0x%lx 0x%llx", bank, s, a, uc, ADDR1);
	wrmsr(MSR_IA32_MCx_STATUS(bank), 0);
	wrmsr(MSR_IA32_MCx_CTL(bank), ~0ull);
}

/* One UC error into each CPU in turn: only that CPU's handler runs, exactly once. */
static void every_cpu_once(void)
{
	uint32_t n = smp_ncpus(), bank;
	struct mce_log *l;
	int r;

	if (!smp_all_online())
		return;
	for (uint32_t c = 0; c < n; c++)
		if (!mce_ready(c, true))
			return;
	for (uint32_t c = 0; c < n; c++) {
		bank = c % banks();
		l = mce_log(c);
		r = pvreq_mce(c, bank, UC_STATUS, ADDR1 + c * 0x1000, MISC1, UC_MCG, 0);
		if (!check(r == 0, "inject into cpu %u: host answered %d", c, r))
			continue;
		check(wait_count(&l->exceptions, 1, MC_WAIT_US), "cpu %u: no #MC within %u us", c,
		      MC_WAIT_US);
		for (uint32_t o = 0; o < c; o++)
			check(mce_log(o)->exceptions == 1, "cpu %u: %u #MC after the injection into cpu "
			      "%u, expected its own 1", o, mce_log(o)->exceptions, c);
	}
	idle_us(NO_MC_US);
	for (uint32_t c = 0; c < n; c++) {
		l = mce_log(c);
		if (check(l->exceptions == 1 && l->records == 1, "cpu %u: %u #MC logging %u banks, "
			  "expected exactly 1", c, l->exceptions, l->records))
			check_record(&l->rec[0], c, c % banks(), UC_STATUS, ADDR1 + c * 0x1000, MISC1,
				     UC_MCG);
	}
}

/* The host refuses what KVM could not do or would misread, says why, and the run goes on. */
static void bad_requests_refused(void)
{
	uint32_t self = this_cpu()->index, n = banks();
	static const struct { const char *what; uint32_t cpu, bank; uint64_t status; } bad[] = {
		{ "CPU out of range", ~0u, 0, UC_STATUS },
		{ "bank out of range", 0, ~0u, UC_STATUS },
		{ "bank = count", 0, 0, UC_STATUS },
		{ "status without VAL", 0, 0, UC_STATUS & ~MCI_STATUS_VAL },
	};
	int r;

	if (!mce_ready(self, true))
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		uint32_t cpu = bad[i].cpu == ~0u ? ncpus() : self;
		uint32_t bank = i == 2 ? n : bad[i].bank;

		r = pvreq_mce(cpu, bank, bad[i].status, ADDR1, MISC1, UC_MCG, 0);
		check(r == -PV_EINVAL, "%s (cpu %u bank %u status 0x%lx): host answered %d, expected "
		      "%d (refused)", bad[i].what, cpu, bank, bad[i].status, r, -PV_EINVAL);
	}
	idle_us(NO_MC_US);
	check(mce_log(self)->exceptions == 0, "refused requests raised %u #MC",
	      mce_log(self)->exceptions);
}

struct test mce_tests[] = {
	TEST(bank_count),
	TEST(bank_msrs),
	TEST(uc_raises_mc),
	TEST(uc_recoverable_srar),
	TEST(corrected_no_mc),
	TEST(disabled_bank_logs),
	TEST(every_cpu_once),
	TEST(bad_requests_refused),
};
SUITE(40, mce, mce_tests, 1);
