/* SPDX-License-Identifier: MIT */
/*
 * Port protocol v1, host side. The guest is untrusted: the block is copied out of guest RAM
 * first (another vCPU may change it meanwhile), then every field is checked before use.
 */
#include "pvport.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "util.h"

/* One decoded message: the copied block plus NUL-terminated name and text. */
struct pv_in {
	struct pv_msg m;
	char name[PV_NAME_MAX + 1];
	char text[PV_TEXT_MAX + 1];
	uint32_t cpu;
	uint64_t gpa;
};

typedef const char *(*pv_handler)(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act);

uint32_t pv_port_in(void)
{
	return PV_PORT_MAGIC;
}

static const char *decode(struct pv_ctx *ctx, uint64_t gpa, struct pv_in *in)
{
	const struct pv_msg *block = mem_ptr(ctx->mem, gpa, sizeof(struct pv_msg));

	if (!block)
		return "message block outside guest RAM";
	memcpy(&in->m, block, sizeof(in->m));
	if (in->m.magic != PV_MSG_MAGIC)
		return "bad message magic";
	if (in->m.version != PV_VERSION)
		return "unsupported protocol version";
	if (in->m.cmd == 0 || in->m.cmd >= PV_CMD_COUNT)
		return "unknown command";
	if (in->m.name_len > PV_NAME_MAX || in->m.text_len > PV_TEXT_MAX)
		return "name or text length out of range";
	if (in->m.reserved != 0)
		return "reserved field is not zero";
	memcpy(in->name, in->m.name, in->m.name_len);
	in->name[in->m.name_len] = '\0';
	memcpy(in->text, in->m.text, in->m.text_len);
	in->text[in->m.text_len] = '\0';
	in->gpa = gpa;
	return NULL;
}

/* Names become KTAP test names: printable, no spaces and no '#'. */
static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == '#')
			return false;
	return true;
}

static const char *read_name(struct pv_ctx *ctx, uint64_t gpa, char *buf)
{
	if (mem_read_str(ctx->mem, gpa, buf, PV_NAME_MAX) < 0)
		return "test table: name outside RAM or too long";
	return valid_name(buf) ? NULL : "test table: name is empty or has spaces, '#' or control characters";
}

static const char *read_suite(struct pv_ctx *ctx, uint64_t gpa, struct plan_suite *suite)
{
	const struct pv_suite_desc *d = mem_ptr(ctx->mem, gpa, sizeof(*d));
	struct pv_suite_desc desc;
	const char *err;

	if (!d)
		return "test table: suite descriptor outside RAM";
	memcpy(&desc, d, sizeof(desc));  /* the guest chooses the address: maybe misaligned */
	if (desc.ntests > PV_MAX_TESTS)
		return "test table: too many tests in a suite";
	if (!mem_ptr(ctx->mem, desc.tests, (uint64_t)desc.ntests * sizeof(struct pv_test_desc)))
		return "test table: test array outside RAM";
	if ((err = read_name(ctx, desc.name, suite->name)))
		return err;
	suite->min_cpus = desc.min_cpus;
	suite->ntests = (int)desc.ntests;
	suite->tests = xcalloc(desc.ntests, sizeof(*suite->tests));
	for (uint32_t t = 0; t < desc.ntests; t++) {
		struct pv_test_desc td;

		memcpy(&td, mem_ptr(ctx->mem, desc.tests + t * sizeof(td), sizeof(td)), sizeof(td));
		if ((err = read_name(ctx, td.name, suite->tests[t].name)))
			return err;
	}
	return NULL;
}

/* Write each test's `selected` byte back into the guest's table. Descriptors are reached by
 * byte offsets: the guest's addresses need not be aligned (found by fuzz_pvport, UBSan). */
