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
 * (build/host/irqlab -> build/guest/), then the install directory. */
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
	if (access(cand, R_OK) == 0)
		return xstrdup(cand);
	die(EXIT_USAGE, "the built-in guest (%s) was not found next to irqlab or in %s; "
	    "build it with ninja or give an image path", BUILTIN_NAME, IRQLAB_GUEST_DIR);
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
