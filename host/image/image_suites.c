/* SPDX-License-Identifier: MIT */
/* The guest's test table straight from its ELF file (image_suites.h). */
#include "image_suites.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#include "pv_decode.h"
#include "util.h"

#define SHNUM_MAX 4096  /* more section headers than any sane guest: refuse rather than scan */

/* The file bytes backing guest-physical [gpa, gpa + size): one PT_LOAD segment's file part
 * must hold all of them (bss is not in the file; a table there would be all zeros). */
static const uint8_t *resolve(const uint8_t *img, const struct elf_image *elf, uint64_t gpa,
			      uint64_t size)
{
	for (int i = 0; i < elf->nseg; i++) {
		const struct elf_segment *s = &elf->seg[i];

		if (gpa >= s->paddr && gpa - s->paddr <= s->filesz && size <= s->filesz - (gpa - s->paddr))
			return img + s->offset + (gpa - s->paddr);  /* elf_parse: offset+filesz <= len */
	}
	return NULL;
}

/* A NUL-terminated name of fewer than PV_NAME_MAX bytes, valid as the protocol's. */
static int read_name(const uint8_t *img, const struct elf_image *elf, uint64_t gpa,
		     char out[PV_NAME_MAX], const char *what, struct reason *why)
{
	for (uint64_t n = 0; n < PV_NAME_MAX; n++) {
		const uint8_t *p = resolve(img, elf, gpa + n, 1);

		if (gpa + n < gpa || !p)
			return failf(why, -EINVAL, "%s: %s name at 0x%llx is not in the file", IMAGE_SUITES_SECTION,
				     what, (unsigned long long)gpa);
		out[n] = (char)*p;
		if (!*p) {
			if (!pv_valid_name(out))
				return failf(why, -EINVAL, "%s: %s name at 0x%llx is empty or has spaces, '#' or "
					     "control characters", IMAGE_SUITES_SECTION, what, (unsigned long long)gpa);
			return 0;
		}
	}
	return failf(why, -EINVAL, "%s: %s name at 0x%llx is not NUL-terminated within %d bytes",
		     IMAGE_SUITES_SECTION, what, (unsigned long long)gpa, PV_NAME_MAX - 1);
}

/* The section header named IMAGE_SUITES_SECTION: 0 and *out, -ENOENT, or -EINVAL with why. */
static int find_section(const uint8_t *img, size_t len, Elf64_Shdr *out, struct reason *why)
{
	Elf64_Ehdr eh;
	Elf64_Shdr strtab;
	int found = 0;

	memcpy(&eh, img, sizeof(eh));  /* elf_parse checked the ELF64 header's size */
	if (eh.e_shoff == 0 || eh.e_shnum == 0)
		return -ENOENT;            /* stripped of section headers: run it to learn its table */
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum > SHNUM_MAX || eh.e_shstrndx >= eh.e_shnum ||
	    eh.e_shoff > len || (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) > len - eh.e_shoff)
		return failf(why, -EINVAL, "malformed section header table");
	memcpy(&strtab, img + eh.e_shoff + (uint64_t)eh.e_shstrndx * sizeof(strtab), sizeof(strtab));
	if (strtab.sh_type == SHT_NOBITS || strtab.sh_offset > len || strtab.sh_size > len - strtab.sh_offset)
		return failf(why, -EINVAL, "section name table outside the file");
	for (int i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh;
		size_t want = sizeof(IMAGE_SUITES_SECTION);

		memcpy(&sh, img + eh.e_shoff + (uint64_t)i * sizeof(sh), sizeof(sh));
		if (sh.sh_name >= strtab.sh_size || want > strtab.sh_size - sh.sh_name ||
		    memcmp(img + strtab.sh_offset + sh.sh_name, IMAGE_SUITES_SECTION, want))
			continue;
		if (found++)
			return failf(why, -EINVAL, "two %s sections", IMAGE_SUITES_SECTION);
		*out = sh;
	}
	return found ? 0 : -ENOENT;
}

static int read_suite(const uint8_t *img, const struct elf_image *elf, const struct pv_suite_desc *d,
		      struct plan_suite *suite, struct reason *why)
{
	const uint8_t *tests;
	int err = read_name(img, elf, d->name, suite->name, "suite", why);

	if (err)
		return err;
	if (d->ntests > PV_MAX_TESTS)
		return failf(why, -EINVAL, "%s: suite %s has %u tests (at most %d)", IMAGE_SUITES_SECTION,
			     suite->name, d->ntests, PV_MAX_TESTS);
	tests = resolve(img, elf, d->tests, (uint64_t)d->ntests * sizeof(struct pv_test_desc));
	if (!tests)
		return failf(why, -EINVAL, "%s: suite %s: its %u tests at 0x%llx are not in the file",
			     IMAGE_SUITES_SECTION, suite->name, d->ntests, (unsigned long long)d->tests);
	suite->min_cpus = d->min_cpus;
	suite->ntests = (int)d->ntests;
	suite->tests = xcalloc((size_t)d->ntests ? d->ntests : 1, sizeof(*suite->tests));
	for (uint32_t t = 0; t < d->ntests && !err; t++) {
		struct pv_test_desc td;

		memcpy(&td, tests + (uint64_t)t * sizeof(td), sizeof(td));  /* any alignment */
		err = read_name(img, elf, td.name, suite->tests[t].name, "test", why);
	}
	return err;
}

int image_read_suites(const uint8_t *img, size_t len, const struct elf_image *elf,
		      struct plan *plan, struct reason *why)
{
	Elf64_Shdr sh = { 0 };
	const uint8_t *table;
	uint64_t n;
	int err;

	memset(plan, 0, sizeof(*plan));
	if (elf->is32)
		return -ENOENT;
	if ((err = find_section(img, len, &sh, why)))
		return err;
	if (sh.sh_size == 0 || sh.sh_size % sizeof(struct pv_suite_desc))
		return failf(why, -EINVAL, "%s: size %llu is not a whole number of suites", IMAGE_SUITES_SECTION,
			     (unsigned long long)sh.sh_size);
	n = sh.sh_size / sizeof(struct pv_suite_desc);
	if (n > PV_MAX_SUITES)
		return failf(why, -EINVAL, "%s: %llu suites (at most %d)", IMAGE_SUITES_SECTION,
			     (unsigned long long)n, PV_MAX_SUITES);
	/* What the guest will pass at HELLO: the section's address (VMA == LMA, linker/guest.ld). */
	table = sh.sh_type == SHT_NOBITS ? NULL : resolve(img, elf, sh.sh_addr, sh.sh_size);
	if (!table)
		return failf(why, -EINVAL, "%s: the table at 0x%llx is not in a loaded segment of the file",
			     IMAGE_SUITES_SECTION, (unsigned long long)sh.sh_addr);
	plan->nsuites = (int)n;
	plan->suites = xcalloc(n, sizeof(*plan->suites));
	for (uint64_t i = 0; i < n && !err; i++) {
		struct pv_suite_desc d;

		memcpy(&d, table + i * sizeof(d), sizeof(d));
		err = read_suite(img, elf, &d, &plan->suites[i], why);
	}
	if (err)
		plan_free(plan);
	return err;
}
