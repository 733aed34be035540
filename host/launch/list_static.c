/* SPDX-License-Identifier: MIT */
/* --list from the image file: no /dev/kvm, no VM (list_static.h). */
#include "list_static.h"

#include <errno.h>

#include "cli.h"
#include "image.h"
#include "image_suites.h"
#include "load_elf.h"
#include "plan.h"
#include "report_meta.h"
#include "session.h"
#include "util.h"

int list_static(const struct opts *o, FILE *out)
{
	struct image img;
	struct elf_image elf;
	struct plan plan;
	struct reason why;
	int r;

	if (!o->list || o->boot)
		return -1;
	if (image_read(&img, o->image, o->mem_size, &why) < 0)  /* exit 2, as the KVM path would */
		die(EXIT_USAGE, "%s", why.text);
	if (elf_parse(img.data, img.len, o->mem_size, &elf, &why)) {
		image_free(&img);                  /* multiboot or malformed: the launch says which */
		return -1;
	}
	r = image_read_suites(img.data, img.len, &elf, &plan, &why);
	if (r == -ENOENT) {
		image_free(&img);
		return -1;
	}
	if (r < 0)
		die(EXIT_USAGE, "%s: %s", img.path, why.text);
	/* As session_hello() does at HELLO: the same selection, the same message, the same list. */
	if (plan_select(&plan, o->tests) == 0 && o->tests && *o->tests) {
		warnx("--test '%s': no test matches (irqlab --list shows them)", o->tests);
		r = EXIT_USAGE;
	} else {
		if (o->tests && *o->tests)
			plan_keep_selected(&plan);
		struct report_meta meta;

		if (o->fmt == FMT_JSON)
			report_meta_init(&meta, "run", o, img.path, NULL);
		session_print_list(&plan, o->fmt == FMT_JSON ? &meta : NULL, out);
		r = EXIT_PASS;
	}
	plan_free(&plan);
	image_free(&img);
	return r;
}
