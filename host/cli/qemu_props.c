/* SPDX-License-Identifier: MIT */
/*
 * QEMU's KEY=VALUE,... option arguments. What irqlab implements is accepted; every other
 * machine type, property, CPU model, feature and device is an error naming it.
 */
#include "qemu_props.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/layout.h"

#define PROPS_MAX 32

/* Split a copy of `val` (in buf) at commas into at most PROPS_MAX tokens. */
static int split(const char *val, char *buf, size_t len, char *tok[PROPS_MAX])
{
	int n = 0;

	snprintf(buf, len, "%s", val);
	for (char *s = buf, *save = NULL; n < PROPS_MAX; s = NULL) {
		char *t = strtok_r(s, ",", &save);

		if (!t)
			break;
		tok[n++] = t;
	}
	return n;
}

/* "key=value": *value points after '=' (NULL when there is none); returns key's length. */
static size_t key_of(const char *tok, const char **value)
{
	const char *eq = strchr(tok, '=');

	*value = eq ? eq + 1 : NULL;
	return eq ? (size_t)(eq - tok) : strlen(tok);
}

static bool key_is(const char *tok, const char *key)
{
	const char *v;

	return key_of(tok, &v) == strlen(key) && !strncmp(tok, key, strlen(key));
}

static bool is_on(const char *v)
{
	return !v || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true");
}

