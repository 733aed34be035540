/* SPDX-License-Identifier: MIT */
/* mb_info_write into a real guest RAM mapping: the block, its memory map and sizes, the command
 * line and module placement, and every limit (command line length, module size, RAM room). */
#include <stdlib.h>
#include <string.h>

#include "abi/layout.h"
#include "abi/multiboot.h"
#include "mb_info.h"
#include "mem.h"
#include "tap.h"

#define RAM        (128ull << 20)
#define FREE       0x200000ull     /* first page after a kernel at 1 MiB */
#define PAGE       0x1000ull

static struct guest_mem mem;
static struct reason why;

static const struct mb_info *info(void)
{
	return mem_ptr(&mem, LAYOUT_MB_INFO, sizeof(struct mb_info));
}

static const char *gstr(uint32_t gpa)
{
	return mem_ptr(&mem, gpa, 1);
}

static int write_info(uint64_t ram, uint64_t free_start, const struct mb_args *a)
{
	mem_free(&mem);
	mem_init(&mem, ram);
	why.text[0] = '\0';
	return mb_info_write(&mem, free_start, a, &why);
}

static bool ranges_disjoint(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a + alen <= b || b + blen <= a;
}

static void test_block(void)
{
	static const char env[] = "EXPECT_CPUS=4\n";
	struct mb_args a = { "k.elf one two", (const uint8_t *)env, sizeof(env) - 1, "env.txt" };
	const struct mb_info *m;
	const struct mb_module *mod;

	is_int(write_info(RAM, FREE, &a), 0, "block with a command line and a module");
	m = info();
	is_int(m->flags, MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS | MB_INFO_MEM_MAP | MB_INFO_LOADER_NAME,
	       "flags: memory, cmdline, mods, mmap, loader name");
	is_int(m->mem_lower, 639, "mem_lower: 639 KiB below the EBDA");
	is_int(m->mem_upper, (RAM >> 10) - 1024, "mem_upper: RAM above 1 MiB in KiB");
	is_str(gstr(m->cmdline), "k.elf one two", "cmdline copied whole");
	ok(m->cmdline >= FREE, "cmdline above the kernel (0x%x)", m->cmdline);
	is_str(gstr(m->boot_loader_name), "irqlab", "loader name");
	is_int(m->mods_count, 1, "one module");
	mod = mem_ptr(&mem, m->mods_addr, sizeof(*mod));
	ok(mod && !(mod->mod_start & 0xFFF) && mod->mod_start >= FREE, "module page-aligned above the kernel");
	is_int(mod->mod_end - mod->mod_start, sizeof(env) - 1, "module length");
	ok(!memcmp(mem_ptr(&mem, mod->mod_start, sizeof(env) - 1), env, sizeof(env) - 1), "module bytes");
	is_str(gstr(mod->string), "env.txt", "module string");
	ok(ranges_disjoint(m->cmdline, 14, mod->mod_start, sizeof(env) - 1) &&
	   ranges_disjoint(m->cmdline, 14, m->mods_addr, sizeof(*mod)) &&
	   ranges_disjoint(mod->mod_start, sizeof(env) - 1, m->mods_addr, sizeof(*mod)) &&
	   ranges_disjoint(mod->string, 8, mod->mod_start, sizeof(env) - 1), "nothing overlaps");
	ok(m->mmap_addr >= LAYOUT_MB_INFO + sizeof(*m) && m->mmap_addr + m->mmap_length <= LAYOUT_MB_INFO_END &&
	   m->boot_loader_name + 7 <= LAYOUT_MB_INFO_END, "mmap and loader name inside the info page");
}

