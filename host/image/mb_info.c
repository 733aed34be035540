/* SPDX-License-Identifier: MIT */
#include "mb_info.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "abi/layout.h"
#include "abi/multiboot.h"
#include "util.h"

#define EBDA_START   0x0009FC00ull /* conventional memory ends here, as on a PC */
#define BIOS_START   0x000F0000ull
#define HIGH_START   0x00100000ull

/* Place `len` bytes at *cursor (then page-align it); 0 if they do not fit in RAM. */
static uint32_t place(struct guest_mem *mem, uint64_t *cursor, const void *data, size_t len)
{
	uint64_t at = *cursor;
	void *dst = mem_ptr(mem, at, len);

	if (!dst || at + len > 0xFFFFFFFFull)
		return 0;
	memcpy(dst, data, len);
	*cursor = (at + len + 0xFFF) & ~0xFFFull;
	return (uint32_t)at;
}

static uint32_t write_mmap(struct guest_mem *mem, uint64_t at, uint32_t *len)
{
	const struct mb_mmap_entry map[] = {
		{ 20, 0, EBDA_START, MB_MMAP_AVAILABLE },
		{ 20, EBDA_START, 0xA0000 - EBDA_START, MB_MMAP_RESERVED },
		{ 20, LAYOUT_ACPI_TABLES, LAYOUT_ACPI_TABLES_END - LAYOUT_ACPI_TABLES, MB_MMAP_ACPI },
		{ 20, BIOS_START, HIGH_START - BIOS_START, MB_MMAP_RESERVED }, /* the RSDP */
		{ 20, HIGH_START, mem->size - HIGH_START, MB_MMAP_AVAILABLE },
	};

	memcpy(mem_ptr(mem, at, sizeof(map)), map, sizeof(map));
	*len = sizeof(map);
	return (uint32_t)at;
}

int mb_info_write(struct guest_mem *mem, uint64_t free_start, const struct mb_args *a,
		  struct reason *why)
{
	static const char loader[] = "irqlab";
	struct mb_info info = { .flags = MB_INFO_MEMORY | MB_INFO_MEM_MAP | MB_INFO_LOADER_NAME };
	uint64_t low = LAYOUT_MB_INFO + sizeof(info), cursor = free_start;
	struct mb_module mod = { 0 };

	info.mem_lower = EBDA_START / 1024;
	info.mem_upper = (uint32_t)((mem->size - HIGH_START) / 1024);
	info.mmap_addr = write_mmap(mem, low, &info.mmap_length);
	low += info.mmap_length;
	memcpy(mem_ptr(mem, low, sizeof(loader)), loader, sizeof(loader));
	info.boot_loader_name = (uint32_t)low;
	if (a->cmdline) {
		if (strlen(a->cmdline) >= MB_CMDLINE_MAX)
			return failf(why, -E2BIG, "command line longer than %d bytes", MB_CMDLINE_MAX - 1);
		if (!(info.cmdline = place(mem, &cursor, a->cmdline, strlen(a->cmdline) + 1)))
			return failf(why, -ENOMEM, "no room for the command line in guest RAM");
		info.flags |= MB_INFO_CMDLINE;
	}
	if (a->module) {
		const char *name = a->module_name ? a->module_name : "";

		if (strlen(name) >= MB_CMDLINE_MAX || !(mod.string = place(mem, &cursor, name, strlen(name) + 1)))
			return failf(why, -E2BIG, "module name too long or no room for it");
		if (!(mod.mod_start = place(mem, &cursor, a->module, a->module_len)) && a->module_len)
			return failf(why, -ENOMEM, "module of %zu bytes does not fit in guest RAM (try --mem)",
				    a->module_len);
		mod.mod_end = mod.mod_start + (uint32_t)a->module_len;
		if (!(info.mods_addr = place(mem, &cursor, &mod, sizeof(mod))))
			return failf(why, -ENOMEM, "no room for the module list in guest RAM");
		info.mods_count = 1;
		info.flags |= MB_INFO_MODS;
	}
	memcpy(mem_ptr(mem, LAYOUT_MB_INFO, sizeof(info)), &info, sizeof(info));
	return 0;
}
