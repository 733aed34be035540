/* SPDX-License-Identifier: MIT */
/* mb_find_header/mb_parse on images built in memory: ELF32 and ELF64 multiboot kernels, a.out-
 * kludge images (flag bit 16), then one defect at a time. Each rejection names its reason. */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abi/multiboot.h"
#include "load_mb.h"
#include "tap.h"

#define RAM      (128ull << 20)
#define IMG_LEN  0x3000
#define HDR_OFF  0x1000           /* the multiboot header: first bytes of the loaded data */
#define BASE     0x100000u

static uint8_t img[0x4000] __attribute__((aligned(8)));
static struct elf_image out;
static struct reason why;

/* The 12 required bytes at `off` (memcpy: a test may misalign them on purpose). */
static struct mb_header *put_header(size_t off, uint32_t flags)
{
	const uint32_t h[3] = { MB_HEADER_MAGIC, flags, -(MB_HEADER_MAGIC + flags) };

	memcpy(img + off, h, sizeof(h));
	return (struct mb_header *)(img + off);
}

static void set_ph32(int i, uint32_t off, uint32_t filesz, uint32_t paddr, uint32_t memsz)
{
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + sizeof(Elf32_Ehdr)) + i;

	*ph = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = off, .p_vaddr = paddr, .p_paddr = paddr,
			    .p_filesz = filesz, .p_memsz = memsz, .p_flags = PF_R | PF_W | PF_X };
}

/* An ELF32 (EM_386) kernel: one PT_LOAD of [HDR_OFF, +0x1000) at BASE with 0x1000 of bss. */
static void make_elf32(int nph)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = BASE + 0x10;
	eh->e_phoff = sizeof(Elf32_Ehdr);
	eh->e_ehsize = sizeof(Elf32_Ehdr);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = (Elf32_Half)nph;
	set_ph32(0, HDR_OFF, 0x1000, BASE, 0x2000);
	put_header(HDR_OFF, MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO);
}

static int parse(size_t len)
{
	memset(&out, 0, sizeof(out));
	why.text[0] = '\0';
	return mb_parse(img, len, RAM, &out, &why);
}

static void expect_reject(size_t len, const char *reason, const char *what)
{
	int r = parse(len);

	ok(r < 0 && strstr(why.text, reason), "%s: rejected (%s)", what, reason);
	if (r >= 0 || !strstr(why.text, reason))
		printf("#   got %d '%s'\n", r, why.text);
}

static void test_header_search(void)
{
	make_elf32(1);
	is_int(mb_find_header(img, IMG_LEN), HDR_OFF, "header found at its offset");
	memset(img + HDR_OFF, 0, 12);
	is_int(mb_find_header(img, IMG_LEN), -1, "no header: not found");
	expect_reject(IMG_LEN, "no multiboot header in the first 8192 bytes", "no header");
	put_header(8180, 0);
	is_int(mb_find_header(img, sizeof(img)), 8180, "header ending at byte 8192: found");
	memset(img + 8180, 0, 12);
	put_header(8184, 0);
	is_int(mb_find_header(img, sizeof(img)), -1, "header straddling 8 KiB: not found");
	memset(img + 8184, 0, 12);
	put_header(8192, 0);
	is_int(mb_find_header(img, sizeof(img)), -1, "header past 8 KiB: not found");
	memset(img + 8192, 0, 12);
	put_header(HDR_OFF + 2, 0);
	is_int(mb_find_header(img, IMG_LEN), -1, "header not 32-bit aligned: not found");
	make_elf32(1);
	((struct mb_header *)(img + HDR_OFF))->checksum++;
	is_int(mb_find_header(img, IMG_LEN), -1, "bad checksum: not found");
	is_int(mb_find_header(img, 8), -1, "file shorter than a header: not found");
}

static void test_flags(void)
{
	make_elf32(1);
	put_header(HDR_OFF, 0x8);
	expect_reject(IMG_LEN, "requires features irqlab lacks (flags 0x8)", "required flag bit 3");
	put_header(HDR_OFF, 0x8000);
	expect_reject(IMG_LEN, "requires features", "required flag bit 15");
	put_header(HDR_OFF, MB_FLAG_VIDEO_MODE | 0x00020000);
	is_int(parse(IMG_LEN), 0, "video mode and an unknown optional bit (17) are accepted");
}

