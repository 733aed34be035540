/* SPDX-License-Identifier: MIT */
/* JSON strings and the envelope (report_meta.h). */
#include "report_meta.h"

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "abi/layout.h"
#include "abi/pvport.h"
#include "cli.h"
#include "report.h"
#include "util.h"

#define JSON_FORMAT_VERSION 1   /* of the document: docs/results.schema.json */

static void rfc3339_now(char *buf, size_t len)
{
	struct timespec now;
	struct tm tm;
	char secs[32];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03dZ", secs, (int)(now.tv_nsec / 1000000));
}

void report_meta_init(struct report_meta *m, const char *kind, const struct opts *o,
		      const char *image, const char *platform_sig)
{
	struct utsname u;
	char cwd[PATH_MAX];

	memset(m, 0, sizeof(*m));
	m->kind = kind;
	rfc3339_now(m->start_time, sizeof(m->start_time));
	if (platform_sig && *platform_sig)
		snprintf(m->platform, sizeof(m->platform), "%s", platform_sig);
	else
		platform_signature(m->platform, sizeof(m->platform));
	snprintf(m->host_kernel, sizeof(m->host_kernel), "%s", uname(&u) == 0 ? u.release : "unknown");
	m->cpus = o ? o->cpus : CLI_DEFAULT_CPUS;
	m->split_irqchip = o && o->split_irqchip;
	m->mem_bytes = o ? o->mem_size : LAYOUT_MEM_DEFAULT;
	m->tests = o ? o->tests : NULL;
	if (image && !realpath(image, m->image) &&   /* gone or unreadable: absolute at least */
	    snprintf(m->image, sizeof(m->image), "%s%s%s", *image == '/' || !getcwd(cwd, sizeof(cwd)) ? "" : cwd,
		     *image == '/' ? "" : "/", image) >= (int)sizeof(m->image))
		snprintf(m->image, sizeof(m->image), "%s", image);  /* too long to make absolute */
}

const struct report_meta *report_meta_of(const struct report *r, struct report_meta *fallback)
{
	if (r->meta)
		return r->meta;
	report_meta_init(fallback, "run", NULL, r->image, NULL);
	return fallback;
}

void report_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		int n = c >= 0x80 ? utf8_seq_len(s) : 1;

		if (c >= 0x80 && n) {
			fwrite(s, 1, (size_t)n, f);
			s += n - 1;
		} else if (c >= 0x80)
			fputs("\\ufffd", f);  /* not UTF-8: the replacement character */
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void report_meta_json(FILE *f, const struct report_meta *m, const char *kind)
{
	const char *p = m->tests;

	fprintf(f, "\"format\": \"irqlab-results\", \"version\": %d, \"kind\": ", JSON_FORMAT_VERSION);
	report_json_str(f, kind ? kind : m->kind);
	fputs(", \"irqlab_version\": ", f);
	report_json_str(f, IRQLAB_VERSION);
	fprintf(f, ", \"protocol_version\": %d, \"platform\": ", PV_VERSION);
	report_json_str(f, m->platform);
	fputs(", \"host_kernel\": ", f);
	report_json_str(f, m->host_kernel);
	fputs(", \"start_time\": ", f);
	report_json_str(f, m->start_time);
	fprintf(f, ",\n  \"options\": {\"cpus\": %d, \"irqchip\": \"%s\", \"mem_bytes\": %llu, \"tests\": [",
		m->cpus, m->split_irqchip ? "split" : "kernel", (unsigned long long)m->mem_bytes);
	for (int n = 0; p && *p; n++) {      /* the comma-separated patterns, one string each */
		size_t len = strcspn(p, ",");
		char *pat = strndup(p, len);

		fputs(n ? ", " : "", f);
		report_json_str(f, pat);
		free(pat);
		p += len + (p[len] == ',');
	}
	fputs("], \"image\": ", f);
	report_json_str(f, m->image);
	fputs("},\n  \"image\": ", f);
	report_json_str(f, m->image);
}
