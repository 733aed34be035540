/* SPDX-License-Identifier: MIT */
/* image_read_suites() on an image built in memory: a valid table, then one defect at a time
 * (every address, count and name of the untrusted image), then seeded random bytes anywhere in
 * it. Each rejection is -EINVAL with its own one-line reason; an image without the section is
 * -ENOENT; nothing is read outside the buffer (exactly sized: ci/asan.sh catches a stray read). */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image_suites.h"
#include "tap.h"
#include "util.h"

#define RAM       (64ull << 20)
#define BASE      0x100000ull
#define SEG_OFF   0x1000
#define SEG_LEN   0x1000          /* file part; memsz is twice that: a bss half */
#define TABLE     0x000           /* offsets in the segment */
#define TESTS     0x100
#define NAMES     0x400
#define SHDR_OFF  (SEG_OFF + SEG_LEN)
#define STRTAB    (SHDR_OFF + 3 * sizeof(Elf64_Shdr))
#define IMG_LEN   (STRTAB + 32)

static const char strtab[] = "\0.shstrtab\0.irqlab.suites";  /* names at 1 and 11 */

struct img {
	uint8_t *buf;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;                   /* [0] null, [1] .shstrtab, [2] .irqlab.suites */
	struct pv_suite_desc *suites;
	struct pv_test_desc *tests;
	char *names;
	struct elf_image elf;
};

static uint64_t gpa(uint64_t seg_off)
{
	return BASE + seg_off;
}

static void build(struct img *m)
{
	uint8_t *b = calloc(1, IMG_LEN);
	Elf64_Phdr *ph = (Elf64_Phdr *)(b + sizeof(Elf64_Ehdr));
	struct reason why;

	m->buf = b;
	m->eh = (Elf64_Ehdr *)b;
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	*m->eh = (Elf64_Ehdr){ .e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			       .e_entry = BASE, .e_phoff = sizeof(Elf64_Ehdr), .e_shoff = SHDR_OFF,
			       .e_ehsize = sizeof(Elf64_Ehdr), .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1,
			       .e_shentsize = sizeof(Elf64_Shdr), .e_shnum = 3, .e_shstrndx = 1 };
	memcpy(b, ELFMAG, SELFMAG);                            /* the assignment cleared e_ident */
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	*ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = SEG_OFF, .p_vaddr = BASE, .p_paddr = BASE,
			    .p_filesz = SEG_LEN, .p_memsz = 2 * SEG_LEN, .p_align = 0x1000 };
	m->sh = (Elf64_Shdr *)(b + SHDR_OFF);
	m->sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = STRTAB, .sh_size = sizeof(strtab) };
	m->sh[2] = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_PROGBITS, .sh_addr = gpa(TABLE),
				 .sh_offset = SEG_OFF + TABLE, .sh_size = 2 * sizeof(struct pv_suite_desc) };
	memcpy(b + STRTAB, strtab, sizeof(strtab));
	m->suites = (struct pv_suite_desc *)(b + SEG_OFF + TABLE);
	m->tests = (struct pv_test_desc *)(b + SEG_OFF + TESTS);
	m->names = (char *)(b + SEG_OFF + NAMES);
	strcpy(m->names, "alpha");
	strcpy(m->names + 16, "one");
	strcpy(m->names + 32, "two");
	strcpy(m->names + 48, "beta");
	strcpy(m->names + 64, "three");
	m->suites[0] = (struct pv_suite_desc){ gpa(NAMES), gpa(TESTS), 2, 1 };
	m->suites[1] = (struct pv_suite_desc){ gpa(NAMES + 48), gpa(TESTS + 2 * sizeof(struct pv_test_desc)), 1, 2 };
	m->tests[0] = (struct pv_test_desc){ .name = gpa(NAMES + 16), .selected = 1 };
	m->tests[1] = (struct pv_test_desc){ .name = gpa(NAMES + 32), .selected = 1 };
	m->tests[2] = (struct pv_test_desc){ .name = gpa(NAMES + 64), .selected = 1 };
	if (elf_parse(b, IMG_LEN, RAM, &m->elf, &why))
	{
		printf("Bail out! the test image does not parse: %s\n", why.text);
		exit(1);
	}
}

/* Read the table; 0 with the plan freed, or the error with `why`. */
static int read(struct img *m, struct reason *why)
{
	struct plan p;
	int r = image_read_suites(m->buf, IMG_LEN, &m->elf, &p, why);

	if (r == 0)
		plan_free(&p);
	return r;
}

static void rejects(struct img *m, const char *what, const char *phrase)
{
	struct reason why = { 0 };
	int r = read(m, &why);

	if (!ok(r == -EINVAL && strstr(why.text, phrase) && !strchr(why.text, '\n'), "%s: -EINVAL with its reason", what))
		printf("#   got %d: %s\n#   expected -EINVAL: ...%s...\n", r, r ? why.text : "", phrase);
	free(m->buf);
	build(m);
}

