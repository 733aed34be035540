/* SPDX-License-Identifier: MIT */
/* Finding the guest image (the built-in one when no path is given) and reading it whole. */
#ifndef IRQLAB_HOST_IMAGE_H
#define IRQLAB_HOST_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct image {
	char *path;
	uint8_t *data;            /* NULL for an empty file */
	size_t len;
	bool mapped;              /* data is a read-only mapping of the file */
};

/* Map `path`, or the built-in guest if NULL, refusing anything but a regular file (without
 * blocking on a FIFO) and files larger than `max`. Returns 0, or a negative errno with a one-line
 * reason in `why` (the path included); image_free() is safe either way. */
int image_read(struct image *img, const char *path, uint64_t max, struct reason *why);
void image_free(struct image *img);

/* The path image_read() reads for `path` (the built-in guest's if NULL), allocated. Dies (exit
 * 2, setup only) when there is no built-in guest. */
char *image_path(const char *path);

#endif
