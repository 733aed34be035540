/* SPDX-License-Identifier: MIT */
#include "platform.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "datadir.h"
#include "util.h"

static const char *const kvm_modules[] = { "kvm_intel", "kvm_amd", "kvm_pvm" };

/* The first line of /proc/cpuinfo starting with `key`, value only. */
static void cpuinfo(const char *key, char *out, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];

	snprintf(out, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, strlen(key)) || !colon)
			continue;
		snprintf(out, len, "%s", colon + 2);
		out[strcspn(out, "\n")] = '\0';
		break;
	}
	if (f)
		fclose(f);
}

void platform_signature(char *sig, size_t len)
{
	const char *module = "kvm";
	char vendor[64], flags[4096], path[64];
	struct utsname u;
	int major = 0, minor = 0;

	for (size_t i = 0; i < ARRAY_SIZE(kvm_modules); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", kvm_modules[i]);
		if (access(path, F_OK) == 0)
			module = kvm_modules[i];
	}
	cpuinfo("vendor_id", vendor, sizeof(vendor));
	cpuinfo("flags", flags, sizeof(flags));
	if (uname(&u) == 0)
		sscanf(u.release, "%d.%d", &major, &minor);
	snprintf(sig, len, "%s/%s/%d.%d%s", module, vendor, major, minor,
		 strstr(flags, " hypervisor") ? "/nested" : "");
}

static int parse_line(struct platform *p, char *line, bool *active, const char *sig,
		      const char *name, int lineno, char *err, size_t errlen)
{
	char word[16], test[128];
	int n = 0;
	struct expectation *e;

	if (sscanf(line, "%15s %127s %n", word, test, &n) < 2)
		return errorf(err, errlen, "%s:%d: expected '<platform|xfail|flaky> <value> ...'", name, lineno);
	if (!strcmp(word, "platform")) {
		*active = fnmatch(test, sig, 0) == 0;
		return 0;
	}
	if (strcmp(word, "xfail") && strcmp(word, "flaky"))
		return errorf(err, errlen, "%s:%d: unknown keyword '%s'", name, lineno, word);
	if (!line[n])
		return errorf(err, errlen, "%s:%d: %s %s needs a reason", name, lineno, word, test);
	if (!*active)
		return 0;
	if (p->nexpect == EXPECT_MAX)
		return errorf(err, errlen, "%s:%d: more than %d expectations", name, lineno, EXPECT_MAX);
	e = &p->expect[p->nexpect++];
	snprintf(e->test, sizeof(e->test), "%s", test);
	e->kind = strcmp(word, "xfail") ? EXPECT_FLAKY : EXPECT_XFAIL;
	snprintf(e->reason, sizeof(e->reason), "%s", line + n);
	snprintf(e->file, sizeof(e->file), "%s", name);
	return 0;
}

int platform_parse(struct platform *p, const char *sig, const char *text, const char *name,
		   char *err, size_t errlen)
{
	char *copy = xstrdup(text), *rest = copy, *line;
	bool active = false;
	int lineno = 0, r = 0;

	snprintf(p->sig, sizeof(p->sig), "%s", sig);
	/* strsep, not strtok: empty lines count in the line numbers of error messages */
	while (!r && (line = strsep(&rest, "\n")) != NULL) {
		lineno++;
		line += strspn(line, " \t");
		line[strcspn(line, "#")] = '\0';
		for (size_t l = strlen(line); l && (line[l - 1] == ' ' || line[l - 1] == '\t'); l--)
			line[l - 1] = '\0';
		if (*line)
			r = parse_line(p, line, &active, sig, name, lineno, err, errlen);
	}
	free(copy);
	return r ? -1 : p->nexpect;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	buf = xcalloc(1, 65537);
	len = fread(buf, 1, 65536, f);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

int platform_load(struct platform *p, const char *sig, const char *dir, char *err, size_t errlen)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort), r = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->sig, sizeof(p->sig), "%s", sig);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t l = strlen(name);
		char path[4096], *text;

		if (!r && l > 7 && !strcmp(name + l - 7, ".expect")) {
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			text = slurp(path);
			if (text && platform_parse(p, sig, text, name, err, errlen) < 0)
				r = -1;
			free(text);
		}
		free(names[i]);
	}
	free(names);
	return r ? -1 : p->nexpect;
}

/* The first readable directory of $IRQLAB_PLATFORMS, else of datadir.h's candidates. */
const char *platform_load_default(struct platform *p)
{
	static char diag[DATA_MAX_DIRS * DATA_PATH_MAX + 128];
	const char *env = getenv("IRQLAB_PLATFORMS");
	char dirs[DATA_MAX_DIRS][DATA_PATH_MAX], where[DATA_MAX_DIRS * DATA_PATH_MAX];
	char err[256], sig[PLATFORM_SIG_MAX];
	int n = env && *env ? 1 : data_dirs(DATA_PLATFORMS, dirs, DATA_MAX_DIRS);

	platform_signature(sig, sizeof(sig));
	memset(p, 0, sizeof(*p));
	snprintf(p->sig, sizeof(p->sig), "%s", sig);
	for (int i = 0; i < n; i++) {
		const char *d = env && *env ? env : dirs[i];

		if (access(d, R_OK) != 0)
			continue;
		if (platform_load(p, sig, d, err, sizeof(err)) < 0)
			die(EXIT_USAGE, "%s", err);
		return NULL;
	}
	if (env && *env)
		snprintf(where, sizeof(where), "%s (IRQLAB_PLATFORMS)", env);
	else
		data_dirs_text(DATA_PLATFORMS, where, sizeof(where));
	snprintf(diag, sizeof(diag), "platform files not found in %s: known defects of this KVM "
		 "are not applied%s", where, env && *env ? "" : " (set IRQLAB_PLATFORMS)");
	warnx("%s", diag);
	return diag;
}

const struct expectation *platform_lookup(const struct platform *p, const char *suite, const char *test)
{
	char full[2 * 64 + 2];

	snprintf(full, sizeof(full), "%s.%s", suite, test);
	for (int i = 0; p && i < p->nexpect; i++)
		if (fnmatch(p->expect[i].test, full, 0) == 0)
			return &p->expect[i];
	return NULL;
}
