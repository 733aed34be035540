/* SPDX-License-Identifier: MIT */
/* SMP bring-up the way kvm-unit-tests does it: copy a real-mode trampoline to physical 0, then
 * INIT and two STARTUPs with vector 0 to all other CPUs (SDM Vol. 3A 9.4.4.1), and wait, bounded
 * by the TSC, until fw_cfg's CPU count is online. Each AP counts itself with `lock xadd`. */
#include "mbk.h"
#include "x86/apic.h"

#define SIPI_VECTOR    0x00                 /* the AP starts at 0x0000:0000 */
#define WAIT_CYCLES    (16ull << 30)        /* ~6 s at 3 GHz: bring-up takes ms, but hosts get busy */

volatile uint32_t cpus_online;              /* entry.asm: APs `lock xadd` 1 here */
volatile uint32_t apic_id_mask[8];          /* entry.asm: APs set bit (APIC ID) */
extern char tramp_start[], tramp_end[];

static uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(LAPIC_BASE + reg);
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(LAPIC_BASE + reg, v);
}

/* Physical 0 is a null pointer to C: copy with rep movsb so nothing is optimised away. */
static void copy_trampoline(void)
{
	uint32_t n = (uint32_t)(tramp_end - tramp_start);
	uint32_t dst = 0;
	const char *src = tramp_start;

	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) :: "memory");
}

static void ipi_all_but_self(uint32_t icr)
{
	lapic_write(APIC_ICR2, 0);
	lapic_write(APIC_ICR, APIC_DEST_ALLBUT | icr);
	while (lapic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
}

static uint32_t count_ids(void)
{
	uint32_t n = 0;

	for (int i = 0; i < 8; i++)
		for (uint32_t m = apic_id_mask[i]; m; m &= m - 1)
			n++;
	return n;
}

void smp_bringup(struct boot *b)
{
	uint32_t bsp = lapic_read(APIC_ID) >> 24;
	uint64_t deadline;

	cpus_online = 1;
	apic_id_mask[bsp >> 5] |= 1u << (bsp & 31);
	if (b->fw.ncpus > 1) {
		copy_trampoline();
		lapic_write(APIC_SPIV, APIC_SPIV_APIC_ENABLED | 0xFF);
		ipi_all_but_self(APIC_DM_INIT | APIC_INT_ASSERT);
		ipi_all_but_self(APIC_DM_STARTUP | SIPI_VECTOR);
		ipi_all_but_self(APIC_DM_STARTUP | SIPI_VECTOR); /* ignored by a CPU already started */
		deadline = rdtsc() + WAIT_CYCLES;
		while (cpus_online < b->fw.ncpus && rdtsc() < deadline)
			cpu_relax();
	}
	b->online = cpus_online;
	b->ids = count_ids();
}

void check_smp(const struct boot *b)
{
	if (!tap_ok(b->online == b->fw.ncpus && b->ids == b->fw.ncpus, "smp")) {
		puts("# online=");
		put_u32(b->online);
		puts(" distinct APIC IDs=");
		put_u32(b->ids);
		puts(" fw_cfg=");
		put_u32(b->fw.ncpus);
		putc('\n');
	}
}
