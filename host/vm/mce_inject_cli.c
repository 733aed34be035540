/* SPDX-License-Identifier: MIT */
/* --inject-mce: machine checks injected by the user at a chosen time, for experiments. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "signals.h"
#include "mce.h"
#include "trace.h"
#include "util.h"
#include "vm.h"

static int set_field(struct mce_spec *s, const char *key, uint64_t v, unsigned *seen)
{
	static const char *const keys[] = { "cpu", "bank", "status", "addr", "misc", "mcg", "after" };
	uint64_t *dst[] = { NULL, NULL, &s->m.status, &s->m.addr, &s->m.misc, &s->m.mcg_status, NULL };

	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(key, keys[i]))
			continue;
		if (i == 0 || i == 1 || i == 6) {
			if (v > 0xFFFFFFFFull)
				return -1;
			*(i == 0 ? &s->m.cpu : i == 1 ? &s->m.bank : &s->after_ms) = (uint32_t)v;
		} else {
			*dst[i] = v;
		}
		*seen |= 1u << i;
		return 0;
	}
	return -1;
}

int mce_parse_spec(const char *spec, struct mce_spec *out, struct reason *why)
{
	char buf[512], *save = NULL, *item;
	unsigned seen = 0;

	memset(out, 0, sizeof(*out));
	if (strlen(spec) >= sizeof(buf))
		return failf(why, -EINVAL, "--inject-mce: spec longer than %zu characters", sizeof(buf) - 1);
	snprintf(buf, sizeof(buf), "%s", spec);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *end;
		uint64_t v;

		if (!eq)
			return failf(why, -EINVAL, "--inject-mce: '%s' is not key=value", item);
		*eq = '\0';
		errno = 0;
		v = strtoull(eq + 1, &end, 0);
		if (errno || end == eq + 1 || *end || set_field(out, item, v, &seen))
			return failf(why, -EINVAL, "--inject-mce: bad field '%s=%s' (keys: cpu bank status addr misc mcg after)",
				    item, eq + 1);
	}
	if ((seen & 7) != 7)
		return failf(why, -EINVAL, "--inject-mce: cpu, bank and status are required");
	return 0;
}

static struct {
	pthread_t thread;
	bool running, stop;
	struct vm *vm;
	const struct mce_spec *specs;
	int n;
} injector;

static void say(const struct mce_spec *s, const char *what)
{
	fprintf(stderr, "irqlab: --inject-mce cpu=%u bank=%u status=0x%llx: %s\n", s->m.cpu, s->m.bank,
		(unsigned long long)s->m.status, what);
}

static void *inject_thread(void *arg)
{
	uint64_t start = now_ns();
	int i;

	for (i = 0; i < injector.n; i++) {
		const struct mce_spec *s = &injector.specs[i];
		uint64_t due = start + (uint64_t)s->after_ms * 1000000ull;
		int r;

		while (now_ns() < due && !__atomic_load_n(&injector.stop, __ATOMIC_ACQUIRE))
			usleep(1000);
		if (__atomic_load_n(&injector.stop, __ATOMIC_ACQUIRE))
			break;
		uint64_t t0 = now_ns();

		r = mce_inject(injector.vm, NULL, &s->m);
		say(s, r ? strerror(-r) : "injected");
		if (trace_active) {
			char args[128];

			snprintf(args, sizeof(args), "\"bank\": %u, \"status\": \"0x%llx\", \"ret\": %d", s->m.bank,
				 (unsigned long long)s->m.status, r);
			trace_span((int)s->m.cpu, "--inject-mce", t0, now_ns(), args);
		}
	}
	for (; i < injector.n; i++) /* never silently: the user asked for these */
		say(&injector.specs[i], "not injected: the run ended first");
	return arg;
}

void mce_start_injector(struct vm *vm, const struct mce_spec *specs, int n)
{
	sigset_t mask;

	if (n <= 0)
		return;
	injector.vm = vm;
	injector.specs = specs;
	injector.n = n;
	signals_block(&mask);  /* SIGINT/SIGTERM/SIGHUP are the main thread's (signals.h) */
	injector.running = pthread_create(&injector.thread, NULL, inject_thread, NULL) == 0;
	signals_unblock(&mask);
}

void mce_stop_injector(void)
{
	if (!injector.running)
		return;
	__atomic_store_n(&injector.stop, true, __ATOMIC_RELEASE);
	pthread_join(injector.thread, NULL);
	injector.running = false;
}
