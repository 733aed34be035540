// SPDX-License-Identifier: MIT
/* Boot parameters without an irqlab host (guest/platform.h): fw_cfg, the ACPI MADT, pvclock.
 * Freestanding and self-contained (no lib.h calls): the UEFI loader links this file too. */
#include <stddef.h>

#include <abi/layout.h>
#include <x86/cpu.h>
#include <x86/msr.h>

#include "cpu.h"
#include "platform.h"

/* QEMU's fw_cfg, legacy I/O interface (QEMU docs/specs/fw_cfg.txt): a 16-bit selector write,
 * then the item's bytes one by one from the data port, little-endian. */
#define FW_CFG_SIGNATURE  0x00 /* "QEMU" */
#define FW_CFG_RAM_SIZE   0x03 /* u64 */
#define FW_CFG_NB_CPUS    0x05 /* u16: CPUs present at boot */
#define FW_CFG_MAX_CPUS   0x0F /* u16: largest APIC ID + 1 */

/* KVM's paravirtual clock (Linux Documentation/virt/kvm/x86/msr.rst) */
#define KVM_CPUID_SIGNATURE       0x40000000
#define KVM_CPUID_FEATURES        0x40000001
#define   KVM_FEATURE_CLOCKSOURCE2  BIT(3)
#define MSR_KVM_SYSTEM_TIME_NEW   0x4B564D01

struct pvclock_vcpu_time_info {
	uint32_t version;               /* odd while KVM updates the block */
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;     /* ns = ((tsc << shift) * mul) >> 32 */
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
};

static uint64_t fw_cfg_read(uint16_t key, unsigned bytes)
{
	uint64_t v = 0;

	outw(PORT_FW_CFG, key);
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)inb(PORT_FW_CFG + 1) << (8 * i);
	return v;
}

/* No fw_cfg: the data port reads all-ones (or something other than "QEMU"). */
static int fw_cfg_present(void)
{
	return fw_cfg_read(FW_CFG_SIGNATURE, 4) == 0x554D4551u;	/* "QEMU" little-endian */
}

/* TSC kHz from the pvclock block KVM fills for us, as Linux's pvclock_tsc_khz(); 0 without
 * KVM's clocksource (TCG, bare metal): tsc.c then asks CPUID 0x40000010 or the PIT. */
static uint32_t kvmclock_tsc_khz(void)
{
	static volatile struct pvclock_vcpu_time_info pvti __attribute__((aligned(64)));
	struct cpuid_regs sig = cpuid(KVM_CPUID_SIGNATURE);
	uint64_t khz = 1000000ull << 32;
	uint32_t mul;
	int8_t shift;

	if (sig.ebx != 0x4B4D564B || sig.ecx != 0x564B4D56 || sig.edx != 0x4D ||
	    sig.eax < KVM_CPUID_FEATURES ||
	    !(cpuid(KVM_CPUID_FEATURES).eax & KVM_FEATURE_CLOCKSOURCE2))
		return 0;	/* not "KVMKVMKVM\0\0\0" */
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uintptr_t)&pvti | 1);	/* filled before we resume */
	mul = pvti.tsc_to_system_mul;
	shift = pvti.tsc_shift;
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);	/* KVM stops writing our .bss */
	if (!mul || (pvti.version & 1))
		return 0;
	khz /= mul;
	return (uint32_t)(shift < 0 ? khz << -shift : khz >> shift);
}

uint32_t platform_mce_banks(void)
{
	uint32_t edx = cpuid(1).edx;

	if ((edx & (CPUID_1_EDX_MCE | CPUID_1_EDX_MCA)) != (CPUID_1_EDX_MCE | CPUID_1_EDX_MCA))
		return 0;
	return (uint32_t)(rdmsr(MSR_IA32_MCG_CAP) & 0xFF);
}

const struct pv_boot *platform_boot_params(void)
{
	struct pv_boot *b = (struct pv_boot *)(uintptr_t)LAYOUT_BOOT_PARAMS;
	struct platform_cpus cpus = { 1, 1 };
	uint64_t ram = 0;

	if (fw_cfg_present()) {
		cpus.ncpus = (uint32_t)fw_cfg_read(FW_CFG_NB_CPUS, 2);
		cpus.max_cpus = (uint32_t)fw_cfg_read(FW_CFG_MAX_CPUS, 2);
		ram = fw_cfg_read(FW_CFG_RAM_SIZE, 8);
	} else {
		acpi_madt_cpus(acpi_find_rsdp_bios(), &cpus);
	}
	if (!cpus.ncpus)
		cpus.ncpus = 1;
	if (cpus.max_cpus < cpus.ncpus)
		cpus.max_cpus = cpus.ncpus;
	*b = (struct pv_boot){
		.magic = PV_BOOT_MAGIC, .version = PV_VERSION, .ncpus = (uint16_t)cpus.ncpus,
		.tsc_khz = kvmclock_tsc_khz(), .mem_bytes = ram, .max_cpus = cpus.max_cpus,
		.mce_banks = platform_mce_banks(),
	};
	return b;
}

