/* SPDX-License-Identifier: MIT */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datadir.h"
#include "util.h"

#define BUILTIN_NAME "irqlab-guest.elf"

/* The built-in guest: $IRQLAB_GUEST, else the build tree's or the installation's (datadir.h).
 * NULL if none is there. */
static char *builtin_path(void)
{
	char dirs[DATA_MAX_DIRS][DATA_PATH_MAX], cand[DATA_PATH_MAX];
	const char *env = getenv("IRQLAB_GUEST");
	int n = data_dirs(DATA_GUEST, dirs, DATA_MAX_DIRS);

	if (env && *env)
		return xstrdup(env);
	for (int i = 0; i < n; i++) {
		if (data_join(cand, dirs[i], BUILTIN_NAME) && access(cand, R_OK) == 0)
			return xstrdup(cand);
	}
	return NULL;
}

static int builtin_missing(struct reason *why)
{
	char where[DATA_MAX_DIRS * DATA_PATH_MAX];

	data_dirs_text(DATA_GUEST, where, sizeof(where));
	return failf(why, -ENOENT, "the built-in guest (%s) was not found in %.150s; build it with "
		     "ninja, set IRQLAB_GUEST or give an image path", BUILTIN_NAME, where);
}

char *image_path(const char *path)
{
	struct reason why;
	char *p = path ? xstrdup(path) : builtin_path();

	if (!p && builtin_missing(&why) < 0)
		die(EXIT_USAGE, "%s", why.text);
	return p;
}

/* The image is mapped, not copied: the loader touches only the headers and the loadable
 * segments, never the debug sections. (Truncating the file while irqlab starts is on the user.)
 * Only regular files: a FIFO or a device would block or never end. */
static int map_file(struct image *img, int fd, uint64_t max, struct reason *why)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0)
		return failf(why, -errno, "%s: %s", img->path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return failf(why, -EINVAL, "%s: not a regular file", img->path);
	if ((uint64_t)st.st_size > max)
		return failf(why, -EFBIG, "%s: image of %lld bytes is larger than guest RAM", img->path,
			     (long long)st.st_size);
	img->len = (size_t)st.st_size;
	if (!img->len)
		return 0;
	p = mmap(NULL, img->len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return failf(why, -errno, "%s: cannot map it: %s", img->path, strerror(errno));
	img->data = p;
	img->mapped = true;
	return 0;
}

/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever; the
 * descriptor is only fstat'ed and mapped, so the flag never matters afterwards. */
int image_read(struct image *img, const char *path, uint64_t max, struct reason *why)
{
	int fd, rc;

	memset(img, 0, sizeof(*img));
	img->path = path ? xstrdup(path) : builtin_path();
	if (!img->path)
		return builtin_missing(why);
	fd = open(img->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return failf(why, -errno, "%s: %s", img->path, strerror(errno));
	rc = map_file(img, fd, max, why);
	close(fd);
	return rc;
}

void image_free(struct image *img)
{
	free(img->path);
	if (img->mapped)
		munmap(img->data, img->len);
	else
		free(img->data);
	memset(img, 0, sizeof(*img));
}
