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

#include "util.h"

#define BUILTIN_NAME "irqlab-guest.elf"

/* The built-in guest: $IRQLAB_GUEST, then next to the build tree's launcher
 * (build/host/irqlab -> build/guest/), then the install directory. NULL if none is there. */
static char *builtin_path(void)
{
	static const char *const rel[] = { "/../guest/" BUILTIN_NAME, "/../lib/irqlab/" BUILTIN_NAME };
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	const char *env = getenv("IRQLAB_GUEST");
	ssize_t n;

	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		const char *dir;

		exe[n] = '\0';
		dir = dirname(exe);
		for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
			snprintf(cand, sizeof(cand), "%s%s", dir, rel[i]);
			if (access(cand, R_OK) == 0)
				return xstrdup(cand);
		}
	}
	snprintf(cand, sizeof(cand), "%s/%s", IRQLAB_GUEST_DIR, BUILTIN_NAME);
	return access(cand, R_OK) == 0 ? xstrdup(cand) : NULL;
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
		return failf(why, -ENOENT, "the built-in guest (%s) was not found next to irqlab or in %s; "
			     "build it with ninja or give an image path", BUILTIN_NAME, IRQLAB_GUEST_DIR);
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
