/* SPDX-License-Identifier: MIT */
/* Multiboot v1 kernels: find and check the header in the first 8 KiB, then lay the image out
 * from its a.out-kludge address fields (flag bit 16) or from its ELF program headers (ELF32,
 * as kvm-unit-tests relabels its images, or ELF64). */
#ifndef IRQLAB_HOST_LOAD_MB_H
#define IRQLAB_HOST_LOAD_MB_H

#include <stddef.h>
#include <stdint.h>

#include "load_elf.h"

/* Offset of a valid multiboot header in img, or -1 if there is none. */
long mb_find_header(const uint8_t *img, size_t len);

/* Parse a multiboot image for `mem_size` bytes of RAM into segments + entry (the same shape as
 * an ELF image, so elf_load() copies it). Returns 0, or -EINVAL with a one-line reason in `why`. */
int mb_parse(const uint8_t *img, size_t len, uint64_t mem_size, struct elf_image *out,
	     struct reason *why);

/* First byte after everything the image occupies (bss included), page-aligned. */
uint64_t mb_image_end(const struct elf_image *img);

#endif