static bool is_off(const char *v)
{
	return v && (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"));
}

/* "-opt val: <message>", the shape of QEMU's own errors; -EINVAL. */
__attribute__((format(printf, 4, 5)))
static int refuse(const struct qemu_parse *p, struct reason *why, const char *val, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return failf(why, -EINVAL, "%s %s: %s", p->opt, val, msg);
}

static bool machine_type_ok(const char *t)
{
	return !strcmp(t, "pc") || !strncmp(t, "pc-i440fx-", 10);
}

/* One machine property; 0 or -EINVAL. */
static int machine_prop(struct qemu_parse *p, const char *val, const char *tok, struct reason *why)
{
	const char *v;

	key_of(tok, &v);
	if (key_is(tok, "type") && v && machine_type_ok(v))
		return 0;
	if (key_is(tok, "accel"))
		return v && !strcmp(v, "kvm") ? 0 : refuse(p, why, val, "accelerator '%s' is not provided: irqlab runs on KVM only", v ? v : "");
	if (key_is(tok, "kernel_irqchip") || key_is(tok, "kernel-irqchip")) {
		if (v && !strcmp(v, "split"))
			p->o->split_irqchip = true;
		else if (is_on(v))
			p->o->split_irqchip = false;
		else
			return refuse(p, why, val, "kernel_irqchip=%s is not provided (on or split)", v);
		return 0;
	}
	if (key_is(tok, "pit") && is_off(v))
		return 0;  /* irqlab has no PIT at all */
	if (key_is(tok, "vmport") && is_off(v))
		return 0;  /* nor a VMware port */
	return refuse(p, why, val, "machine property '%s' is not provided by irqlab-qemu", tok);
}

int qemu_set_machine(struct qemu_parse *p, const char *val, struct reason *why)
{
	char buf[512], *tok[PROPS_MAX];
	int n = split(val, buf, sizeof(buf), tok);

	for (int i = 0; i < n; i++) {
		int r;

		if (i == 0 && !strchr(tok[0], '=')) {
			if (!strcmp(tok[0], "help") || !strcmp(tok[0], "?")) {
				p->q->machine_help = true;
				continue;
			}
			if (!machine_type_ok(tok[0]))
				return refuse(p, why, val, "machine type '%s' is not provided (only pc; -machine help)", tok[0]);
			continue;
		}
		r = machine_prop(p, val, tok[i], why);
		if (r < 0)
			return r;
	}
	return 0;
}

int qemu_set_accel(struct qemu_parse *p, const char *val, struct reason *why)
{
	if (strcmp(val, "kvm"))
		return refuse(p, why, val, "accelerator '%s' is not provided: irqlab runs on KVM only", val);
	return 0;
}

/* QEMU's qemu64 and kvm64 models lack these; host and max have what KVM offers. */
static int cpu_model(struct qemu_parse *p, const char *val, const char *model, struct reason *why)
{
	static const char *const lacking[] = { "tsc-deadline", "pcid", "invpcid", "umip", "rdtscp" };

	if (!strcmp(model, "host") || !strcmp(model, "max"))
		return 0;
	if (strcmp(model, "qemu64") && strcmp(model, "kvm64"))
		return refuse(p, why, val, "CPU model '%s' is not provided (qemu64, kvm64, host, max)", model);
	for (size_t i = 0; i < ARRAY_SIZE(lacking); i++)
		cpuid_edits_add(&p->o->cpuid_edits, cpuid_feature_find(lacking[i]), false);
	return 0;
}

static int cpu_vendor(struct qemu_parse *p, const char *val, const char *v, struct reason *why)
{
	if (v && !strcmp(v, "GenuineIntel"))
		p->o->vendor = VENDOR_INTEL;
	else if (v && !strcmp(v, "AuthenticAMD"))
		p->o->vendor = VENDOR_AMD;
	else
		return refuse(p, why, val, "vendor '%s' is not provided (GenuineIntel or AuthenticAMD)", v ? v : "");
	return 0;
}

/* "+feat", "-feat", "feat=on|off" or "feat"; vendor=...; migratable (no migration here). */
static int cpu_prop(struct qemu_parse *p, const char *val, const char *tok, struct reason *why)
{
	const struct cpuid_feature *f;
	const char *v;
	char name[64];
	bool set = tok[0] != '-';

	key_of(tok, &v);
	if (key_is(tok, "vendor"))
		return cpu_vendor(p, val, v, why);
	if (key_is(tok, "migratable"))
		return 0;
	snprintf(name, sizeof(name), "%.*s", (int)key_of(tok + (tok[0] == '+' || tok[0] == '-'), &v),
		 tok + (tok[0] == '+' || tok[0] == '-'));
	if (v && (tok[0] == '+' || tok[0] == '-' || (!is_on(v) && !is_off(v))))
		return refuse(p, why, val, "'%s' is not a feature setting (+feat, -feat, feat=on|off)", tok);
	set = set && !is_off(v);
	f = cpuid_feature_find(name);
	if (!f)
		return refuse(p, why, val, "CPU feature '%s' is not provided by irqlab-qemu", name);
	if (cpuid_edits_add(&p->o->cpuid_edits, f, set) < 0)
		return refuse(p, why, val, "too many feature settings");
	return 0;
}

int qemu_set_cpu(struct qemu_parse *p, const char *val, struct reason *why)
{
	char buf[512], *tok[PROPS_MAX];
	int n = split(val, buf, sizeof(buf), tok);

	if (n && (!strcmp(tok[0], "help") || !strcmp(tok[0], "?"))) {
		p->q->cpu_help = true;
		return 0;
	}
	if (!n)
		return refuse(p, why, val, "no CPU model");
	p->o->cpuid_edits.n = 0;   /* a later -cpu replaces an earlier one */
	if (cpu_model(p, val, tok[0], why) < 0)
		return -EINVAL;
	for (int i = 1; i < n; i++)
		if (cpu_prop(p, val, tok[i], why) < 0)
			return -EINVAL;
	return 0;
}

/* isa-debug-exit is provided at QEMU's usual place only: 0xF4, 4 ports. */
static int debug_exit_props(struct qemu_parse *p, const char *val, char **tok, int n, struct reason *why)
{
	for (int i = 1; i < n; i++) {
		const char *v;
		unsigned long x;

		key_of(tok[i], &v);
		x = v ? strtoul(v, NULL, 0) : 0;
		if (key_is(tok[i], "iobase") && x == 0xF4)
			continue;
		if (key_is(tok[i], "iosize") && (x == 1 || x == 2 || x == 4))
			continue;
		return refuse(p, why, val, "'%s' is not provided (only iobase=0xf4, iosize=0x4)", tok[i]);
	}
	p->o->debug_exit = true;
	return 0;
}

int qemu_set_device(struct qemu_parse *p, const char *val, struct reason *why)
{
	char buf[512], *tok[PROPS_MAX];
	int n = split(val, buf, sizeof(buf), tok);

	if (n && (!strcmp(tok[0], "help") || !strcmp(tok[0], "?"))) {
		p->q->device_help = true;
		return 0;
	}
	if (n && !strcmp(tok[0], "isa-debug-exit"))
		return debug_exit_props(p, val, tok, n, why);
	if (n == 1 && !strcmp(tok[0], "pc-testdev")) {
		p->o->pc_testdev = true;
		return 0;
	}
	if (n && !strcmp(tok[0], "pc-testdev"))
		return refuse(p, why, val, "pc-testdev takes no properties");
	return refuse(p, why, val, "'%s' is not a device irqlab-qemu provides (-device help lists them)",
		      n ? tok[0] : "");
}

static int smp_count(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || end == s || *end || *out < 1 || *out > 100000 ? -1 : 0;
}

/* "N", "cpus=N", maxcpus equal to it (no CPU hotplug). */
int qemu_set_smp(struct qemu_parse *p, const char *val, struct reason *why)
{
	char buf[256], *tok[PROPS_MAX];
	int n = split(val, buf, sizeof(buf), tok);
	long cpus = 1, maxcpus = 0, x;

	for (int i = 0; i < n; i++) {
		const char *v;

		key_of(tok[i], &v);
		if (!v && i == 0 && !smp_count(tok[i], &x))
			cpus = x;
		else if (key_is(tok[i], "cpus") && v && !smp_count(v, &x))
			cpus = x;
		else if (key_is(tok[i], "maxcpus") && v && !smp_count(v, &x))
			maxcpus = x;
		else
			return refuse(p, why, val, "'%s' is not provided (N, cpus=N, maxcpus=N)", tok[i]);
	}
	if (maxcpus && maxcpus != cpus)
		return refuse(p, why, val, "maxcpus must equal cpus: irqlab has no CPU hotplug");
	p->o->cpus = (int)(cpus > 100000 ? 100000 : cpus);
	return 0;
}

int qemu_set_mem(struct qemu_parse *p, const char *val, struct reason *why)
{
	const char *size = !strncmp(val, "size=", 5) ? val + 5 : val;
	uint64_t bytes = cli_parse_size(size);

	if (strchr(size, ','))
		return refuse(p, why, val, "only -m SIZE or size=SIZE is provided");
	if (bytes < LAYOUT_MEM_MIN || bytes > LAYOUT_MEM_MAX || (bytes & 0xFFF))
		return refuse(p, why, val, "irqlab provides 4M to 3G of RAM");
	p->o->mem_size = bytes;
	p->o->mem_given = true;
	return 0;
}

/* irqlab has no PIT, so none of its ticks can be lost: the one -global the runner passes. */
int qemu_set_global(struct qemu_parse *p, const char *val, struct reason *why)
{
	if (!strcmp(val, "kvm-pit.lost_tick_policy=discard"))
		return 0;
	return refuse(p, why, val, "global property not provided by irqlab-qemu");
}
