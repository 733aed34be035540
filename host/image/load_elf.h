/* SPDX-License-Identifier: MIT */
/* ELF64 guest images: parse and validate the headers against the guest RAM size (the image is
 * untrusted input), then copy the PT_LOAD segments to their physical addresses. */
#ifndef IRQLAB_HOST_LOAD_ELF_H
#define IRQLAB_HOST_LOAD_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "util.h"

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

/* Validate `img` for a guest with `mem_size` bytes of RAM. Returns 0, or -EINVAL with a one-line
 * reason in `why` (e.g. "truncated program header table"). */
int elf_parse(const uint8_t *img, size_t len, uint64_t mem_size, struct elf_image *out,
	      struct reason *why);

/* The same, also accepting ELF32 (EM_386 or EM_X86_64) when allow32: multiboot kernels,
 * often 64-bit code relabelled as ELF32 as kvm-unit-tests does. */
int elf_parse_class(const uint8_t *img, size_t len, uint64_t mem_size, int allow32,
		    struct elf_image *out, struct reason *why);

/* True when img starts with the ELF magic \x7fELF: then it must be a valid ELF. */
bool elf_has_magic(const uint8_t *img, size_t len);

/* Only the ELF header and the bounds of the program header table (class, byte order, machine,
 * type, e_phnum): 0, or -EINVAL with the reason. For a.out-kludge multiboot kernels, whose
 * segments come from the multiboot header but whose ELF header must still be intact. */
int elf_check_header(const uint8_t *img, size_t len, int allow32, struct reason *why);

/* Copy the segments of a parsed image into guest RAM. */
void elf_load(const uint8_t *img, const struct elf_image *elf, struct guest_mem *mem);

#endif
