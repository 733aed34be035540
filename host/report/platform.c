/* SPDX-License-Identifier: MIT */
#include "platform.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
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

/* "/ERE/" at `at`: copy the pattern (with "\\/" for a literal slash) into e->pattern and check that
 * it compiles; returns the length consumed or a negative errno. */
static int parse_pattern(struct expectation *e, const char *at, const char *where, struct reason *why)
{
	size_t i = 1, o = 0;
	regex_t re;
	int rc;

	if (*at != '/')
		return failf(why, -EINVAL, "%s: %s needs /PATTERN/, the failure text it expects, before the "
			     "reason", where, e->test);
	for (; at[i] && at[i] != '/'; i++) {
		if (at[i] == '\\' && at[i + 1] == '/')
			i++;
		if (o + 1 < sizeof(e->pattern))
			e->pattern[o++] = at[i];
	}
	e->pattern[o] = '\0';
	if (at[i] != '/' || o == 0)
		return failf(why, -EINVAL, "%s: %s: the pattern needs a closing '/' and must not be empty",
			     where, e->test);
	rc = regcomp(&re, e->pattern, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
	if (rc) {
		char msg[128];

		regerror(rc, &re, msg, sizeof(msg));
		return failf(why, -EINVAL, "%s: %s: bad pattern /%s/: %s", where, e->test, e->pattern, msg);
	}
	regfree(&re);
	return (int)i + 1;
}

static int parse_line(struct platform *p, char *line, bool *active, const char *where, struct reason *why)
{
	char word[16];
	struct expectation e = { 0 };
	int n = 0, len;

	if (sscanf(line, "%15s %127s %n", word, e.test, &n) < 2)
		return failf(why, -EINVAL, "%s: expected 'platform GLOB' or 'xfail SUITE.TEST /PATTERN/ REASON'", where);
	if (!strcmp(word, "platform")) {
		*active = fnmatch(e.test, p->sig, 0) == 0;
		return 0;
	}
	if (!strcmp(word, "flaky"))
		return failf(why, -EINVAL, "%s: 'flaky' is retired: a test either holds or has a recorded defect "
			     "(xfail with the /PATTERN/ its failure prints)", where);
	if (strcmp(word, "xfail"))
		return failf(why, -EINVAL, "%s: unknown keyword '%s'", where, word);
	len = parse_pattern(&e, line + n, where, why);
	if (len < 0)
		return len;
	n += len + (int)strspn(line + n + len, " \t");
	if (!line[n])
		return failf(why, -EINVAL, "%s: xfail %s needs a reason", where, e.test);
	if (!*active)
		return 0;
	if (p->nexpect == EXPECT_MAX)
		return failf(why, -EINVAL, "%s: more than %d expectations", where, EXPECT_MAX);
	snprintf(e.reason, sizeof(e.reason), "%s", line + n);
	p->expect[p->nexpect++] = e;
	return 0;
}

/* A comment starts with '#' at the start of a line or after a blank, followed by a blank or
 * the end: "#UD" and "#MC" inside reasons and patterns stay. Trailing blanks go too. */
static void strip_comment(char *line)
{
	for (char *c = line; (c = strchr(c, '#')) != NULL; c++)
		if ((c == line || c[-1] == ' ' || c[-1] == '\t') && (!c[1] || c[1] == ' ' || c[1] == '\t')) {
			*c = '\0';
			break;
		}
	for (size_t l = strlen(line); l && (line[l - 1] == ' ' || line[l - 1] == '\t'); l--)
		line[l - 1] = '\0';
}

int platform_parse(struct platform *p, const char *sig, const char *text, const char *name,
		   struct reason *why)
{
	char *copy = xstrdup(text), *rest = copy, *line, where[96];
	bool active = false;
	int lineno = 0, r = 0, first = p->nexpect;

	snprintf(p->sig, sizeof(p->sig), "%s", sig);
	/* strsep, not strtok: empty lines count in the line numbers of error messages */
	while (!r && (line = strsep(&rest, "\n")) != NULL) {
		lineno++;
		line += strspn(line, " \t");
		strip_comment(line);
		snprintf(where, sizeof(where), "%s:%d", name, lineno);
		if (*line)
			r = parse_line(p, line, &active, where, why);
	}
	for (int i = first; i < p->nexpect; i++)
		snprintf(p->expect[i].file, sizeof(p->expect[i].file), "%s", name);
	free(copy);
	return r ? r : p->nexpect;
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

int platform_load(struct platform *p, const char *sig, const char *dir, struct reason *why)
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
			if (text)
				r = platform_parse(p, sig, text, name, why) < 0 ? -EINVAL : 0;
			free(text);
		}
		free(names[i]);
	}
	free(names);
	return r ? r : p->nexpect;
}

/* The first readable directory of $IRQLAB_PLATFORMS, else of datadir.h's candidates. */
int platform_load_default(struct platform *p, struct reason *why)
{
	const char *env = getenv("IRQLAB_PLATFORMS");
	char dirs[DATA_MAX_DIRS][DATA_PATH_MAX], where[DATA_MAX_DIRS * DATA_PATH_MAX];
	char sig[PLATFORM_SIG_MAX];
	int n = env && *env ? 1 : data_dirs(DATA_PLATFORMS, dirs, DATA_MAX_DIRS);

	platform_signature(sig, sizeof(sig));
	memset(p, 0, sizeof(*p));
	snprintf(p->sig, sizeof(p->sig), "%s", sig);
	for (int i = 0; i < n; i++) {
		const char *d = env && *env ? env : dirs[i];

		if (access(d, R_OK) != 0)
			continue;
		if (platform_load(p, sig, d, why) < 0)
			die(EXIT_USAGE, "%s", why->text);
		return 0;
	}
	if (env && *env)
		snprintf(where, sizeof(where), "%s (IRQLAB_PLATFORMS)", env);
	else
		data_dirs_text(DATA_PLATFORMS, where, sizeof(where));
	failf(why, -ENOENT, "platform files not found in %.150s: known defects of this KVM are not "
	      "applied%s", where, env && *env ? "" : " (set IRQLAB_PLATFORMS)");
	warnx("%s", why->text);
	return -ENOENT;
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

bool platform_defect_matches(const struct expectation *e, const char *diag, const char *log)
{
	size_t len = (diag ? strlen(diag) : 0) + (log ? strlen(log) : 0) + 2;
	char *text = xcalloc(1, len);
	regex_t re;
	bool match = false;

	snprintf(text, len, "%s\n%s", diag ? diag : "", log ? log : "");
	if (regcomp(&re, e->pattern, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) == 0) {
		match = regexec(&re, text, 0, NULL, 0) == 0;
		regfree(&re);
	}
	free(text);
	return match;
}