static void test_elf32(void)
{
	make_elf32(1);
	is_int(parse(IMG_LEN), 0, "ELF32 kernel parses");
	ok(out.is32 && out.nseg == 1 && out.entry == BASE + 0x10, "ELF32: one segment, entry 0x%llx",
	   (unsigned long long)out.entry);
	ok(out.seg[0].offset == HDR_OFF && out.seg[0].filesz == 0x1000 && out.seg[0].paddr == BASE &&
	   out.seg[0].memsz == 0x2000, "ELF32: segment from the program header");
	is_int((long long)mb_image_end(&out), BASE + 0x2000, "image end includes bss");
	make_elf32(2);
	set_ph32(1, HDR_OFF, 0x100, BASE + 0x1000, 0x1000);
	expect_reject(IMG_LEN, "overlap", "ELF32 overlapping segments");
	make_elf32(2);
	set_ph32(1, HDR_OFF, 0x100, BASE + 0x2000, 0x100);
	ok(parse(IMG_LEN) == 0 && out.nseg == 2, "ELF32 adjacent segments are fine");
	make_elf32(1);
	set_ph32(0, HDR_OFF, 0x1000, 4u << 20, 12u << 20);
	((Elf32_Ehdr *)img)->e_entry = (4u << 20) + 0x10;
	ok(parse(IMG_LEN) == 0 && mb_image_end(&out) == 16u << 20, "4 MiB kernel with 12 MiB of bss");
	set_ph32(0, HDR_OFF, 0x1000, 4u << 20, (uint32_t)RAM);
	expect_reject(IMG_LEN, "outside guest RAM", "huge bss past the end of RAM");
	set_ph32(0, HDR_OFF, 0x1000, 0xFFFFF000u, 0x2000);
	expect_reject(IMG_LEN, "outside guest RAM", "segment wrapping past 4 GiB");
	make_elf32(1);
	((Elf32_Ehdr *)img)->e_entry = BASE + 0x5000;
	expect_reject(IMG_LEN, "entry point", "ELF32 entry outside every segment");
	make_elf32(1);
	set_ph32(0, HDR_OFF, 0x1000, 0x8000, 0x1000);
	expect_reject(IMG_LEN, "below 0x100000", "ELF32 segment below 1 MiB");
	make_elf32(1);
	((Elf32_Ehdr *)img)->e_machine = EM_ARM;
	expect_reject(IMG_LEN, "not an x86-64 ELF", "ELF32 for another machine");
}

/* The same kernel as ELF64 (irqlab's own images may carry a multiboot header too). */
static void test_elf64(void)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_entry = BASE;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	*ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = HDR_OFF, .p_paddr = BASE, .p_vaddr = BASE,
			    .p_filesz = 0x1000, .p_memsz = 0x1000 };
	put_header(HDR_OFF, 0);
	ok(parse(IMG_LEN) == 0 && !out.is32 && out.entry == BASE, "ELF64 with a multiboot header parses");
}

/* A raw (non-ELF) a.out-kludge image: header at 0x100 says the file loads at BASE. */
static struct mb_header *make_aout(void)
{
	struct mb_header *h;

	memset(img, 0, sizeof(img));
	h = put_header(0x100, MB_FLAG_AOUT_KLUDGE | MB_FLAG_MEMORY_INFO);
	h->header_addr = BASE + 0x100;
	h->load_addr = BASE;
	h->load_end_addr = BASE + 0x2000;
	h->bss_end_addr = BASE + 0x10000;
	h->entry_addr = BASE + 0x200;
	return h;
}

static void test_aout_good(void)
{
	struct mb_header *h = make_aout();

	is_int(parse(IMG_LEN), 0, "a.out kludge image parses (no ELF needed)");
	ok(out.nseg == 1 && out.seg[0].offset == 0 && out.seg[0].filesz == 0x2000 && out.seg[0].paddr == BASE &&
	   out.seg[0].memsz == 0x10000 && out.entry == BASE + 0x200 && out.is32, "a.out: load, bss, entry");
	h->load_end_addr = 0;
	h->bss_end_addr = 0;
	ok(parse(IMG_LEN) == 0 && out.seg[0].filesz == IMG_LEN && out.seg[0].memsz == IMG_LEN,
	   "a.out: load_end 0 = to the end of the file, bss_end 0 = no bss");
	h = make_aout();
	h->header_addr = BASE + 0x1100;   /* the file starts 0x1000 bytes before the load address */
	h->load_addr = BASE + 0x1000;
	h->load_end_addr = BASE + 0x1000 + 0x200;
	h->bss_end_addr = 0;
	h->entry_addr = BASE + 0x1000;
	ok(parse(IMG_LEN) == 0 && out.seg[0].offset == 0 && out.seg[0].paddr == BASE + 0x1000,
	   "a.out: header_addr - load_addr gives the file offset");
	make_elf32(1);
	h = put_header(HDR_OFF, MB_FLAG_AOUT_KLUDGE);
	*h = (struct mb_header){ h->magic, h->flags, h->checksum, 8u << 20, 8u << 20, (8u << 20) + 0x800,
				 (8u << 20) + 0x4000, (8u << 20) + 0x20 };
	ok(parse(IMG_LEN) == 0 && out.seg[0].paddr == 8u << 20 && out.seg[0].offset == HDR_OFF,
	   "ELF with flag bit 16: the address fields win over the program headers");
}

