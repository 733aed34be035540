/* SPDX-License-Identifier: MIT */
#include "datadir.h"

#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* host/meson.build defines, for this build's configuration:
 *   IRQLAB_BUILD_MARKER     the file beside the build tree's launcher
 *   IRQLAB_BUILD_GUEST      build/host -> the guest image's folder in the build tree
 *   IRQLAB_BUILD_PLATFORMS  build/host -> the source tree's platforms/
 *   IRQLAB_REL_GUEST        bindir -> libdir/irqlab
 *   IRQLAB_REL_PLATFORMS    bindir -> datadir/irqlab/platforms
 *   IRQLAB_GUEST_DIR, IRQLAB_PLATFORMS_DIR  the same, absolute (the configured prefix) */

bool data_join(char *out, const char *dir, const char *name)
{
	if (snprintf(out, DATA_PATH_MAX, "%s/%s", dir, name) < DATA_PATH_MAX)
		return true;
	out[0] = '\0';
	return false;
}

/* The folder of the running executable, or false. */
static bool exe_dir(char *dir)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return false;
	exe[n] = '\0';
	return snprintf(dir, DATA_PATH_MAX, "%s", dirname(exe)) < DATA_PATH_MAX;
}

int data_dirs(enum data_kind kind, char dirs[][DATA_PATH_MAX], int max)
{
	const bool guest = kind == DATA_GUEST;
	char here[DATA_PATH_MAX], marker[DATA_PATH_MAX];
	int n = 0;

	if (max < DATA_MAX_DIRS)
		return 0;
	if (exe_dir(here)) {
		if (data_join(marker, here, IRQLAB_BUILD_MARKER) && access(marker, F_OK) == 0) {
			/* the build tree: its own files only */
			data_join(dirs[n++], here, guest ? IRQLAB_BUILD_GUEST : IRQLAB_BUILD_PLATFORMS);
			return n;
		}
		data_join(dirs[n++], here, guest ? IRQLAB_REL_GUEST : IRQLAB_REL_PLATFORMS);
	}
	snprintf(dirs[n++], DATA_PATH_MAX, "%s", guest ? IRQLAB_GUEST_DIR : IRQLAB_PLATFORMS_DIR);
	return n;
}

void data_dirs_text(enum data_kind kind, char *out, size_t len)
{
	char dirs[DATA_MAX_DIRS][DATA_PATH_MAX];
	int n = data_dirs(kind, dirs, DATA_MAX_DIRS);
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < n && used < len; i++) {
		int w = snprintf(out + used, len - used, "%s%s", i ? ", " : "", dirs[i]);

		used += w > 0 ? (size_t)w : 0;
	}
}
