/* SPDX-License-Identifier: MIT */
/* The command line as argv (its first word is the image name, as QEMU's -append gives it) and
 * the module as an environment of KEY=VALUE lines (QEMU's -initrd, kvm-unit-tests' env file). */
#include "mbk.h"

#define CMDLINE_MAX 4096

static char cmdline[CMDLINE_MAX];

/* Copy (the loader's copy is not ours to change) and split at spaces. */
static void split_cmdline(struct boot *b, const char *src)
{
	size_t n = 0;
	char *p = cmdline;

	while (src[n] && n < CMDLINE_MAX - 1) {
		cmdline[n] = src[n];
		n++;
	}
	cmdline[n] = '\0';
	while (*p && b->argc < MAX_ARGS) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		b->argv[b->argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
}

static void apply_option(struct boot *b, const char *arg)
{
	if (has_prefix(arg, "exit=")) {
		b->action = ACT_EXIT;
		if (!parse_u32(arg + 5, strlen(arg + 5), &b->exit_value))
			b->exit_value = 1; /* a malformed request is a failure, never a pass */
	} else if (has_prefix(arg, "work=")) {
		if (!parse_u32(arg + 5, strlen(arg + 5), &b->work))
			b->work = 0;
	} else if (!strcmp(arg, "fifo")) {
		b->fifo = true;
	} else if (!strcmp(arg, "shutdown")) {
		b->action = ACT_SHUTDOWN;
	} else if (!strcmp(arg, "crash")) {
		b->action = ACT_CRASH;
	} else if (!strcmp(arg, "hang")) {
		b->action = ACT_HANG;
	}
}

void args_parse(struct boot *b)
{
	b->action = ACT_EXIT;
	b->exit_value = 0;
	if (!b->mbi || !(b->mbi->flags & MB_INFO_CMDLINE) || !b->mbi->cmdline)
		return;
	split_cmdline(b, (const char *)(uintptr_t)b->mbi->cmdline);
	for (int i = 1; i < b->argc; i++)
		apply_option(b, b->argv[i]);
}

const char *arg_value(const struct boot *b, const char *prefix)
{
	size_t len = strlen(prefix);

	for (int i = 1; i < b->argc; i++)
		if (has_prefix(b->argv[i], prefix))
			return b->argv[i] + len;
	return NULL;
}

/* One line of the module: KEY=VALUE, blank lines ignored. */
static void env_line(struct boot *b, const char *line, size_t len)
{
	size_t eq = 0;

	while (eq < len && line[eq] != '=')
		eq++;
	if (eq == 0 || eq == len || b->nenv == MAX_ENV) {
		b->env_bad = true;
		return;
	}
	b->env[b->nenv++] = (struct env_var){ line, line + eq + 1, eq, len - eq - 1 };
}

void env_parse(struct boot *b)
{
	const struct mb_module *mod;
	const char *p, *end;

	if (!b->mbi || !(b->mbi->flags & MB_INFO_MODS) || b->mbi->mods_count == 0)
		return;
	mod = (const struct mb_module *)(uintptr_t)b->mbi->mods_addr;
	if (mod->mod_end < mod->mod_start || mod->mod_end > b->fw.ram_size) {
		b->env_bad = true;
		return;
	}
	p = (const char *)(uintptr_t)mod->mod_start;
	end = (const char *)(uintptr_t)mod->mod_end;
	while (p < end) {
		const char *nl = p;

		while (nl < end && *nl != '\n')
			nl++;
		if (nl > p && !(nl - p == 1 && *p == '\r'))
			env_line(b, p, (size_t)(nl - p) - (nl[-1] == '\r'));
		p = nl + 1;
	}
}

const struct env_var *env_get(const struct boot *b, const char *key)
{
	size_t len = strlen(key);

	for (int i = 0; i < b->nenv; i++)
		if (b->env[i].key_len == len && has_prefix(b->env[i].key, key))
			return &b->env[i];
	return NULL;
}

/* The module: one, page-aligned (header flag bit 0 asked for it), in RAM above the kernel,
 * named, and made of KEY=VALUE lines. */
void check_module(const struct boot *b)
{
	const struct mb_info *m = b->mbi;
	const struct mb_module *mod;
	bool good;

	if (!m || !(m->flags & MB_INFO_MODS) || m->mods_count == 0) {
		tap_skip("module", "no module");
		return;
	}
	mod = (const struct mb_module *)(uintptr_t)m->mods_addr;
	good = m->mods_count == 1 && !(mod->mod_start & 0xFFF) && mod->mod_start >= (uintptr_t)_end &&
	       mod->mod_end >= mod->mod_start && mod->mod_end <= b->fw.ram_size &&
	       mod->string && *(const char *)(uintptr_t)mod->string && !b->env_bad && b->nenv > 0;
	if (!tap_ok(good, "module")) {
		puts("# mods_count=");
		put_u32(m->mods_count);
		puts(" start=");
		put_hex(mod->mod_start);
		puts(" end=");
		put_hex(mod->mod_end);
		puts(b->env_bad ? " (a line is not KEY=VALUE)\n" : "\n");
	}
}

static bool env_u32(const struct env_var *v, uint32_t *out)
{
	return parse_u32(v->val, v->val_len, out);
}

/* Every EXPECT_* variable must be known and hold: a typo fails rather than passes. */
void check_env(const struct boot *b)
{
	int known = 0, expects = 0;
	const struct env_var *v;
	uint32_t n;
	bool good = true;

	for (int i = 0; i < b->nenv; i++)
		expects += has_prefix(b->env[i].key, "EXPECT_");
	if (!expects) {
		tap_skip("env", "no EXPECT_");
		return;
	}
	if ((v = env_get(b, "EXPECT_CPUS"))) {
		known++;
		good &= env_u32(v, &n) && n == b->fw.ncpus;
	}
	if ((v = env_get(b, "EXPECT_MEM_MB"))) {
		known++;
		good &= env_u32(v, &n) && n == (uint32_t)(b->fw.ram_size >> 20);
	}
	if (!tap_ok(good && known == expects, "env")) {
		puts("# fw_cfg cpus=");
		put_u32(b->fw.ncpus);
		puts(" ram MiB=");
		put_u32((uint32_t)(b->fw.ram_size >> 20));
		puts(known == expects ? "\n" : " (unknown EXPECT_ variable)\n");
	}
}
