/* SPDX-License-Identifier: MIT */
/* Finding the guest image (the built-in one when no path is given) and reading it whole. */
#ifndef IRQLAB_HOST_IMAGE_H
#define IRQLAB_HOST_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct image {
	char *path;
	uint8_t *data;            /* NULL for an empty file */
	size_t len;
	bool mapped;              /* data is a read-only mapping of the file */
};

/* Read `path`, or the built-in guest if NULL, refusing files larger than `max`. Dies with
 * exit 2 and a one-line reason. */
void image_read(struct image *img, const char *path, uint64_t max);
void image_free(struct image *img);

/* The path image_read() reads for `path` (the built-in guest's if NULL), allocated. Dies as
 * image_read() does when there is no built-in guest. */
char *image_path(const char *path);

#endif
