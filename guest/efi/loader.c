// SPDX-License-Identifier: MIT
/*
 * The firmware-facing half of irqlab-guest.efi (loader.h). In order: find the ACPI RSDP in the
 * EFI configuration table and count the CPUs in the MADT; check the embedded kernel ELF and
 * claim every physical range it and layout.h's low pages need (AllocateAddress, so nothing of
 * the firmware's is there); exit boot services; then machine.c takes the machine over.
 * Messages go to ConOut (the screen, and COM1 under OVMF) before the kernel's KTAP starts.
 */
#include <efi.h>

#include <abi/layout.h>

#include "lib.h"
#include "loader.h"
#include "platform.h"

#define PAGE 4096ull

/* ELF64 (System V gABI), only what the loader reads */
typedef struct {
	unsigned char e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} Elf64_Phdr;

#define ELFMAG      "\177ELF"
#define SELFMAG     4
#define EI_CLASS    4
#define ELFCLASS64  2
#define EM_X86_64   62
#define PT_LOAD     1
#define EXIT_CRASH 2 /* isa-debug-exit value the guest uses after a crash: QEMU exits with 5 */

#define CR4_LA57 (1ull << 12)

static EFI_SYSTEM_TABLE *st;
static EFI_BOOT_SERVICES *bs;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[256];
	CHAR16 wide[2 * sizeof(buf)];
	unsigned n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++) {
		if (*p == '\n')
			wide[n++] = '\r';
		wide[n++] = (CHAR16)*p;
	}
	wide[n] = 0;
	st->ConOut->OutputString(st->ConOut, wide);
}

/* Back to the firmware after saying why; under QEMU, isa-debug-exit ends the run right away. */
static EFI_STATUS fail(EFI_STATUS s, const char *what)
{
	say("irqlab-efi: ERROR %s (EFI status 0x%lx)\n", what, (uint64_t)s);
	__asm__ volatile("outb %0, %1" : : "a"((uint8_t)EXIT_CRASH), "Nd"((uint16_t)PORT_DEBUG_EXIT));
	return s ? s : EFI_LOAD_ERROR;
}

static uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static int guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* ACPI 2.0+ RSDP (XSDT) if the firmware lists one, else the ACPI 1.0 one (UEFI 2.10 4.6). */
static uint64_t find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	uint64_t v1 = 0;

	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];

		if (guid_eq(&t->VendorGuid, &acpi20))
			return (uintptr_t)t->VendorTable;
		if (guid_eq(&t->VendorGuid, &acpi10))
			v1 = (uintptr_t)t->VendorTable;
	}
	return v1;
}

/* The kernel's PT_LOAD segments, checked against the payload and layout.h's rules. */
static const char *parse_kernel(struct kernel *k)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)payload_start;
	uint64_t size = (uint64_t)(payload_end - payload_start);

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64)
		return "the embedded kernel is not an x86-64 ELF64";
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > size ||
	    eh->e_phnum > (size - eh->e_phoff) / sizeof(Elf64_Phdr))
		return "the kernel's program headers are truncated";
	k->lo = ~0ull, k->hi = 0, k->nseg = 0, k->entry = eh->e_entry;
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(payload_start + eh->e_phoff) + i;

		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if (k->nseg == LOADER_MAX_SEGS)
			return "too many PT_LOAD segments";
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
			return "a PT_LOAD segment lies outside the file";
		if (ph->p_paddr < LAYOUT_KERNEL_BASE || ph->p_paddr + ph->p_memsz > LAYOUT_MEM_MAX)
			return "a PT_LOAD segment lies outside [1 MiB, 3 GiB)";
		k->seg[k->nseg++] = (struct kernel_seg){ ph->p_paddr, ph->p_filesz, ph->p_memsz,
							 payload_start + ph->p_offset };
		k->lo = ph->p_paddr < k->lo ? ph->p_paddr : k->lo;
		k->hi = ph->p_paddr + ph->p_memsz > k->hi ? ph->p_paddr + ph->p_memsz : k->hi;
	}
	if (!k->nseg || k->entry < k->lo || k->entry >= k->hi)
		return "no PT_LOAD segment or the entry point outside them";
	k->lo &= ~(PAGE - 1);
	k->hi = (k->hi + PAGE - 1) & ~(PAGE - 1);
	return NULL;
}

static uint8_t map[64 * 1024];            /* the firmware's memory map (LoaderData: ours) */
static UINTN map_size, map_key, desc_size;

static EFI_STATUS read_map(void)
{
	UINT32 ver;

	map_size = sizeof(map);
	return bs->GetMemoryMap(&map_size, (EFI_MEMORY_DESCRIPTOR *)map, &map_key, &desc_size, &ver);
}

/*
 * May [addr, addr + len) be used once boot services are gone although AllocatePages refused it?
 * Only if boot-services code or data (returned to the OS at ExitBootServices, UEFI 2.10 7.4)
 * or free RAM covers all of it, and not our stack (boot-services data, >= 128 KiB).
 */
static int reusable(uint64_t addr, uint64_t len)
{
	uint64_t covered = 0, sp = (uintptr_t)&covered;

	if (read_map() != EFI_SUCCESS || (sp + 0x20000 > addr && sp < addr + len + 0x20000))
		return 0;
	for (uint8_t *p = map; p < map + map_size; p += desc_size) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)p;
		uint64_t lo = d->PhysicalStart, hi = lo + d->NumberOfPages * PAGE;

		if (hi <= addr || lo >= addr + len)
			continue;
		if (d->Type != EfiBootServicesCode && d->Type != EfiBootServicesData &&
		    d->Type != EfiConventionalMemory)
			return 0;
		covered += (hi < addr + len ? hi : addr + len) - (lo > addr ? lo : addr);
	}
	return covered == len;
}