static void write_selection(struct pv_ctx *ctx, uint64_t table, const struct plan *plan)
{
	for (int s = 0; s < plan->nsuites; s++) {
		const uint8_t *d = mem_ptr(ctx->mem, table + s * sizeof(struct pv_suite_desc),
					   sizeof(struct pv_suite_desc));
		uint64_t tests;  /* another vCPU may have changed it since read_suite() */

		memcpy(&tests, d + offsetof(struct pv_suite_desc, tests), sizeof(tests));
		for (int t = 0; t < plan->suites[s].ntests; t++) {
			uint8_t *td = mem_ptr(ctx->mem, tests + t * sizeof(struct pv_test_desc),
					      sizeof(struct pv_test_desc));

			if (td)
				td[offsetof(struct pv_test_desc, selected)] = plan->suites[s].tests[t].selected;
		}
	}
}

void pv_print_list(const struct plan *plan, bool json, FILE *out)
{
	fputs(json ? "{\"suites\": [" : "", out);
	for (int s = 0; s < plan->nsuites; s++) {
		const struct plan_suite *suite = &plan->suites[s];

		if (json) {
			fprintf(out, "%s\n  {\"name\": ", s ? "," : "");
			report_json_str(out, suite->name);
			fprintf(out, ", \"min_cpus\": %u, \"tests\": [", suite->min_cpus);
		}
		for (int t = 0; t < suite->ntests; t++) {
			if (json) {
				fputs(t ? ", " : "", out);
				report_json_str(out, suite->tests[t].name);
			} else
				fprintf(out, "%s.%s\n", suite->name, suite->tests[t].name);
		}
		fputs(json ? "]}" : "", out);
	}
	fputs(json ? "\n]}\n" : "", out);
}

static const char *on_hello(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	struct plan plan = { 0 };
	const char *err = NULL;
	uint64_t table = in->m.arg[0];

	if (in->m.arg[1] > PV_MAX_SUITES)
		return "HELLO: too many suites";
	plan.nsuites = (int)in->m.arg[1];
	plan.suites = xcalloc(plan.nsuites, sizeof(*plan.suites));
	for (int s = 0; s < plan.nsuites && !err; s++)
		err = read_suite(ctx, table + s * sizeof(struct pv_suite_desc), &plan.suites[s]);
	if (err) {
		plan_free(&plan);
		return err;
	}
	if (ctx->list) {
		if (ctx->list_out)
			*ctx->list_out = plan;
		else
			pv_print_list(&plan, ctx->report->fmt == FMT_JSON, ctx->report->out);
		if (!ctx->list_out)
			plan_free(&plan);
		ctx->listed = true;
		*act = PV_STOP;
		return NULL;
	}
	if (plan_select(&plan, ctx->patterns) == 0 && ctx->patterns && *ctx->patterns) {
		warnx("--test '%s': no test matches (irqlab --list shows them)", ctx->patterns);
		ctx->usage_error = 1;
		plan_free(&plan);
		*act = PV_STOP;
		return NULL;
	}
	write_selection(ctx, table, &plan);
	if ((err = report_plan(ctx->report, &plan))) {
		plan_free(&plan);
		return err;
	}
	in->m.arg[0] = PV_VERSION;
	return NULL;
}

static const char *on_print(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	report_diag(ctx->report, in->text);
	return NULL;
}

/* A guest index or status as an int: values that do not fit become -1 (out of range), so
 * 2^32 is not taken for 0. */
static int arg_int(uint64_t v)
{
	return v > INT32_MAX ? -1 : (int)v;
}

static const char *on_suite(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	return report_suite_begin(ctx->report, arg_int(in->m.arg[0]));
}

static const char *on_test(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	return report_test_begin(ctx->report, arg_int(in->m.arg[0]));
}

static const char *on_result(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	uint64_t v = in->m.arg[0];

	return report_result(ctx->report, v > PV_XFAIL ? PV_XFAIL + 1 : (enum pv_verdict)v, in->name, in->text);
}

static const char *on_suite_end(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	return report_suite_end(ctx->report, arg_int(in->m.arg[0]));
}

static const char *on_metric(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	if (!valid_name(in->name))
		return "METRIC: bad name";
	report_metric(ctx->report, in->name, (long long)in->m.arg[0], in->text);
	return NULL;
}

