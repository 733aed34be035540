/* SPDX-License-Identifier: MIT */
#include "load_elf.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "abi/layout.h"
#include "util.h"

/* The fields irqlab uses, from either class. */
struct ehdr_norm {
	int class;
	uint16_t type, machine, phentsize, phnum;
	uint64_t entry, phoff;
};

static int read_ehdr(const uint8_t *img, size_t len, int allow32, struct ehdr_norm *e,
		     struct reason *why)
{
	const Elf64_Ehdr *e64 = (const Elf64_Ehdr *)img;
	const Elf32_Ehdr *e32 = (const Elf32_Ehdr *)img;

	if (len < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG))
		return failf(why, -EINVAL, "not an ELF file");
	e->class = img[EI_CLASS];
	if (e->class != ELFCLASS64 && !(allow32 && e->class == ELFCLASS32))
		return failf(why, -EINVAL, "not a 64-bit ELF (class %u)%s", e->class,
			    e->class == ELFCLASS32 ? "; 32-bit multiboot kernels run with 'irqlab boot'" : "");
	if (len < (e->class == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return failf(why, -EINVAL, "truncated ELF header (%zu bytes)", len);
	if (img[EI_DATA] != ELFDATA2LSB)
		return failf(why, -EINVAL, "not a little-endian ELF");
	if (e->class == ELFCLASS64)
		*e = (struct ehdr_norm){ ELFCLASS64, e64->e_type, e64->e_machine, e64->e_phentsize,
					 e64->e_phnum, e64->e_entry, e64->e_phoff };
	else
		*e = (struct ehdr_norm){ ELFCLASS32, e32->e_type, e32->e_machine, e32->e_phentsize,
					 e32->e_phnum, e32->e_entry, e32->e_phoff };
	return 0;
}

static int check_ehdr(const struct ehdr_norm *e, size_t len, struct reason *why)
{
	size_t phsize = e->class == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);

	if (e->machine != EM_X86_64 && !(e->class == ELFCLASS32 && e->machine == EM_386))
		return failf(why, -EINVAL, "not an x86-64 ELF (machine %u)", e->machine);
	if (e->type != ET_EXEC)
		return failf(why, -EINVAL, "not an executable ELF (type %u)", e->type);
	if (e->phentsize != phsize || e->phnum == 0)
		return failf(why, -EINVAL, "no usable program header table");
	if (e->phoff > len || (uint64_t)e->phnum * phsize > len - e->phoff)
		return failf(why, -EINVAL, "truncated program header table");
	return 0;
}

bool elf_has_magic(const uint8_t *img, size_t len)
{
	return len >= SELFMAG && !memcmp(img, ELFMAG, SELFMAG);
}

int elf_check_header(const uint8_t *img, size_t len, int allow32, struct reason *why)
{
	struct ehdr_norm e = { 0 };
	int rc = read_ehdr(img, len, allow32, &e, why);

	return rc ? rc : check_ehdr(&e, len, why);
}

static Elf64_Phdr read_phdr(const uint8_t *img, const struct ehdr_norm *e, int i)
{
	Elf32_Phdr p32;
	Elf64_Phdr p;

	if (e->class == ELFCLASS64) {
		memcpy(&p, img + e->phoff + (uint64_t)i * sizeof(p), sizeof(p));
		return p;
	}
	memcpy(&p32, img + e->phoff + (uint64_t)i * sizeof(p32), sizeof(p32)); /* e_phoff may be odd */
	return (Elf64_Phdr){ .p_type = p32.p_type, .p_offset = p32.p_offset, .p_vaddr = p32.p_vaddr,
			     .p_paddr = p32.p_paddr, .p_filesz = p32.p_filesz, .p_memsz = p32.p_memsz };
}

static int check_segment(const Elf64_Phdr *ph, size_t len, uint64_t mem_size, struct reason *why)
{
	if (ph->p_filesz > ph->p_memsz)
		return failf(why, -EINVAL, "segment at 0x%llx: file size exceeds memory size",
			    (unsigned long long)ph->p_paddr);
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return failf(why, -EINVAL, "segment at 0x%llx: data past the end of the file (truncated image?)",
			    (unsigned long long)ph->p_paddr);
	if (ph->p_paddr < LAYOUT_KERNEL_BASE)
		return failf(why, -EINVAL, "segment at 0x%llx: below 0x%x, where irqlab keeps its tables",
			    (unsigned long long)ph->p_paddr, LAYOUT_KERNEL_BASE);
	if (ph->p_paddr > mem_size || ph->p_memsz > mem_size - ph->p_paddr)
		return failf(why, -EINVAL, "segment 0x%llx+0x%llx: outside guest RAM (%llu MiB; try --mem)",
			    (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz,
			    (unsigned long long)(mem_size >> 20));
	return 0;
}

static int check_overlaps(const struct elf_image *out, struct reason *why)
{
	for (int i = 0; i < out->nseg; i++)
		for (int j = i + 1; j < out->nseg; j++) {
			const struct elf_segment *a = &out->seg[i], *b = &out->seg[j];

			if (a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
				return failf(why, -EINVAL, "segments at 0x%llx and 0x%llx overlap",
					    (unsigned long long)a->paddr, (unsigned long long)b->paddr);
		}
	return 0;
}

/* The entry must lie in a loaded segment; a virtual entry is translated to its physical
 * address through the segment that holds it (as QEMU's multiboot loader does). */
static int check_entry(struct elf_image *out, struct reason *why)
{
	for (int i = 0; i < out->nseg; i++)
		if (out->entry >= out->seg[i].paddr && out->entry < out->seg[i].paddr + out->seg[i].memsz)
			return 0;
	for (int i = 0; i < out->nseg; i++)
		if (out->entry >= out->seg[i].vaddr && out->entry < out->seg[i].vaddr + out->seg[i].memsz) {
			out->entry = out->entry - out->seg[i].vaddr + out->seg[i].paddr;
			return 0;
		}
	return failf(why, -EINVAL, "entry point 0x%llx is not inside a loaded segment",
		    (unsigned long long)out->entry);
}

int elf_parse_class(const uint8_t *img, size_t len, uint64_t mem_size, int allow32,
		    struct elf_image *out, struct reason *why)
{
	struct ehdr_norm e = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = elf_check_header(img, len, allow32, why)))
		return rc;
	read_ehdr(img, len, allow32, &e, why);
	for (int i = 0; i < e.phnum; i++) {
		Elf64_Phdr ph = read_phdr(img, &e, i);

		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (out->nseg == ELF_MAX_SEGMENTS)
			return failf(why, -EINVAL, "more than %d loadable segments", ELF_MAX_SEGMENTS);
		if ((rc = check_segment(&ph, len, mem_size, why)))
			return rc;
		out->seg[out->nseg++] = (struct elf_segment){
			ph.p_offset, ph.p_filesz, ph.p_paddr, ph.p_memsz, ph.p_vaddr };
	}
	if (out->nseg == 0)
		return failf(why, -EINVAL, "no loadable segment");
	out->entry = e.entry;
	out->is32 = e.class == ELFCLASS32;
	if ((rc = check_overlaps(out, why)) || (rc = check_entry(out, why)))
		return rc;
	return 0;
}

int elf_parse(const uint8_t *img, size_t len, uint64_t mem_size, struct elf_image *out,
	      struct reason *why)
{
	return elf_parse_class(img, len, mem_size, 0, out, why);
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
