// SPDX-License-Identifier: MIT
/*
 * AP bring-up, following the SDM's MP initialization example (Vol. 3A 9.4.4): the BSP copies
 * boot/trampoline.asm to LAYOUT_TRAMPOLINE, fills its parameter block, then sends INIT, waits,
 * and sends two SIPIs. Each AP starts in real mode at the trampoline, reaches long mode and
 * ap_main() below, sets itself up and reports online through memory (a flag and a counter: a
 * PV message would cost a ~9 us exit and serialize the APs), then idles, running the calls
 * on_cpu() (smp_call.c) queues for it.
 */
#include <abi/layout.h>
#include <abi/trampoline.h>
#include <x86/apic.h>
#include <x86/msr.h>

#include "above_image.h"
#include "apic.h"
#include "cpu.h"
#include "idt.h"
#include "lib.h"
#include "smp.h"
#include "smp_wait.h"
#include "trace.h"
#include "tsc.h"

/*
 * The SDM's example waits 10 ms after INIT and 200 us after each SIPI, figures for legacy
 * processors; Linux uses no INIT delay and 10 us between SIPIs on modern ones
 * (smp_quirk_init_udelay()). KVM queues INIT and SIPI as pending events and handles them in
 * order, so short delays lose nothing here and the bring-up stays fast.
 */
#define INIT_DELAY_US           10
#define SIPI_DELAY_US           10
#define BRINGUP_BASE_US         500000  /* bring-up timeout: base + per AP (500 ms convention) */
#define BRINGUP_PER_AP_US       2000

extern const char trampoline_start[], trampoline_end[];  /* boot/trampoline.asm */

struct smp_cpu smp_cpus[MAX_CPUS];
_Static_assert(ARRAY_SIZE(smp_cpus) >= IRQLAB_MAX_CPUS, "a slot per CPU the host may start");

static struct {
	uint32_t ncpus, nslots;
	uint64_t mem_bytes;
	int x2apic;
	bool started, booted;
	volatile uint32_t online_count;         /* ap_main() entries since the last smp_boot() */
	volatile uint32_t online_target;        /* the AP that brings online_count here ... */
	volatile uint64_t last_online_tsc;      /* ... stamps the time and wakes the waiter */
	volatile uint32_t waiter;
	struct smp_bringup bringup;
} smp;

_Static_assert(LAYOUT_TRAMPOLINE_VEC == LAYOUT_TRAMPOLINE >> 12, "SIPI vector = page number");

static struct trampoline_params *params(void)
{
	return (struct trampoline_params *)(uintptr_t)(LAYOUT_TRAMPOLINE + TRAMPOLINE_PARAMS_OFF);
}

uint32_t smp_ncpus(void) { return smp.ncpus; }
int smp_x2apic(void) { return smp.x2apic; }
bool smp_started(void) { return smp.started; }
const struct smp_bringup *smp_bringup_result(void) { return &smp.bringup; }
uint32_t smp_tramp_entered(void) { return smp.ncpus > 1 ? params()->entered : 0; }
void smp_set_mode_flag(int x2apic) { smp.x2apic = x2apic; }

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us_to_tsc(us);

	while (rdtsc() < end)
		pause();
}

static void on_eoi_only(struct frame *f)
{
	apic_eoi();
}

static void wake_vectors_init(void)
{
	idt_set_handler(SMP_CALL_VEC, on_eoi_only);   /* the wakeup is the point */
	idt_set_handler(SMP_WAKE_VEC, on_eoi_only);
}

