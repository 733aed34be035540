/* SPDX-License-Identifier: MIT */
/* elf_parse/elf_load on images built in memory: one valid image, then one defect at a time.
 * Every rejection must return -1 with its own message and never read outside the buffer. */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "load_elf.h"
#include "tap.h"

#define RAM        (64ull << 20)
#define DATA_OFF   0x1000
#define DATA_LEN   0x100
#define IMG_LEN    (DATA_OFF + DATA_LEN)
#define BASE       0x100000ull

struct img {
	uint8_t *buf;
	size_t len;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
};

static void set_load(Elf64_Phdr *ph, uint64_t off, uint64_t filesz, uint64_t paddr, uint64_t memsz)
{
	*ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = off,
			    .p_vaddr = paddr, .p_paddr = paddr, .p_filesz = filesz,
			    .p_memsz = memsz, .p_align = 0x1000 };
}

/* A valid image: `nph` program headers at offset 64, the first one a PT_LOAD of the data
 * page at BASE with a bss tail; the others are PT_NOTEs until a test changes them. */
static struct img make_img(int nph)
{
	struct img m = { .buf = calloc(1, IMG_LEN), .len = IMG_LEN };

	m.eh = (Elf64_Ehdr *)m.buf;
	m.ph = (Elf64_Phdr *)(m.buf + sizeof(Elf64_Ehdr));
	memcpy(m.eh->e_ident, ELFMAG, SELFMAG);
	m.eh->e_ident[EI_CLASS] = ELFCLASS64;
	m.eh->e_ident[EI_DATA] = ELFDATA2LSB;
	m.eh->e_ident[EI_VERSION] = EV_CURRENT;
	m.eh->e_type = ET_EXEC;
	m.eh->e_machine = EM_X86_64;
	m.eh->e_version = EV_CURRENT;
	m.eh->e_entry = BASE + 0x10;
	m.eh->e_phoff = sizeof(Elf64_Ehdr);
	m.eh->e_ehsize = sizeof(Elf64_Ehdr);
	m.eh->e_phentsize = sizeof(Elf64_Phdr);
	m.eh->e_phnum = (Elf64_Half)nph;
	for (int i = 0; i < nph; i++)
		m.ph[i] = (Elf64_Phdr){ .p_type = PT_NOTE };
	set_load(&m.ph[0], DATA_OFF, DATA_LEN, BASE, 0x2000);
	for (int i = 0; i < DATA_LEN; i++)
		m.buf[DATA_OFF + i] = (uint8_t)(i + 1);
	return m;
}

/* Parse `m` (freed afterwards) and check the result is -EINVAL with exactly `want`. */
static void rejects(struct img m, const char *want, const char *what)
{
	struct elf_image elf;
	struct reason why = { "" };
	int rc = elf_parse(m.buf, m.len, RAM, &elf, &why);

	is_int(rc, -EINVAL, "%s: rejected", what);
	is_str(why.text, want, "%s: message", what);
	free(m.buf);
}

static void test_valid(void)
{
	struct img m = make_img(2);
	struct elf_image elf;
	struct reason why = { "" };

	is_int(elf_parse(m.buf, m.len, RAM, &elf, &why), 0, "valid image parses");
	is_str(why.text, "", "valid image: no message");
	is_int(elf.nseg, 1, "valid image: one segment (PT_NOTE ignored)");
	is_int((long long)elf.entry, BASE + 0x10, "valid image: entry");
	ok(elf.seg[0].offset == DATA_OFF && elf.seg[0].filesz == DATA_LEN && elf.seg[0].paddr == BASE &&
	   elf.seg[0].memsz == 0x2000, "valid image: segment fields");
	free(m.buf);
}

static void test_header_errors(void)
{
	struct img m;

	m = make_img(1), m.len = 0;
	rejects(m, "not an ELF file", "empty file");
	m = make_img(1), memcpy(m.buf, "#!/bin/sh\necho hi\n", 18);
	rejects(m, "not an ELF file", "text file");
	m = make_img(1), m.len = 40;
	rejects(m, "truncated ELF header (40 bytes)", "truncated ELF header");
	m = make_img(1), m.eh->e_ident[EI_CLASS] = ELFCLASS32;
	rejects(m, "not a 64-bit ELF (class 1); 32-bit multiboot kernels run with 'irqlab boot'", "ELF32");
	m = make_img(1), m.eh->e_ident[EI_DATA] = ELFDATA2MSB;
	rejects(m, "not a little-endian ELF", "big-endian");
	m = make_img(1), m.eh->e_machine = EM_386;
	rejects(m, "not an x86-64 ELF (machine 3)", "wrong machine");
	m = make_img(1), m.eh->e_type = ET_DYN;
	rejects(m, "not an executable ELF (type 3)", "ET_DYN");
	m = make_img(1), m.eh->e_phnum = 0;
	rejects(m, "no usable program header table", "no program headers");
	m = make_img(1), m.eh->e_phentsize = 32;
	rejects(m, "no usable program header table", "wrong phentsize");
	m = make_img(2), m.len = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr) - 1;
	rejects(m, "truncated program header table", "phdr table cut by one byte");
	m = make_img(1), m.eh->e_phoff = UINT64_MAX - 8;
	rejects(m, "truncated program header table", "phoff near 2^64");
	m = make_img(1), m.eh->e_phnum = 0xFFFF;
	rejects(m, "truncated program header table", "phnum 65535");
}

