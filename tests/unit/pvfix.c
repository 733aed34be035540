/* SPDX-License-Identifier: MIT */
#include "pvfix.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

const struct fix_suite fix_std[2] = {
	{ "alpha", { "one", "two", NULL } },
	{ "beta", { "three", NULL } },
};

void fix_init(struct pvfix *fx, enum report_format fmt)
{
	uint8_t *ram = mmap(NULL, FIX_RAM + 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (ram == MAP_FAILED || mprotect(ram + FIX_RAM, 4096, PROT_NONE)) {
		perror("fixture RAM");
		exit(99);
	}
	memset(fx, 0, sizeof(*fx));
	fx->mem = (struct guest_mem){ .hva = ram, .size = FIX_RAM };
	fx->out = open_memstream(&fx->buf, &fx->len);
	report_init(&fx->report, fmt, fx->out, NULL, "test.elf");
	fx->session = (struct session){ .mem = &fx->mem, .report = &fx->report };
	fx->next_string = FIX_STRINGS;
	fx->next_test = FIX_TESTS;
}

void fix_free(struct pvfix *fx)
{
	session_free(&fx->session);
	report_free(&fx->report);
	fclose(fx->out);
	free(fx->buf);
	munmap(fx->mem.hva, FIX_RAM + 4096);
}

const char *fix_output(struct pvfix *fx)
{
	fflush(fx->out);
	return fx->buf;
}

static void set_field(char *dst, uint16_t *len, const char *src, size_t max)
{
	size_t n = src ? strlen(src) : 0;

	n = n > max ? max : n;
	memcpy(dst, src ? src : "", n);
	*len = (uint16_t)n;
}

struct pv_msg *fix_msg(struct pvfix *fx, uint64_t gpa, uint16_t cmd, uint64_t arg0,
		       const char *name, const char *text)
{
	struct pv_msg *m = (struct pv_msg *)(fx->mem.hva + gpa);

	memset(m, 0, sizeof(*m));
	m->magic = PV_MSG_MAGIC;
	m->version = PV_VERSION;
	m->cmd = cmd;
	m->arg[0] = arg0;
	set_field(m->name, &m->name_len, name, PV_NAME_MAX);
	set_field(m->text, &m->text_len, text, PV_TEXT_MAX);
	return m;
}

enum pv_action fix_out(struct pvfix *fx, uint64_t gpa)
{
	return session_port_out(&fx->session, 0, gpa);
}

enum pv_action fix_send(struct pvfix *fx, uint16_t cmd, uint64_t arg0, const char *name,
			const char *text)
{
	fix_msg(fx, FIX_MSG, cmd, arg0, name, text);
	return fix_out(fx, FIX_MSG);
}

uint64_t fix_string(struct pvfix *fx, const char *s)
{
	uint64_t gpa = fx->next_string;

	memcpy(fx->mem.hva + gpa, s, strlen(s) + 1);
	fx->next_string += strlen(s) + 1;
	return gpa;
}

uint64_t fix_table(struct pvfix *fx, const struct fix_suite *suites, int n)
{
	struct pv_suite_desc *d = (struct pv_suite_desc *)(fx->mem.hva + FIX_TABLE);

	for (int s = 0; s < n; s++) {
		struct pv_test_desc *td = (struct pv_test_desc *)(fx->mem.hva + fx->next_test);
		uint32_t nt = 0;

		while (suites[s].tests[nt])
			nt++;
		d[s] = (struct pv_suite_desc){ .name = fix_string(fx, suites[s].name),
					       .tests = fx->next_test, .ntests = nt, .min_cpus = 1 };
		fx->suite_tests[s] = fx->next_test;
		for (uint32_t t = 0; t < nt; t++)
			td[t] = (struct pv_test_desc){ .name = fix_string(fx, suites[s].tests[t]),
						       .fn = 0x100000 + t, .selected = 0xEE };
		fx->next_test += nt * sizeof(*td);
	}
	return FIX_TABLE;
}

enum pv_action fix_hello(struct pvfix *fx, const struct fix_suite *suites, int n)
{
	struct pv_msg *m = fix_msg(fx, FIX_MSG, PV_CMD_HELLO, fix_table(fx, suites, n), NULL, NULL);

	m->arg[1] = (uint64_t)n;
	return fix_out(fx, FIX_MSG);
}

uint8_t fix_selected(struct pvfix *fx, int suite, int test)
{
	const struct pv_test_desc *td = (const struct pv_test_desc *)(fx->mem.hva + fx->suite_tests[suite]);

	return td[test].selected;
}

void fix_start(struct pvfix *fx, enum report_format fmt, const struct fix_suite *suites, int n)
{
	fix_init(fx, fmt);
	fix_hello(fx, suites, n);
	fix_send(fx, PV_CMD_SUITE, 0, suites[0].name, NULL);
}

int fix_done(struct pvfix *fx, uint64_t exit)
{
	fix_send(fx, PV_CMD_DONE, exit, NULL, NULL);
	return report_finish(&fx->report);
}

enum pv_action fix_test(struct pvfix *fx, int t, const char *name, enum pv_verdict v, const char *text)
{
	if (fix_send(fx, PV_CMD_TEST, (uint64_t)t, name, NULL) != PV_CONTINUE)
		return PV_STOP;
	return fix_send(fx, PV_CMD_RESULT, v, name, text);
}

void fix_suite1(struct pvfix *fx, int s, const char *suite, int t, const char *test, enum pv_verdict v,
		const char *text)
{
	fix_send(fx, PV_CMD_SUITE, (uint64_t)s, suite, NULL);
	fix_test(fx, t, test, v, text);
	fix_send(fx, PV_CMD_SUITE_END, (uint64_t)s, NULL, NULL);
}

void fix_run_std(struct pvfix *fx, enum pv_verdict v1, enum pv_verdict v2, enum pv_verdict v3)
{
	fix_hello(fx, fix_std, 2);
	fix_send(fx, PV_CMD_SUITE, 0, "alpha", NULL);
	fix_test(fx, 0, "one", v1, v1 == PV_PASS ? NULL : "reason one");
	fix_test(fx, 1, "two", v2, v2 == PV_PASS ? NULL : "reason two");
	fix_send(fx, PV_CMD_SUITE_END, 0, NULL, NULL);
	fix_suite1(fx, 1, "beta", 0, "three", v3, v3 == PV_PASS ? NULL : "reason three");
	fix_send(fx, PV_CMD_DONE, 0, NULL, NULL);
}

const char *fix_proto_line(const char *what, uint64_t gpa, unsigned cmd)
{
	static char line[256];

	snprintf(line, sizeof(line), "protocol: %s (cpu 0, block 0x%llx, command %u)", what,
		 (unsigned long long)gpa, cmd);
	return line;
}