static void test_mmap(void)
{
	struct mb_args a = { .cmdline = NULL };
	const struct mb_info *m;
	const struct mb_mmap_entry *e;
	uint64_t avail = 0;

	write_info(RAM, FREE, &a);
	m = info();
	is_int(m->mmap_length, 5 * sizeof(*e), "five mmap entries");
	e = mem_ptr(&mem, m->mmap_addr, m->mmap_length);
	for (int i = 0; i < 5; i++) {
		ok(e[i].size == 20 && e[i].type >= MB_MMAP_AVAILABLE && e[i].type <= MB_MMAP_ACPI,
		   "entry %d: size 20, type %u", i, e[i].type);
		if (e[i].type == MB_MMAP_AVAILABLE)
			avail += e[i].length;
		if (i)
			ok(e[i].base_addr >= e[i - 1].base_addr + e[i - 1].length, "entry %d: sorted, no overlap", i);
	}
	ok(e[0].base_addr == 0 && e[0].length == m->mem_lower * 1024ull && e[0].type == MB_MMAP_AVAILABLE,
	   "low RAM entry matches mem_lower");
	ok(e[4].base_addr == 0x100000 && e[4].length == m->mem_upper * 1024ull && e[4].base_addr + e[4].length == RAM,
	   "high RAM entry matches mem_upper and ends at the RAM size");
	ok(e[2].base_addr == LAYOUT_ACPI_TABLES && e[2].base_addr + e[2].length == LAYOUT_ACPI_TABLES_END &&
	   e[2].type == MB_MMAP_ACPI, "ACPI tables: an ACPI-typed range");
	ok(e[3].base_addr == 0xF0000 && e[3].base_addr + e[3].length == 0x100000 && e[3].type == MB_MMAP_RESERVED &&
	   e[3].base_addr <= LAYOUT_ACPI_RSDP, "BIOS area, the RSDP in it, reserved");
	is_int(avail, RAM - 0x100000 + 639 * 1024, "available bytes");
	ok(!(m->flags & (MB_INFO_CMDLINE | MB_INFO_MODS)) && m->mods_count == 0, "no cmdline, no module: flags clear");
	write_info(4ull << 20, FREE, &a);
	is_int(info()->mem_upper, 3072, "mem_upper follows the RAM size (4 MiB)");
}

static void test_cmdline_limits(void)
{
	char *line = malloc(MB_CMDLINE_MAX + 1);
	struct mb_args a = { .cmdline = line };

	memset(line, 'a', MB_CMDLINE_MAX);
	line[MB_CMDLINE_MAX - 1] = '\0';
	ok(write_info(RAM, FREE, &a) == 0 && strlen(gstr(info()->cmdline)) == MB_CMDLINE_MAX - 1,
	   "4095-byte command line accepted");
	line[MB_CMDLINE_MAX - 1] = 'a';
	line[MB_CMDLINE_MAX] = '\0';
	ok(write_info(RAM, FREE, &a) < 0 && strstr(why.text, "command line longer than 4095 bytes"),
	   "4096-byte command line rejected: %s", why.text);
	line[3] = '\0';
	ok(write_info(RAM, RAM, &a) < 0 && strstr(why.text, "no room for the command line"),
	   "no room above the kernel: %s", why.text);
	is_int(write_info(RAM, RAM - PAGE, &a), 0, "command line in the last page");
	free(line);
}

/* Layout from FREE: cmdline page, module name page, module, module list (16 bytes). */
static void test_module_limits(void)
{
	const uint64_t ram = 8ull << 20;
	uint8_t *big = calloc(1, ram);
	struct mb_args a = { "k", big, 0, "m" };

	a.module_len = ram - FREE - 3 * PAGE;
	ok(write_info(ram, FREE, &a) == 0, "module filling RAM up to the module list fits");
	a.module_len = ram - FREE - 2 * PAGE;
	ok(write_info(ram, FREE, &a) < 0 && strstr(why.text, "no room for the module list"),
	   "module ending at the end of RAM: no room for the list: %s", why.text);
	a.module_len = ram - FREE - 2 * PAGE + 1;
	ok(write_info(ram, FREE, &a) < 0 && strstr(why.text, "does not fit in guest RAM"),
	   "module one byte too big: %s", why.text);
	a.module_len = ram;
	ok(write_info(ram, FREE, &a) < 0 && strstr(why.text, "does not fit"), "module as big as RAM rejected");
	a.module_len = 0;
	ok(write_info(ram, FREE, &a) == 0 && info()->mods_count == 1, "empty module accepted");
	a.module_name = NULL;
	ok(write_info(ram, FREE, &a) == 0 &&
	   !strcmp(gstr(((const struct mb_module *)mem_ptr(&mem, info()->mods_addr, 16))->string), ""),
	   "no module name: empty string");
	free(big);
}

int main(void)
{
	test_block();
	test_mmap();
	test_cmdline_limits();
	test_module_limits();
	mem_free(&mem);
	return done_testing();
}