static void test_segment_errors(void)
{
	struct img m;

	m = make_img(1), m.len = DATA_OFF + DATA_LEN / 2;
	rejects(m, "segment at 0x100000: data past the end of the file (truncated image?)", "data past EOF");
	m = make_img(1), m.ph[0].p_filesz = 0x2001;
	rejects(m, "segment at 0x100000: file size exceeds memory size", "filesz > memsz");
	m = make_img(1), set_load(&m.ph[0], DATA_OFF, DATA_LEN, 0xFF000, 0x2000), m.eh->e_entry = 0xFF010;
	rejects(m, "segment at 0xff000: below 0x100000, where irqlab keeps its tables", "below 1 MiB");
	m = make_img(1), set_load(&m.ph[0], DATA_OFF, DATA_LEN, RAM - 0x1000, 0x2000);
	rejects(m, "segment 0x3fff000+0x2000: outside guest RAM (64 MiB; try --mem)", "straddles RAM end");
	m = make_img(1), set_load(&m.ph[0], DATA_OFF, DATA_LEN, 0x80000000ull, 0x1000);
	rejects(m, "segment 0x80000000+0x1000: outside guest RAM (64 MiB; try --mem)", "above RAM");
}

/* Values chosen so that an unchecked a+b wraps around to something that looks valid. */
static void test_overflows(void)
{
	struct img m;

	m = make_img(1), m.ph[0].p_memsz = UINT64_MAX;
	rejects(m, "segment 0x100000+0xffffffffffffffff: outside guest RAM (64 MiB; try --mem)",
		"p_memsz 2^64-1");
	m = make_img(1), m.ph[0].p_offset = UINT64_MAX - 0x10;
	rejects(m, "segment at 0x100000: data past the end of the file (truncated image?)", "p_offset 2^64-17");
	m = make_img(1), set_load(&m.ph[0], DATA_OFF, UINT64_MAX - DATA_OFF + 1, BASE, UINT64_MAX);
	rejects(m, "segment at 0x100000: data past the end of the file (truncated image?)",
		"p_offset + p_filesz wraps to 0");
	m = make_img(1), set_load(&m.ph[0], DATA_OFF, DATA_LEN, UINT64_MAX - 0xFF, 0x1000);
	rejects(m, "segment 0xffffffffffffff00+0x1000: outside guest RAM (64 MiB; try --mem)",
		"p_paddr + p_memsz wraps");
}

static void test_layout_errors(void)
{
	struct img m;

	m = make_img(2), set_load(&m.ph[1], DATA_OFF, DATA_LEN, BASE + 0x1000, 0x1000);
	rejects(m, "segments at 0x100000 and 0x101000 overlap", "overlapping segments");
	m = make_img(2), set_load(&m.ph[1], DATA_OFF, 0, BASE + 0x1FFF, 1);
	rejects(m, "segments at 0x100000 and 0x101fff overlap", "one-byte overlap at the first's end");
	m = make_img(1), m.ph[0].p_type = PT_NOTE;
	rejects(m, "no loadable segment", "no PT_LOAD");
	m = make_img(1), m.ph[0].p_memsz = 0, m.ph[0].p_filesz = 0;
	rejects(m, "no loadable segment", "only an empty PT_LOAD");
	m = make_img(1), m.eh->e_entry = BASE + 0x2000;
	rejects(m, "entry point 0x102000 is not inside a loaded segment", "entry just past the segment");
	m = make_img(17);
	for (int i = 0; i < 17; i++)
		set_load(&m.ph[i], DATA_OFF, DATA_LEN, BASE + i * 0x1000ull, 0x1000);
	rejects(m, "more than 16 loadable segments", "17 segments");
}