static void test_aout_bad(void)
{
	struct mb_header *h;

	make_aout()->load_end_addr = BASE - 0x1000;
	expect_reject(IMG_LEN, "load_end_addr below load_addr", "a.out load_end < load");
	make_aout()->bss_end_addr = BASE + 0x1000;
	expect_reject(IMG_LEN, "bss_end_addr below the loaded image", "a.out bss_end < load_end");
	h = make_aout();
	h->header_addr = BASE - 0x100;
	expect_reject(IMG_LEN, "header_addr/load_addr inconsistent", "a.out header_addr < load_addr");
	make_aout()->header_addr = BASE + 0x200;   /* would put the file 0x100 bytes before its start */
	expect_reject(IMG_LEN, "header_addr/load_addr inconsistent", "a.out load_addr before the file");
	make_aout()->load_end_addr = BASE + IMG_LEN + 1;
	expect_reject(IMG_LEN, "past the end of the file", "a.out load_end past EOF");
	h = make_aout();
	h->header_addr = 0x80100, h->load_addr = 0x80000, h->load_end_addr = 0x81000;
	h->bss_end_addr = 0, h->entry_addr = 0x80000;
	expect_reject(IMG_LEN, "outside guest RAM above 1 MiB", "a.out below 1 MiB");
	make_aout()->bss_end_addr = (uint32_t)RAM + 0x1000;
	expect_reject(IMG_LEN, "outside guest RAM above 1 MiB", "a.out bss past the end of RAM");
	make_aout()->entry_addr = BASE + 0x10000;
	expect_reject(IMG_LEN, "entry 0x110000 outside the loaded image", "a.out entry past bss");
	make_aout()->entry_addr = BASE - 1;
	expect_reject(IMG_LEN, "outside the loaded image", "a.out entry below the image");
	memset(img, 0, sizeof(img));
	put_header(0x200 - 12, MB_FLAG_AOUT_KLUDGE);
	expect_reject(0x200, "address fields truncated", "a.out header cut off by EOF");
	memset(img, 0, sizeof(img));
	put_header(0x100, 0);
	expect_reject(IMG_LEN, "not an ELF file", "raw image without flag bit 16");
}

/* A file with the ELF magic must be an intact ELF even when the a.out kludge lays it out
 * (docs/multiboot.md): a damaged header is refused with the ELF's reason, not booted. */
static void test_aout_damaged_elf(void)
{
	static const struct { size_t off; uint16_t val; const char *reason, *what; } cases[] = {
		{ offsetof(Elf32_Ehdr, e_phnum), 0, "no usable program header table", "e_phnum 0" },
		{ offsetof(Elf32_Ehdr, e_machine), 183, "not an x86-64 ELF (machine 183)", "e_machine 183" },
		{ offsetof(Elf32_Ehdr, e_type), ET_REL, "not an executable ELF (type 1)", "ET_REL" },
	};
	struct mb_header *h;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_elf32(1);
		h = put_header(HDR_OFF, MB_FLAG_AOUT_KLUDGE);
		*h = (struct mb_header){ h->magic, h->flags, h->checksum, BASE, BASE, 0, 0, BASE };
		memcpy(img + cases[i].off, &cases[i].val, sizeof(cases[i].val));
		expect_reject(IMG_LEN, cases[i].reason, cases[i].what);
	}
	img[0] = 'X';   /* "XELF": not an ELF at all, so a raw a.out-kludge image */
	memcpy(img + offsetof(Elf32_Ehdr, e_type), &(uint16_t){ ET_EXEC }, 2);
	is_int(parse(IMG_LEN), 0, "magic XELF with flag bit 16: a raw image, laid out by the header");
}

int main(void)
{
	test_header_search();
	test_flags();
	test_elf32();
	test_elf64();
	test_aout_good();
	test_aout_bad();
	test_aout_damaged_elf();
	return done_testing();
}
