/* SPDX-License-Identifier: MIT */
#include "load_elf.h"

#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "abi/layout.h"

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int check_ehdr(const Elf64_Ehdr *eh, size_t len, char *err, size_t errlen)
{
	if (len < EI_NIDENT || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(err, errlen, "not an ELF file");
	if (len < sizeof(*eh))
		return fail(err, errlen, "truncated ELF header (%zu bytes)", len);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, "not a 64-bit ELF (class %u)", eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, "not a little-endian ELF");
	if (eh->e_machine != EM_X86_64)
		return fail(err, errlen, "not an x86-64 ELF (machine %u)", eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return fail(err, errlen, "not an executable ELF (type %u)", eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0)
		return fail(err, errlen, "no usable program header table");
	if (eh->e_phoff > len || (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return fail(err, errlen, "truncated program header table");
	return 0;
}

static int check_segment(const Elf64_Phdr *ph, size_t len, uint64_t mem_size, char *err, size_t errlen)
{
	if (ph->p_filesz > ph->p_memsz)
		return fail(err, errlen, "segment at 0x%llx: file size exceeds memory size",
			    (unsigned long long)ph->p_paddr);
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return fail(err, errlen, "segment at 0x%llx: data past the end of the file (truncated image?)",
			    (unsigned long long)ph->p_paddr);
	if (ph->p_paddr < LAYOUT_KERNEL_BASE)
		return fail(err, errlen, "segment at 0x%llx: below 0x%x, where irqlab keeps its tables",
			    (unsigned long long)ph->p_paddr, LAYOUT_KERNEL_BASE);
	if (ph->p_paddr > mem_size || ph->p_memsz > mem_size - ph->p_paddr)
		return fail(err, errlen, "segment 0x%llx+0x%llx: outside guest RAM (%llu MiB; try --mem)",
			    (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz,
			    (unsigned long long)(mem_size >> 20));
	return 0;
}

static int check_overlaps(const struct elf_image *out, char *err, size_t errlen)
{
	for (int i = 0; i < out->nseg; i++)
		for (int j = i + 1; j < out->nseg; j++) {
			const struct elf_segment *a = &out->seg[i], *b = &out->seg[j];

			if (a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
				return fail(err, errlen, "segments at 0x%llx and 0x%llx overlap",
					    (unsigned long long)a->paddr, (unsigned long long)b->paddr);
		}
	return 0;
}

static int check_entry(const struct elf_image *out, char *err, size_t errlen)
{
	for (int i = 0; i < out->nseg; i++)
		if (out->entry >= out->seg[i].paddr && out->entry < out->seg[i].paddr + out->seg[i].memsz)
			return 0;
	return fail(err, errlen, "entry point 0x%llx is not inside a loaded segment",
		    (unsigned long long)out->entry);
}

int elf_parse(const uint8_t *img, size_t len, uint64_t mem_size, struct elf_image *out,
	      char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;

	memset(out, 0, sizeof(*out));
	if (check_ehdr(eh, len, err, errlen))
		return -1;
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff) + i;

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		if (out->nseg == ELF_MAX_SEGMENTS)
			return fail(err, errlen, "more than %d loadable segments", ELF_MAX_SEGMENTS);
		if (check_segment(ph, len, mem_size, err, errlen))
			return -1;
		out->seg[out->nseg++] = (struct elf_segment){
			ph->p_offset, ph->p_filesz, ph->p_paddr, ph->p_memsz };
	}
	if (out->nseg == 0)
		return fail(err, errlen, "no loadable segment");
	out->entry = eh->e_entry;
	if (check_overlaps(out, err, errlen) || check_entry(out, err, errlen))
		return -1;
	return 0;
}

/* Guest RAM is a fresh anonymous mapping, so bss is already zero: not touching it keeps a
 * large bss from costing host memory. */
void elf_load(const uint8_t *img, const struct elf_image *elf, struct guest_mem *mem)
{
	for (int i = 0; i < elf->nseg; i++) {
		const struct elf_segment *s = &elf->seg[i];

		memcpy(mem_ptr(mem, s->paddr, s->memsz), img + s->offset, s->filesz);
	}
}