void smp_init(const struct pv_boot *boot)
{
	uint32_t self = this_cpu()->index;

	smp.ncpus = boot && boot->ncpus ? boot->ncpus : 1;
	/* irqlab never starts more (--cpus); a firmware (QEMU -smp) might: use the first ones, so
	 * no loop over the CPUs runs past the per-CPU arrays. */
	smp.ncpus = smp.ncpus < MAX_CPUS ? smp.ncpus : MAX_CPUS;
	smp.nslots = boot && boot->max_cpus > smp.ncpus ? boot->max_cpus : smp.ncpus;
	smp.nslots = smp.nslots < MAX_CPUS ? smp.nslots : MAX_CPUS;
	smp.mem_bytes = boot ? boot->mem_bytes : 0;
	smp.x2apic = apic_x2apic_mode();
	smp_cpus[self].online = 1;
	smp_cpus[self].boots = 1;
	wake_vectors_init();
	if (smp.ncpus > 1)      /* ~30 emulated rep movsq iterations */
		memcpy((void *)(uintptr_t)LAYOUT_TRAMPOLINE, trampoline_start,
		       (size_t)(trampoline_end - trampoline_start));
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/*
 * An AP's idle loop: wakes from `sti; hlt`, sees done != req, runs fn with IF=0 here (not in the
 * handler, so fn may wait for interrupts itself and the call vector is not in service meanwhile),
 * stores the result, sets done = req and wakes the caller with SMP_WAKE_VEC.
 */
static __attribute__((noreturn)) void smp_idle(struct smp_cpu *c)
{
	for (;;) {
		cli();
		while (c->done != c->req) {
			uint32_t req = c->req;

			c->result = c->fn(c->arg);
			c->done = req;
			apic_icr_write(APIC_DM_FIXED | SMP_WAKE_VEC, c->caller); /* it halts */
		}
		c->halts++;
		sti_hlt();      /* STI's shadow: an IPI that came after the check still ends this hlt */
		c->wakeups++;
	}
}

/*
 * Every AP's first C code, on its own stack (trampoline.asm), IF=0. Short on purpose: GS base,
 * IDT, local APIC, then online. The AP that completes the expected count stamps the time.
 */
static __attribute__((noreturn)) void ap_main(uint32_t apic_id)
{
	struct smp_cpu *c = &smp_cpus[apic_id];

	percpu_init_id(apic_id);
	idt_load();
	c->apic_base = apic_init_mode(smp.x2apic);
	c->done = c->req;               /* a call that an INIT cut short is dropped, */
	c->wakeups = c->halts;          /* and so is the hlt it interrupted */
	c->boots++;
	c->online = 1;
	trace_ev(PV_TR_ONLINE, c->boots);
	if (__atomic_add_fetch(&smp.online_count, 1, __ATOMIC_SEQ_CST) == smp.online_target) {
		smp.last_online_tsc = rdtsc();
		apic_icr_write(APIC_DM_FIXED | SMP_WAKE_VEC, smp.waiter); /* it halts meanwhile */
	}
	smp_idle(c);
}

/*
 * The APs enter long mode with the BSP's paging and control registers, current values. AP
 * stacks come from the RAM right above the image (nslots * AP_STACK_SIZE, e.g. 8 MiB for 1024
 * CPUs), so small runs still fit in --mem 4M; a loader may have put multiboot data there, which
 * this guest never reads after boot (reserve it first if that changes).
 */
int smp_tramp_prepare(void)
{
	struct trampoline_params *p = params();
	uint64_t base = above_image();

	if (above_ap_stacks(smp.nslots) > smp.mem_bytes || read_cr3() >> 32)
		return -1;
	p->cr0 = (uint32_t)read_cr0();
	p->cr3 = (uint32_t)read_cr3();
	p->cr4 = (uint32_t)read_cr4();
	p->efer = (uint32_t)(rdmsr(MSR_EFER) & ~(uint64_t)EFER_LMA);
	p->id_leaf = cpuid(0).eax >= 0xB ? 0xB : 1;
	p->nslots = smp.nslots;
	p->stack_size = AP_STACK_SIZE;
	p->stack_base = base;
	p->entry = (uintptr_t)ap_main;
	return 0;
}

void smp_send_init(uint32_t shorthand, uint32_t dest)
{
	smp.started = true;
	apic_icr_write(shorthand | APIC_DM_INIT | APIC_INT_ASSERT, dest);
}

void smp_send_sipi(uint32_t shorthand, uint32_t dest)
{
	apic_icr_write(shorthand | APIC_DM_STARTUP | LAYOUT_TRAMPOLINE_VEC, dest);
}

/* INIT (assert, edge: no de-assert since the Pentium 4), delay, SIPI, delay, SIPI. */
static void start_sequence(uint32_t shorthand, uint32_t dest)
{
	smp_send_init(shorthand, dest);
	udelay(INIT_DELAY_US);
	smp_send_sipi(shorthand, dest);
	udelay(SIPI_DELAY_US);
	smp_send_sipi(shorthand, dest);
}

/* The next `target` APs to come online: the last one stamps the time and wakes this CPU. */
static void expect_online(uint32_t target)
{
	smp.online_count = 0;
	smp.online_target = target;
	smp.waiter = this_cpu()->apic_id;
}

/* APIC IDs above 254 exist only in x2APIC mode (SDM Vol. 3A 11.12.8): switch the BSP first. */
static const char *boot_mode(void)
{
	smp.x2apic = apic_x2apic_mode();        /* the APs follow the BSP's current mode */
	if (smp.ncpus > 255 && !smp.x2apic) {
		if (apic_enable_x2apic())
			return "more than 255 CPUs need x2APIC, which CPUID does not advertise";
		smp.x2apic = 1;
	}
	if (smp_tramp_prepare())
		return "no room for the AP stacks above the image (try a larger --mem)";
	return NULL;
}

int smp_boot(void)
{
	struct smp_bringup *b = &smp.bringup;
	uint64_t t0, timeout = BRINGUP_BASE_US + (uint64_t)BRINGUP_PER_AP_US * smp.ncpus;

	if (smp.booted || smp.ncpus < 2)
		return (int)(b->target - b->online);
	smp.booted = true;
	b->target = smp.ncpus - 1;
	b->timeout_us = timeout;
	b->error = boot_mode();
	b->mode = smp.x2apic ? "x2APIC" : "xAPIC";
	if (b->error)
		return (int)b->target;
	params()->entered = 0;
	expect_online(b->target);
	t0 = rdtsc();
	start_sequence(APIC_DEST_ALLBUT, 0);
	smp_halt_until(&smp.online_count, b->target, timeout);
	b->online = smp.online_count;
	b->entered = params()->entered;
	if (b->online >= b->target)
		b->ns = tsc_to_ns(smp.last_online_tsc - t0);
	return (int)(b->target - b->online);
}

int smp_restart(uint32_t cpu, uint64_t timeout_us)
{
	struct smp_cpu *c;
	uint32_t boots;

	if (cpu >= smp.ncpus || cpu == this_cpu()->index || smp_tramp_prepare())
		return -1;
	c = &smp_cpus[cpu];
	boots = c->boots;
	c->online = 0;
	expect_online(1);
	start_sequence(0, cpu);
	return smp_halt_until(&c->boots, boots + 1, timeout_us) ? 0 : -1;
}

/* "1-3, 7, 9-12": consecutive offline APIC IDs as one range. */
uint32_t smp_offline(char *buf, size_t len)
{
	uint32_t n = 0, self = this_cpu()->index, first = 0;
	size_t off = 0;
	bool in_run = false;

	if (buf && len)
		buf[0] = '\0';
	for (uint32_t i = 0; i <= smp.ncpus; i++) {
		bool down = i < smp.ncpus && i != self && !smp_cpus[i].online;

		if (down) {
			first = in_run ? first : i;
			in_run = true;
			n++;
			continue;
		}
		if (!in_run)
			continue;
		in_run = false;         /* a run first..i-1 just ended */
		if (buf && off < len)
			off += (size_t)snprintf(buf + off, len - off, first == i - 1 ? "%s%u" : "%s%u-%u",
						off ? ", " : "", first, i - 1);
	}
	return n;
}
