/* SPDX-License-Identifier: MIT */
/*
 * Which KVM irqlab runs on, and what is known to be wrong with it.
 *
 * The signature is "<module>/<vendor>/<kernel major.minor>[/nested]": the loaded KVM vendor
 * module (kvm_intel, kvm_amd, kvm_pvm, ...), the host CPU vendor, the host kernel, and whether
 * the host itself runs under a hypervisor. Files in platforms/ (docs/platforms.md) list defects
 * per signature glob; a failing test that matches one is reported XFAIL with the reason, and a
 * recorded defect that does not show is reported as an unexpected pass, so a fixed or new
 * defect always stands out.
 */
#ifndef IRQLAB_HOST_PLATFORM_H
#define IRQLAB_HOST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#define PLATFORM_SIG_MAX 128
#define EXPECT_MAX       64

enum expect_kind { EXPECT_XFAIL, EXPECT_FLAKY };

struct expectation {
	char test[128];           /* glob on suite.test */
	enum expect_kind kind;    /* xfail: must fail; flaky: may fail */
	char reason[192];
	char file[64];            /* where it was recorded */
};

struct platform {
	char sig[PLATFORM_SIG_MAX];
	int nexpect;
	struct expectation expect[EXPECT_MAX];
};

/* Compute this host's signature (reads /sys/module, /proc). */
void platform_signature(char *sig, size_t len);

/* Load every *.expect file in `dir` whose `platform` lines match `sig`. Returns the number of
 * expectations, or -1 with a reason in err (a malformed file is a usage error). */
int platform_load(struct platform *p, const char *sig, const char *dir, char *err, size_t errlen);

/* Parse one file's text; `name` is for messages. Same result convention. */
int platform_parse(struct platform *p, const char *sig, const char *text, const char *name,
		   char *err, size_t errlen);

/* This host's signature and the expectations from $IRQLAB_PLATFORMS, else from the first existing
 * directory datadir.h names (the source tree's for a build tree's launcher, else the installed
 * one's). Dies (exit 2) on a bad file. Returns NULL, or when no directory exists a diagnostic
 * for the report (a warning is already on stderr): the known defects were not applied. */
const char *platform_load_default(struct platform *p);

/* The expectation for suite.test on this platform, or NULL. */
const struct expectation *platform_lookup(const struct platform *p, const char *suite, const char *test);

#endif
