/* SPDX-License-Identifier: MIT */
/*
 * Which KVM irqlab runs on, and what is known to be wrong with it.
 *
 * The signature is "<module>/<vendor>/<kernel major.minor>[/nested]": the loaded KVM vendor
 * module (kvm_intel, kvm_amd, kvm_pvm, ...), the host CPU vendor, the host kernel, and whether
 * the host itself runs under a hypervisor. Files in platforms/ (docs/platforms.md) list defects
 * per signature glob, each with the failure text it expects (a POSIX extended regex): a failing
 * test whose text matches is reported XFAIL with the reason, a failure that says something else
 * stays a failure, and a recorded defect that does not show is an unexpected pass, so a fixed or
 * a new defect always stands out.
 */
#ifndef IRQLAB_HOST_PLATFORM_H
#define IRQLAB_HOST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#define PLATFORM_SIG_MAX 128
#define EXPECT_MAX       64

struct expectation {
	char test[128];           /* glob on suite.test */
	char pattern[192];        /* POSIX ERE the failure text must contain */
	char reason[256];
	char file[64];            /* where it was recorded */
};

struct reason;

struct platform {
	char sig[PLATFORM_SIG_MAX];
	int nexpect;
	struct expectation expect[EXPECT_MAX];
};

/* Compute this host's signature (reads /sys/module, /proc). */
void platform_signature(char *sig, size_t len);

/* Load every *.expect file in `dir` whose `platform` lines match `sig`. Returns the number of
 * expectations, or -EINVAL with `why` filled (file:line: what; a malformed file is a usage error). */
int platform_load(struct platform *p, const char *sig, const char *dir, struct reason *why);

/* Parse one file's text; `name` is for messages. Same result convention. */
int platform_parse(struct platform *p, const char *sig, const char *text, const char *name,
		   struct reason *why);

/* This host's signature and the expectations from $IRQLAB_PLATFORMS, else from the first existing
 * directory datadir.h names (the source tree's for a build tree's launcher, else the installed
 * one's). Dies (exit 2) on a bad file. Returns 0, or -ENOENT when no directory exists, with a
 * diagnostic for the report in `why` (a warning is already on stderr): the known defects were
 * not applied. */
int platform_load_default(struct platform *p, struct reason *why);

/* The expectation for suite.test on this platform, or NULL. */
const struct expectation *platform_lookup(const struct platform *p, const char *suite, const char *test);

/* Whether a failure is the recorded defect: e->pattern found in the failure's text, its result
 * diagnostic `diag` followed by its log lines (`log`); either may be NULL. */
bool platform_defect_matches(const struct expectation *e, const char *diag, const char *log);

#endif