/* "#GP", or "vector 48" for vectors without a mnemonic. */
static const char *vector_name(uint64_t v, char *buf, size_t len)
{
	static const char *const names[] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
		"#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	};

	if (v < ARRAY_SIZE(names))
		return names[v];
	snprintf(buf, len, "vector %llu", (unsigned long long)v);
	return buf;
}

static const char *on_fault(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	char summary[256], details[PV_TEXT_MAX + 128], vec[32];
	const uint64_t *a = in->m.arg;

	snprintf(summary, sizeof(summary), "unexpected %s(0x%llx) on cpu %u at RIP=0x%llx",
		 vector_name(a[0], vec, sizeof(vec)), (unsigned long long)a[1], in->cpu,
		 (unsigned long long)a[2]);
	snprintf(details, sizeof(details), "CR2=0x%llx RSP=0x%llx%s%s", (unsigned long long)a[3],
		 (unsigned long long)a[4], *in->text ? "\n" : "", in->text);
	report_crash(ctx->report, OUT_ERROR, summary, details);
	*act = PV_STOP;
	return NULL;
}

static const char *on_abort(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	char summary[PV_TEXT_MAX + PV_NAME_MAX + 64];

	snprintf(summary, sizeof(summary), "guest abort on cpu %u at %s:%llu: %s", in->cpu,
		 in->name, (unsigned long long)in->m.arg[0], in->text);
	for (char *p = summary; *p; p++)  /* one KTAP line: no line breaks, controls or '#' */
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '#')
			*p = ' ';
	report_crash(ctx->report, OUT_ERROR, summary, NULL);
	*act = PV_STOP;
	return NULL;
}

static const char *on_request(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	uint64_t t0 = now_ns();

	in->m.ret = request_dispatch(ctx, in->cpu, in->m.arg);
	__atomic_add_fetch(&ctx->request_ns, now_ns() - t0, __ATOMIC_RELAXED);
	return NULL;
}

static const char *on_done(struct pv_ctx *ctx, struct pv_in *in, enum pv_action *act)
{
	*act = PV_STOP;
	return report_done(ctx->report, arg_int(in->m.arg[0]));
}

static const pv_handler handlers[PV_CMD_COUNT] = {
	[PV_CMD_HELLO] = on_hello,       [PV_CMD_PRINT] = on_print,
	[PV_CMD_SUITE] = on_suite,       [PV_CMD_TEST] = on_test,
	[PV_CMD_RESULT] = on_result,     [PV_CMD_SUITE_END] = on_suite_end,
	[PV_CMD_METRIC] = on_metric,     [PV_CMD_FAULT] = on_fault,
	[PV_CMD_ABORT] = on_abort,       [PV_CMD_REQUEST] = on_request,
	[PV_CMD_DONE] = on_done,
};

/* Write the reply fields back; the block was validated to lie inside RAM. */
static void reply(struct pv_ctx *ctx, const struct pv_in *in)
{
	struct pv_msg *block = mem_ptr(ctx->mem, in->gpa, sizeof(*block));

	block->ret = in->m.ret;
	memcpy(block->arg, in->m.arg, sizeof(block->arg));
}

enum pv_action pv_port_out(struct pv_ctx *ctx, uint32_t cpu, uint64_t gpa)
{
	enum pv_action act = PV_CONTINUE;
	struct pv_in *in = xcalloc(1, sizeof(*in));
	const char *err = decode(ctx, gpa, in);
	char summary[160];

	in->cpu = cpu;
	if (!err) {
		in->m.ret = 0;
		err = handlers[in->m.cmd](ctx, in, &act);
	}
	if (err) {
		snprintf(summary, sizeof(summary), "protocol: %s (cpu %u, block 0x%llx, command %u)",
			 err, cpu, (unsigned long long)gpa, in->m.cmd);
		report_crash(ctx->report, OUT_ERROR, summary, NULL);
		act = PV_STOP;
	} else {
		reply(ctx, in);
	}
	free(in);
	return act;
}
