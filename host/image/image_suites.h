/* SPDX-License-Identifier: MIT */
/* The test table of an irqlab guest image read from the file, without running it (--list):
 * the ELF section `.irqlab.suites` (struct pv_suite_desc[], linker/guest.ld), every
 * guest-physical pointer in it resolved through the PT_LOAD segments' file offsets. The image
 * is untrusted: every address, count and name is bounded and checked as at HELLO. */
#ifndef IRQLAB_HOST_IMAGE_SUITES_H
#define IRQLAB_HOST_IMAGE_SUITES_H

#include <stddef.h>
#include <stdint.h>

#include "load_elf.h"
#include "plan.h"

struct reason;

#define IMAGE_SUITES_SECTION ".irqlab.suites"

/* `img` (len bytes) already validated by elf_parse() into `elf`. Fills *plan (every test
 * unselected; the caller selects) and returns 0; -ENOENT when the image has no such section
 * (a guest that announces its table only at HELLO); -EINVAL with one line in `why` when the
 * section or the table it holds is malformed. */
int image_read_suites(const uint8_t *img, size_t len, const struct elf_image *elf,
		      struct plan *plan, struct reason *why);

#endif
