/* SPDX-License-Identifier: MIT */
/* Checks of the multiboot contract (Multiboot Specification 0.6.96, section 3.3) and of what
 * QEMU's pc machine puts beside it. Each prints one TAP line, then `# ` diagnostics. */
#include "mbk.h"

#define KIB                1024u
#define MIB                (1024u * 1024u)
#define CONVENTIONAL_END   0xA0000u   /* low RAM stops at the VGA hole */
#define HIGH_START         0x100000u
#define MMAP_SLACK         (4u * MIB) /* firmware may reserve some top pages (SeaBIOS: 128 KiB) */

static void diag_u32(const char *what, uint32_t v)
{
	puts("# ");
	puts(what);
	put_u32(v);
	putc('\n');
}

void check_magic(const struct boot *b)
{
	if (!tap_ok(b->magic == MB_BOOT_MAGIC, "multiboot magic")) {
		puts("# eax=");
		put_hex(b->magic);
		putc('\n');
	}
}

/* The fields every test kernel reads: memory sizes, command line, memory map (QEMU and irqlab
 * set them all; MODS only matters when there is a module). */
void check_info_flags(const struct boot *b)
{
	const uint32_t need = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MEM_MAP;
	uint32_t flags = b->mbi ? b->mbi->flags : 0;

	if (!tap_ok((flags & need) == need, "info flags"))
		diag_u32("flags=", flags);
}

/* One available entry: its size, whether it is the low or the 1 MiB region, and whether it
 * overlaps an available entry seen before (kept in s->seen: no pairwise walk of the map). */
static void scan_entry(struct mmap_scan *s, const struct mb_mmap_entry *e, uint64_t ram)
{
	uint64_t base = e->base_addr, end = base + e->length;

	if (e->type != MB_MMAP_AVAILABLE)
		return;
	for (uint32_t i = 0; i < s->nseen; i++)
		s->overlap |= base < s->seen[i].end && s->seen[i].base < end;
	if (s->nseen < MMAP_SEEN_MAX)
		s->seen[s->nseen++] = (struct mmap_range){ base, end };
	s->avail_kib += (uint32_t)(e->length >> 10);
	if (base == 0)
		s->low_kib = (uint32_t)(e->length >> 10);
	if (base == HIGH_START)
		s->high_kib = (uint32_t)(e->length >> 10);
	s->low_ok |= base == 0 && end <= CONVENTIONAL_END && end >= 512 * KIB;
	s->kernel_ok |= base <= HIGH_START && end >= (uintptr_t)_end;
	s->past_ram |= end > ram;
}

/* mem_lower and mem_upper (spec 3.3) are the available regions at 0 and at 1 MiB, in KiB: they
 * must agree with the memory map, and mem_upper with fw_cfg's RAM size (QEMU derives both from
 * the firmware's e820 map, which may hold back a few top pages; irqlab reports all of RAM). */
void check_mem_sizes(const struct boot *b)
{
	const struct mb_info *m = b->mbi;
	uint32_t upper = (uint32_t)(b->fw.ram_size >> 10) - 1024;
	bool good = m && (m->flags & MB_INFO_MEMORY) && b->mm.present && m->mem_lower == b->mm.low_kib &&
		    m->mem_lower >= 512 && m->mem_upper == b->mm.high_kib && m->mem_upper <= upper &&
		    m->mem_upper + MMAP_SLACK / KIB >= upper;

	if (!tap_ok(good, "mem sizes") && m) {
		diag_u32("mem_lower=", m->mem_lower);
		diag_u32("mem_upper=", m->mem_upper);
		diag_u32("fw_cfg RAM KiB above 1 MiB=", upper);
	}
}

void mmap_scan(struct boot *b)
{
	const struct mb_info *m = b->mbi;
	struct mmap_scan *s = &b->mm;
	uint32_t off = 0;

	s->present = m && (m->flags & MB_INFO_MEM_MAP) && m->mmap_length;
	while (s->present && off + 4 <= m->mmap_length && s->entries < 64) {
		const struct mb_mmap_entry *e = (const void *)(uintptr_t)(m->mmap_addr + off);

		if (e->size < 20 || off + 4 + e->size > m->mmap_length) {
			s->malformed = true;
			break;
		}
		scan_entry(s, e, b->fw.ram_size);
		s->entries++;
		off += e->size + 4;
	}
}

/* Available RAM: no overlaps, low memory from 0, the kernel inside, nothing past fw_cfg's RAM
 * size, and at most MMAP_SLACK of it held back. */
void check_mmap(const struct boot *b)
{
	uint32_t ram_kib = (uint32_t)(b->fw.ram_size >> 10);
	const struct mmap_scan *s = &b->mm;

	if (!tap_ok(s->present && !s->malformed && !s->overlap && s->low_ok && s->kernel_ok && !s->past_ram &&
		    s->avail_kib <= ram_kib && s->avail_kib + MMAP_SLACK / KIB >= ram_kib, "mmap")) {
		diag_u32("entries=", s->entries);
		diag_u32("available KiB=", s->avail_kib);
		diag_u32("malformed/overlap/low/kernel/past-ram=",
			 s->malformed << 4 | s->overlap << 3 | s->low_ok << 2 | s->kernel_ok << 1 | s->past_ram);
	}
}

static const char *basename(const char *path)
{
	const char *base = path;

	for (; *path; path++)
		if (*path == '/')
			base = path + 1;
	return base;
}

/* The test images are named mbkernel*.elf (the ELF one and the a.out-kludge one). */
void check_argv0(const struct boot *b)
{
	const char *name = b->argc >= 1 ? basename(b->argv[0]) : "";
	size_t len = strlen(name);
	bool good = has_prefix(name, "mbkernel") && len > 4 && !strcmp(name + len - 4, ".elf");

	if (!tap_ok(good, "argv0") && b->argc >= 1) {
		puts("# argv[0]=");
		puts(b->argv[0]);
		putc('\n');
	}
}

/* `vendor=NAME` on the command line: CPUID leaf 0 spells NAME (irqlab --cpu-vendor). */
void check_vendor(const struct boot *b)
{
	const char *want = arg_value(b, "vendor=");
	uint32_t a = 0, regs[3];
	char name[13];

	if (!want) {
		tap_skip("vendor", "no vendor=");
		return;
	}
	__asm__ volatile("cpuid" : "+a"(a), "=b"(regs[0]), "=d"(regs[1]), "=c"(regs[2]));
	memcpy(name, regs, 12);
	name[12] = '\0';
	if (!tap_ok(has_prefix(want, name), "vendor")) {
		puts("# CPUID vendor ");
		puts(name);
		putc('\n');
	}
}

/* `argc=N` on the command line: the loader passed exactly N words, argv[0] included. */
void check_argc(const struct boot *b)
{
	const char *want = arg_value(b, "argc=");
	uint32_t n;

	if (!want) {
		tap_skip("argc", "no argc=");
		return;
	}
	if (!tap_ok(parse_u32(want, strlen(want), &n) && n == (uint32_t)b->argc, "argc"))
		diag_u32("argc=", (uint32_t)b->argc);
}