/* --- ACPI (ACPI 6.5 chapter 5.2) ------------------------------------------------------- */

struct __attribute__((packed)) acpi_rsdp {
	char sig[8];                    /* "RSD PTR " */
	uint8_t checksum;               /* bytes 0-19 sum to 0 */
	char oem[6];
	uint8_t revision;               /* 0: ACPI 1.0 (RSDT only), 2+: XSDT */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;           /* the whole `length` bytes sum to 0 */
	uint8_t reserved[3];
};

struct __attribute__((packed)) acpi_header {
	char sig[4];
	uint32_t length;                /* header included */
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_revision, creator, creator_revision;
};

#define MADT_ENTRIES_OFF  (sizeof(struct acpi_header) + 8) /* + LAPIC address, flags */
#define MADT_LAPIC        0  /* u8 uid, u8 APIC ID, u32 flags */
#define MADT_X2APIC       9  /* u16 reserved, u32 x2APIC ID, u32 flags, u32 uid */
#define MADT_ENABLED      BIT(0) /* bit 1, online-capable, is a hot-plug slot: not started */

static uint8_t sum(const void *p, uint32_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

static int sig_is(const char *s, const char *want, unsigned n)
{
	while (n--)
		if (*s++ != *want++)
			return 0;
	return 1;
}

static const struct acpi_header *table(uint64_t addr, const char *sig)
{
	const struct acpi_header *h = (const struct acpi_header *)(uintptr_t)addr;

	if (!addr || !sig_is(h->sig, sig, 4) || h->length < sizeof(*h) || sum(h, h->length))
		return NULL;
	return h;
}

/* The MADT from the XSDT (64-bit entries) or, for ACPI 1.0, the RSDT (32-bit entries). */
static const struct acpi_header *find_madt(const struct acpi_rsdp *rsdp)
{
	int x = rsdp->revision >= 2 && rsdp->xsdt;
	const struct acpi_header *sdt = x ? table(rsdp->xsdt, "XSDT") : table(rsdp->rsdt, "RSDT");
	const uint8_t *e;
	uint32_t n, width = x ? 8 : 4;

	if (!sdt)
		return NULL;
	e = (const uint8_t *)(sdt + 1);
	n = (sdt->length - (uint32_t)sizeof(*sdt)) / width;
	for (uint32_t i = 0; i < n; i++, e += width) {
		uint64_t addr = 0;

		for (uint32_t k = 0; k < width; k++)	/* entries are unaligned in the XSDT */
			addr |= (uint64_t)e[k] << (8 * k);
		if (table(addr, "APIC"))
			return (const struct acpi_header *)(uintptr_t)addr;
	}
	return NULL;
}

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int acpi_madt_cpus(uint64_t rsdp_addr, struct platform_cpus *out)
{
	const struct acpi_rsdp *rsdp = (const struct acpi_rsdp *)(uintptr_t)rsdp_addr;
	const struct acpi_header *madt;
	const uint8_t *e, *end;
	uint32_t n = 0, max = 0;

	if (!rsdp_addr || !sig_is(rsdp->sig, "RSD PTR ", 8) || sum(rsdp, 20))
		return -1;
	madt = find_madt(rsdp);
	if (!madt)
		return -1;
	end = (const uint8_t *)madt + madt->length;
	for (e = (const uint8_t *)madt + MADT_ENTRIES_OFF; e + 2 <= end && e[1] >= 2; e += e[1]) {
		uint32_t id, flags;

		if (e[0] == MADT_LAPIC && e[1] >= 8)
			id = e[3], flags = rd32(e + 4);
		else if (e[0] == MADT_X2APIC && e[1] >= 16)
			id = rd32(e + 4), flags = rd32(e + 8);
		else
			continue;
		if (!(flags & MADT_ENABLED))
			continue;
		n++;
		max = id + 1 > max ? id + 1 : max;
	}
	if (!n)
		return -1;
	*out = (struct platform_cpus){ n, max };
	return 0;
}

static uint64_t scan_rsdp(uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a + 20 <= to; a += 16) {
		const char *p = (const char *)(uintptr_t)a;

		if (sig_is(p, "RSD PTR ", 8) && !sum(p, 20))
			return a;
	}
	return 0;
}

uint64_t acpi_find_rsdp_bios(void)
{
	uint64_t ebda = (uint64_t)*(volatile uint16_t *)(uintptr_t)0x40E << 4; /* BDA: EBDA segment */
	uint64_t r = ebda >= 0x80000 && ebda < 0xA0000 ? scan_rsdp(ebda, ebda + 1024) : 0;

	return r ? r : scan_rsdp(0xE0000, 0x100000);
}
