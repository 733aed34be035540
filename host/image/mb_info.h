/* SPDX-License-Identifier: MIT */
/* The multiboot information block irqlab hands a kernel in EBX: memory sizes and map, the
 * command line (argv[0] first, as QEMU's -append), and at most one module (QEMU's -initrd). */
#ifndef IRQLAB_HOST_MB_INFO_H
#define IRQLAB_HOST_MB_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "util.h"

#define MB_CMDLINE_MAX 4096

struct mb_args {
	const char *cmdline;          /* complete, e.g. "apic.elf -v"; NULL: none */
	const uint8_t *module;        /* NULL: no module */
	size_t module_len;
	const char *module_name;      /* the module's string */
};

/* Write the block at LAYOUT_MB_INFO and the strings and module from `free_start` (the first
 * page after the kernel). Returns 0, or -E2BIG (too long) / -ENOMEM (no room) with a one-line reason in `why`. */
int mb_info_write(struct guest_mem *mem, uint64_t free_start, const struct mb_args *a,
		  struct reason *why);

#endif
