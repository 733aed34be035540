/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 (the Multiboot Specification 0.6.96): the header a kernel carries in its first
 * 8 KiB and the information block the loader hands it in EBX. Used by irqlab's multiboot loader
 * (host/image/load_mb.c, host/image/mb_info.c) and by the guest's own 32-bit entry (boot/).
 */
#ifndef IRQLAB_ABI_MULTIBOOT_H
#define IRQLAB_ABI_MULTIBOOT_H

#include <stdint.h>

#define MB_HEADER_MAGIC         0x1BADB002
#define MB_BOOT_MAGIC           0x2BADB002 /* EAX at the kernel's entry */
#define MB_SEARCH_BYTES         8192       /* the header must start in the first 8 KiB */

/* header flags: bits 0-15 are requirements a loader must honour or refuse the image */
#define MB_FLAG_PAGE_ALIGN      0x00000001 /* modules page-aligned */
#define MB_FLAG_MEMORY_INFO     0x00000002 /* mem_* fields (and mmap) wanted */
#define MB_FLAG_VIDEO_MODE      0x00000004 /* video mode fields (irqlab: no display, ignored) */
#define MB_FLAG_AOUT_KLUDGE     0x00010000 /* use the address fields, not the ELF headers */
#define MB_FLAGS_KNOWN_REQUIRED 0x00000007

struct mb_header {
	uint32_t magic, flags, checksum;      /* magic + flags + checksum == 0 (mod 2^32) */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr; /* bit 16 */
};

/* info flags */
#define MB_INFO_MEMORY          0x00000001
#define MB_INFO_CMDLINE         0x00000004
#define MB_INFO_MODS            0x00000008
#define MB_INFO_MEM_MAP         0x00000040
#define MB_INFO_LOADER_NAME     0x00000200

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;        /* KiB below 1 MiB, KiB above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe[4];
	uint32_t framebuffer[6];
};

struct mb_module {
	uint32_t mod_start, mod_end;          /* [start, end) physical */
	uint32_t string;                      /* NUL-terminated module command line */
	uint32_t reserved;
};

struct __attribute__((packed)) mb_mmap_entry {
	uint32_t size;                        /* of the rest of the entry: 20 */
	uint64_t base_addr, length;
	uint32_t type;                        /* 1 available, 2 reserved, 3 ACPI */
};

#define MB_MMAP_AVAILABLE       1
#define MB_MMAP_RESERVED        2
#define MB_MMAP_ACPI            3 /* usable RAM holding ACPI tables (e820 AddressRangeACPI) */

#endif
