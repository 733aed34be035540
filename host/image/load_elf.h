/* SPDX-License-Identifier: MIT */
/* ELF64 guest images: parse and validate the headers against the guest RAM size (the image is
 * untrusted input), then copy the PT_LOAD segments to their physical addresses. */
#ifndef IRQLAB_HOST_LOAD_ELF_H
#define IRQLAB_HOST_LOAD_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
	uint64_t offset, filesz, paddr, memsz, vaddr;
};

struct elf_image {
	uint64_t entry;           /* physical */
	int is32;                 /* ELFCLASS32 (multiboot kernels) */
	int nseg;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* Validate `img` for a guest with `mem_size` bytes of RAM. Returns 0, or -1 with a one-line
 * reason in err (e.g. "truncated program header table"). */
int elf_parse(const uint8_t *img, size_t len, uint64_t mem_size, struct elf_image *out,
	      char *err, size_t errlen);

/* The same, also accepting ELF32 (EM_386 or EM_X86_64) when allow32: multiboot kernels,
 * often 64-bit code relabelled as ELF32 as kvm-unit-tests does. */
int elf_parse_class(const uint8_t *img, size_t len, uint64_t mem_size, int allow32,
		    struct elf_image *out, char *err, size_t errlen);

/* Copy the segments of a parsed image into guest RAM. */
void elf_load(const uint8_t *img, const struct elf_image *elf, struct guest_mem *mem);

#endif
