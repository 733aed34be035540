/* SPDX-License-Identifier: MIT */
/*
 * Where irqlab finds its data: the built-in guest image and the platform files (platforms/).
 *
 * A launcher in the build tree (build/host/irqlab, marked by a file meson generates beside it)
 * uses the build's guest and the source tree's platforms/. Any other copy is an installed one:
 * it looks relative to its own location first (bindir -> libdir/irqlab, datadir/irqlab/platforms,
 * the relative paths computed at configure time), so a moved or DESTDIR-staged installation works,
 * then in the configured absolute directories. The environment overrides both.
 */
#ifndef IRQLAB_HOST_DATADIR_H
#define IRQLAB_HOST_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

enum data_kind { DATA_GUEST, DATA_PLATFORMS };

#define DATA_MAX_DIRS 2
#define DATA_PATH_MAX 4096

/* The candidate directories for `kind`, most specific first; returns how many (0 to
 * DATA_MAX_DIRS). The environment variable (IRQLAB_GUEST names a file, not a directory, and is
 * the caller's business) is not included. */
int data_dirs(enum data_kind kind, char dirs[][DATA_PATH_MAX], int max);

/* "dir/name" into out (DATA_PATH_MAX bytes); false, and out empty, when it does not fit. */
bool data_join(char *out, const char *dir, const char *name);

/* Every candidate, ", "-separated, for messages. */
void data_dirs_text(enum data_kind kind, char *out, size_t len);

#endif