/*
 * Claim [addr, addr + len) for the kernel (AllocateAddress). Real firmware may keep boot-time
 * data in low memory: such a range is taken over after ExitBootServices instead, except the GDT
 * and the page tables (`strict`): machine.c switches to those before writing anything else.
 */
static EFI_STATUS claim(uint64_t addr, uint64_t len, const char *what, int strict)
{
	EFI_PHYSICAL_ADDRESS a = addr;
	EFI_STATUS s = bs->AllocatePages(AllocateAddress, EfiLoaderData, len / PAGE, &a);

	if (s == EFI_SUCCESS)
		return s;
	if (!strict && reusable(addr, len)) {
		say("irqlab-efi: 0x%lx-0x%lx (%s) holds boot-services data: reused after exit\n",
		    addr, addr + len, what);
		return EFI_SUCCESS;
	}
	say("irqlab-efi: cannot claim 0x%lx-0x%lx (%s): the firmware uses it\n", addr, addr + len, what);
	return s;
}

static EFI_STATUS claim_all(const struct kernel *k)
{
	static const struct { uint64_t addr, len; const char *what; int strict; } low[] = {
		{ LAYOUT_BOOT_PARAMS, PAGE, "boot parameters", 0 },
		{ LAYOUT_GDT, PAGE, "GDT", 1 },
		{ LAYOUT_TRAMPOLINE, PAGE, "AP trampoline", 0 },
		{ LAYOUT_PML4, LAYOUT_PT_END - LAYOUT_PML4, "page tables", 1 },
		{ LAYOUT_BOOT_STACK_TOP - LAYOUT_BOOT_STACK_SIZE, LAYOUT_BOOT_STACK_SIZE, "boot stack", 0 },
	};
	EFI_STATUS s = claim(k->lo, k->hi - k->lo, "kernel image", 0);

	for (size_t i = 0; i < ARRAY_SIZE(low) && s == EFI_SUCCESS; i++)
		s = claim(low[i].addr, low[i].len, low[i].what, low[i].strict);
	return s;
}

/* Top of RAM by the memory map: what irqlab calls mem_bytes. */
static uint64_t ram_top(void)
{
	uint64_t top = 0;

	for (uint8_t *p = map; p < map + map_size; p += desc_size) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)p;
		uint64_t end = d->PhysicalStart + d->NumberOfPages * PAGE;

		if (d->Type >= EfiLoaderCode && d->Type <= EfiConventionalMemory && end > top)
			top = end;
	}
	return top;
}

/* ExitBootServices needs the current map key; a failed call may have changed the map: once more. */
static EFI_STATUS exit_boot_services(EFI_HANDLE image, uint64_t *top)
{
	EFI_STATUS s = read_map();

	*top = ram_top();
	if (s == EFI_SUCCESS)
		s = bs->ExitBootServices(image, map_key);
	if (s == EFI_INVALID_PARAMETER) {
		s = read_map();
		if (s == EFI_SUCCESS)
			s = bs->ExitBootServices(image, map_key);
	}
	return s;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct platform_cpus cpus;
	struct kernel k;
	uint64_t rsdp, top = 0;
	const char *err;
	EFI_STATUS s;

	st = systab, bs = systab->BootServices;
	say("irqlab-efi: irqlab guest kernel, %lu bytes\n", (uint64_t)(payload_end - payload_start));
	rsdp = find_rsdp();
	if (acpi_madt_cpus(rsdp, &cpus))
		return fail(EFI_NOT_FOUND, "no valid ACPI MADT through the EFI configuration table");
	say("irqlab-efi: RSDP at 0x%lx, MADT: %u CPUs enabled, APIC IDs below %u\n",
	    rsdp, cpus.ncpus, cpus.max_cpus);
	err = parse_kernel(&k);
	if (err)
		return fail(EFI_LOAD_ERROR, err);
	if ((uintptr_t)&efi_main >= 0x100000000ull || (uintptr_t)&k >= 0x100000000ull)
		return fail(EFI_UNSUPPORTED, "loader above 4 GiB: the kernel's identity map ends there");
	if (read_cr4() & CR4_LA57)
		return fail(EFI_UNSUPPORTED, "5-level paging is on: handoff.asm switches to 4 levels");
	s = claim_all(&k);
	if (s != EFI_SUCCESS)
		return fail(s, "memory the kernel needs is in use");
	say("irqlab-efi: kernel 0x%lx-0x%lx, entry 0x%lx; exiting boot services\n", k.lo, k.hi, k.entry);
	s = exit_boot_services(image, &top);
	if (s != EFI_SUCCESS)
		return fail(s, "ExitBootServices");
	machine_quiet_interrupts();                   /* IF = 0, PIC masked, LAPIC as after reset */
	machine_write_tables();                       /* GDT and identity map, as irqlab's host */
	machine_use_tables();                         /* CR3: the firmware's page tables retire */
	machine_load_kernel(&k);                      /* segments copied, bss zeroed */
	machine_write_boot_params(&cpus, top);        /* struct pv_boot at LAYOUT_BOOT_PARAMS */
	machine_enter_kernel(k.entry);                /* handoff.asm: _start64(LAYOUT_BOOT_PARAMS) */
}
