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

/* The built-in guest: $IRQLAB_GUEST, else the build tree's or the installation's (datadir.h). */
static char *builtin_path(void)
{
	char dirs[DATA_MAX_DIRS][DATA_PATH_MAX], cand[DATA_PATH_MAX], where[DATA_MAX_DIRS * DATA_PATH_MAX];
	const char *env = getenv("IRQLAB_GUEST");
	int n = data_dirs(DATA_GUEST, dirs, DATA_MAX_DIRS);

	if (env && *env)
		return xstrdup(env);
	for (int i = 0; i < n; i++) {
		if (data_join(cand, dirs[i], BUILTIN_NAME) && access(cand, R_OK) == 0)
			return xstrdup(cand);
	}
	data_dirs_text(DATA_GUEST, where, sizeof(where));
	die(EXIT_USAGE, "the built-in guest (%s) was not found in %s; build it with ninja, "
	    "set IRQLAB_GUEST or give an image path", BUILTIN_NAME, where);
}

char *image_path(const char *path)
{
	return path ? xstrdup(path) : builtin_path();
}

/* The image is mapped, not copied: the loader touches only the headers and the loadable
 * segments, never the debug sections. (Truncating the file while irqlab starts is on the user.) */
static void map_file(struct image *img, int fd, uint64_t max)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0)
		die_errno(EXIT_USAGE, "%s", img->path);
	if (!S_ISREG(st.st_mode))
		die(EXIT_USAGE, "%s: not a regular file", img->path);
	if ((uint64_t)st.st_size > max)
		die(EXIT_USAGE, "%s: image of %lld bytes is larger than guest RAM", img->path,
		    (long long)st.st_size);
	img->len = (size_t)st.st_size;
	if (!img->len)
		return;
	p = mmap(NULL, img->len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die_errno(EXIT_USAGE, "%s: cannot map it", img->path);
	img->data = p;
	img->mapped = true;
}

void image_read(struct image *img, const char *path, uint64_t max)
{
	int fd;

	memset(img, 0, sizeof(*img));
	img->path = path ? xstrdup(path) : builtin_path();
	fd = open(img->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno(EXIT_USAGE, "%s", img->path);
	map_file(img, fd, max);
	close(fd);
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