static void valid(void)
{
	struct img m;
	struct plan p;
	struct reason why;

	build(&m);
	is_int(image_read_suites(m.buf, IMG_LEN, &m.elf, &p, &why), 0, "the valid table reads");
	ok(p.nsuites == 2 && !strcmp(p.suites[0].name, "alpha") && p.suites[0].ntests == 2 &&
	   !strcmp(p.suites[0].tests[1].name, "two") && !strcmp(p.suites[1].name, "beta") &&
	   p.suites[1].min_cpus == 2 && !strcmp(p.suites[1].tests[0].name, "three") && !p.suites[0].tests[0].selected,
	   "suites, tests, names and min_cpus as written; nothing selected yet");
	plan_free(&p);
	m.eh->e_shoff = 0;
	m.eh->e_shnum = 0;
	is_int(read(&m, NULL), -ENOENT, "no section headers: -ENOENT (run the guest instead)");
	free(m.buf);
	build(&m);
	m.buf[STRTAB + 11] = 'X';
	is_int(read(&m, NULL), -ENOENT, "no .irqlab.suites section: -ENOENT");
	free(m.buf);
}

static void defects(void)
{
	struct img m;

	build(&m);
	m.suites[0].name = gpa(SEG_LEN + 0x10);               /* bss: not in the file */
	rejects(&m, "a suite name in bss", "suite name at 0x");
	m.suites[1].name = 0x7ff00000;
	rejects(&m, "a suite name outside every segment", "is not in the file");
	m.tests[2].name = UINT64_MAX - 2;                      /* gpa + n wraps */
	rejects(&m, "a test name at the top of the address space", "test name at 0xfffffffffffffffd is not in the file");
	memset(m.names, 'x', 80);
	rejects(&m, "an unterminated name", "is not NUL-terminated within 63 bytes");
	strcpy(m.names + 16, "o e");
	rejects(&m, "a name with a space", "is empty or has spaces");
	strcpy(m.names + 32, "t#o");
	rejects(&m, "a name with a hash", "is empty or has spaces");
	m.names[64] = '\0';
	rejects(&m, "an empty name", "is empty or has spaces");
	m.buf[SEG_OFF + SEG_LEN - 1] = 'z';                    /* a name running off the file part */
	m.suites[1].name = gpa(SEG_LEN - 1);
	rejects(&m, "a name running past the segment's file data", "is not in the file");
	m.suites[0].ntests = PV_MAX_TESTS + 1;
	rejects(&m, "too many tests", "has 257 tests (at most 256)");
	m.suites[0].ntests = 0xffffffffu;
	rejects(&m, "a huge test count", "has 4294967295 tests");
	m.suites[0].tests = gpa(SEG_LEN - sizeof(struct pv_test_desc));
	rejects(&m, "a test array crossing the file's end", "its 2 tests at 0x");
	m.suites[1].tests = UINT64_MAX - 8;
	rejects(&m, "a test array wrapping the address space", "are not in the file");
	m.sh[2].sh_size = sizeof(struct pv_suite_desc) + 1;
	rejects(&m, "a section of no whole number of suites", "is not a whole number of suites");
	m.sh[2].sh_size = 0;
	rejects(&m, "an empty section", "is not a whole number of suites");
	m.sh[2].sh_size = (PV_MAX_SUITES + 1) * sizeof(struct pv_suite_desc);
	rejects(&m, "too many suites", "65 suites (at most 64)");
	m.sh[2].sh_size = 200 * sizeof(struct pv_suite_desc);
	rejects(&m, "a table larger than the file", "suites (at most 64)");
	m.sh[2].sh_addr = gpa(SEG_LEN);
	rejects(&m, "a table in bss", "is not in a loaded segment");
	m.sh[2].sh_type = SHT_NOBITS;
	rejects(&m, "a NOBITS table", "is not in a loaded segment");
	m.eh->e_shnum = 200;
	rejects(&m, "a section header table past the file", "malformed section header table");
	m.eh->e_shstrndx = 3;
	rejects(&m, "a section name table index out of range", "malformed section header table");
	m.eh->e_shentsize = 32;
	rejects(&m, "a wrong section header size", "malformed section header table");
	m.sh[1].sh_size = 1u << 30;
	rejects(&m, "a section name table past the file", "section name table outside the file");
	m.sh[0] = m.sh[2];                                     /* a second section of that name */
	rejects(&m, "two sections of that name", "two .irqlab.suites sections");
	free(m.buf);
}

/* Random bytes anywhere: a result, never a crash or a read outside the buffer. */
static void fuzz(void)
{
	struct img m;
	unsigned seed = 12345, counts[3] = { 0 }, bad = 0;

	for (int i = 0; i < 20000; i++) {
		struct reason why;
		int r;

		build(&m);
		for (int n = 1 + (int)(seed % 6); n > 0; n--) {
			seed = seed * 1103515245u + 12345u;
			m.buf[(seed >> 8) % IMG_LEN] = (uint8_t)(seed >> 20);
		}
		seed = seed * 1103515245u + 12345u;
		if (elf_parse(m.buf, IMG_LEN, RAM, &m.elf, &why)) {
			free(m.buf);          /* list_static() leaves such an image to the launch */
			continue;
		}
		r = read(&m, &why);
		counts[r == 0 ? 0 : r == -ENOENT ? 1 : 2]++;
		bad += r != 0 && r != -ENOENT && r != -EINVAL;
		free(m.buf);
	}
	ok(!bad, "20000 random images: 0, -ENOENT or -EINVAL (%u read, %u without the section, %u rejected)",
	   counts[0], counts[1], counts[2]);
}

int main(void)
{
	valid();
	defects();
	fuzz();
	return done_testing();
}