static void test_edges_accepted(void)
{
	struct img m = make_img(2);
	struct elf_image elf;
	struct reason why = { "" };

	set_load(&m.ph[0], DATA_OFF, DATA_LEN, BASE, 0x1000);
	set_load(&m.ph[1], DATA_OFF, 0, RAM - 0x1000, 0x1000);
	is_int(elf_parse(m.buf, m.len, RAM, &elf, &why), 0, "adjacent segment and one ending at RAM end");
	is_str(why.text, "", "... accepted without message");
	m.eh->e_ident[EI_CLASS] = ELFCLASS32;
	is_int(elf_parse(m.buf, m.len, RAM, &elf, NULL), -EINVAL, "a NULL reason is allowed");
	free(m.buf);
}

/* The program header table needs no alignment in the file: an odd e_phoff still parses
 * (under -fsanitize=alignment a cast-and-read would be reported here). */
static void test_unaligned_phoff(void)
{
	struct img m = make_img(1);
	uint8_t *odd = calloc(1, IMG_LEN + 1);
	struct elf_image elf;
	struct reason why = { "" };

	memcpy(odd, m.buf, sizeof(Elf64_Ehdr));
	memcpy(odd + sizeof(Elf64_Ehdr) + 1, m.ph, sizeof(Elf64_Phdr));
	((Elf64_Ehdr *)odd)->e_phoff = sizeof(Elf64_Ehdr) + 1;
	is_int(elf_parse(odd, IMG_LEN, RAM, &elf, &why), 0, "odd e_phoff parses: %s", why.text);
	free(odd);
	free(m.buf);
}

/* A minimal ELF32 i386 image (multiboot kernels) with one PT_LOAD; phoff chosen by the caller. */
static uint8_t *make_img32(uint32_t phoff)
{
	uint8_t *buf = calloc(1, IMG_LEN);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
	Elf32_Phdr ph = { .p_type = PT_LOAD, .p_offset = DATA_OFF, .p_vaddr = BASE, .p_paddr = BASE,
			  .p_filesz = DATA_LEN, .p_memsz = 0x2000, .p_align = 0x1000 };

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_entry = BASE + 0x20;
	eh->e_phoff = phoff;
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = 1;
	memcpy(buf + phoff, &ph, sizeof(ph));
	return buf;
}

static void test_elf32_and_vaddr(void)
{
	struct elf_image elf;
	struct reason why = { "" };
	uint8_t *img32 = make_img32(sizeof(Elf32_Ehdr));
	struct img m = make_img(1);

	is_int(elf_parse_class(img32, IMG_LEN, RAM, 1, &elf, &why), 0, "ELF32 with allow32: %s", why.text);
	ok(elf.is32 && elf.nseg == 1 && elf.seg[0].paddr == BASE && elf.entry == BASE + 0x20, "ELF32: fields");
	is_int(elf_parse_class(img32, 40, RAM, 1, &elf, &why), -EINVAL, "ELF32 cut at 40 bytes rejected");
	is_str(why.text, "truncated ELF header (40 bytes)", "... message");
	free(img32);
	img32 = make_img32(sizeof(Elf32_Ehdr) + 1);
	is_int(elf_parse_class(img32, IMG_LEN, RAM, 1, &elf, &why), 0, "ELF32 with odd e_phoff parses");
	free(img32);

	m.ph[0].p_vaddr = 0xFFFFFFFF80100000ull;
	m.eh->e_entry = 0xFFFFFFFF80100010ull;
	why.text[0] = '\0';
	is_int(elf_parse(m.buf, m.len, RAM, &elf, &why), 0, "virtual entry inside a segment: %s", why.text);
	is_int((long long)elf.entry, BASE + 0x10, "... translated to its physical address");
	free(m.buf);
}

static void test_load(void)
{
	struct img m = make_img(1);
	struct guest_mem mem = { .size = 4ull << 20 };
	struct elf_image elf;
	struct reason why = { "" };
	int same = 1, zero = 1;

	mem.hva = mmap(NULL, mem.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(mem.hva + BASE + DATA_LEN, 0, 0x2000 - DATA_LEN);
	is_int(elf_parse(m.buf, m.len, mem.size, &elf, &why), 0, "load: parse");
	elf_load(m.buf, &elf, &mem);
	for (int i = 0; i < DATA_LEN; i++)
		same &= mem.hva[BASE + i] == (uint8_t)(i + 1);
	for (int i = DATA_LEN; i < 0x2000; i++)
		zero &= mem.hva[BASE + i] == 0;
	ok(same, "load: file bytes copied to p_paddr");
	ok(zero, "load: bss tail left zero");
	ok(mem.hva[BASE - 1] == 0 && mem.hva[BASE + 0x2000] == 0, "load: nothing written outside the segment");
	munmap(mem.hva, mem.size);
	free(m.buf);
}

int main(void)
{
	test_valid();
	test_header_errors();
	test_segment_errors();
	test_overflows();
	test_layout_errors();
	test_edges_accepted();
	test_unaligned_phoff();
	test_elf32_and_vaddr();
	test_load();
	return done_testing();
}
