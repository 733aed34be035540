/* SPDX-License-Identifier: MIT */
/* What every JSON document irqlab writes shares: its strings, and the envelope it carries
 * (docs/results.md, "JSON"): which irqlab, on which platform and host kernel, when, with which
 * options, on which image. The run (report_json.c), irqlab check and --list (session_print_list)
 * write the same fields. */
#ifndef IRQLAB_HOST_REPORT_META_H
#define IRQLAB_HOST_REPORT_META_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "platform.h"

struct opts;
struct report;

struct report_meta {
	const char *kind;               /* "run" or "check" ("list" is session_print_list's) */
	char platform[PLATFORM_SIG_MAX];
	char host_kernel[65];           /* uname -r */
	char start_time[48];            /* RFC 3339, UTC, milliseconds */
	int cpus;
	bool split_irqchip;
	uint64_t mem_bytes;
	char image[PATH_MAX];           /* realpath, or as given when it cannot be resolved */
	const char *tests;              /* --test, or NULL: the default selection */
};

/* One JSON string literal, quoted and escaped; bytes that are not UTF-8 become U+FFFD. */
void report_json_str(FILE *f, const char *s);

/* Fill *m now (the start time). `o` NULL: the defaults of `irqlab run`; `platform_sig` NULL or
 * "": this host's signature (platform_signature()). */
void report_meta_init(struct report_meta *m, const char *kind, const struct opts *o,
		      const char *image, const char *platform_sig);

/* The report's envelope, or, for a report without one (unit tests), `fallback` filled with the
 * defaults. */
const struct report_meta *report_meta_of(const struct report *r, struct report_meta *fallback);

/* The envelope's members, without braces: `"format": ..., ..., "image": "..."`. `kind` NULL:
 * m->kind. */
void report_meta_json(FILE *f, const struct report_meta *m, const char *kind);

#endif
