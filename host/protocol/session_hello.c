/* SPDX-License-Identifier: MIT */
/* The session at HELLO: the guest's test table becomes the plan, --test selects from it (and
 * the choice is written back into the table), or --list keeps it for the end of the run. */
#include "session.h"

#include <errno.h>
#include <string.h>

#include "pv_decode.h"
#include "report_meta.h"

static int read_plan(struct session *s, const struct pv_event *ev, struct plan *plan,
		     struct reason *why)
{
	int err = 0;

	plan->nsuites = ev->u.hello.nsuites;
	plan->suites = xcalloc((size_t)plan->nsuites, sizeof(*plan->suites));
	for (int i = 0; i < plan->nsuites && !err; i++) {
		struct plan_suite *suite = &plan->suites[i];
		struct pv_suite d;

		err = pv_read_suite(s->mem, ev->u.hello.table, i, &d, why);
		if (err)
			break;
		snprintf(suite->name, sizeof(suite->name), "%s", d.name);
		suite->min_cpus = d.min_cpus;
		suite->ntests = d.ntests;
		suite->tests = xcalloc((size_t)d.ntests, sizeof(*suite->tests));
		for (int t = 0; t < d.ntests && !err; t++)
			err = pv_read_test(s->mem, &d, t, suite->tests[t].name, why);
	}
	return err;
}

static void write_selection(struct session *s, uint64_t table, const struct plan *plan)
{
	for (int i = 0; i < plan->nsuites; i++)
		for (int t = 0; t < plan->suites[i].ntests; t++)
			pv_write_selected(s->mem, table, i, t, plan->suites[i].tests[t].selected);
}

int session_hello(struct session *s, struct pv_event *ev, enum pv_action *act, struct reason *why)
{
	struct plan plan = { 0 };
	int err;

	if (__atomic_exchange_n(&s->hello_seen, true, __ATOMIC_ACQ_REL))
		return failf(why, -EPROTO, "HELLO sent twice");
	if ((err = read_plan(s, ev, &plan, why)))
		goto out;
	if (s->only)
		plan_select_ref(&plan, *s->only);  /* nothing if not in the table: the guest just ends */
	else if (plan_select(&plan, s->patterns) == 0 && s->patterns && *s->patterns) {
		warnx("--test '%s': no test matches (irqlab --list shows them)", s->patterns);
		s->usage_error = true;
		*act = PV_STOP;
		goto out;
	}
	if (s->list) {                    /* printed at the end, if the run keeps to the protocol */
		if (s->patterns && *s->patterns)
			plan_keep_selected(&plan); /* --list --test: what the patterns select */
		s->listed = plan;
		s->have_listed = true;
		*act = PV_STOP;
		return 0;
	}
	write_selection(s, ev->u.hello.table, &plan);
	if ((err = report_plan(s->report, &plan, why)))
		goto out;
	ev->arg[0] = PV_VERSION;
	return 0;
out:
	plan_free(&plan);
	return err;
}

bool session_finish_list(struct session *s, struct plan *out)
{
	if (!s->have_listed || s->report->crash != OUT_NOT_RUN)
		return false;
	if (out) {
		*out = s->listed;
		memset(&s->listed, 0, sizeof(s->listed));
		s->have_listed = false;
	} else {
		struct report_meta fallback;

		session_print_list(&s->listed, s->report->fmt == FMT_JSON ?
				   report_meta_of(s->report, &fallback) : NULL, s->report->out);
	}
	return true;
}

void session_print_list(const struct plan *plan, const struct report_meta *json, FILE *out)
{
	int ntests = 0;

	if (json) {
		fputc('{', out);
		report_meta_json(out, json, "list");
		fputs(",\n  \"suites\": [", out);
	}
	for (int i = 0; i < plan->nsuites; i++) {
		const struct plan_suite *suite = &plan->suites[i];

		if (json) {
			fprintf(out, "%s\n  {\"name\": ", i ? "," : "");
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
		ntests += suite->ntests;
	}
	if (json)  /* nothing ran: every outcome 0 (docs/results.md) */
		fprintf(out, "\n],\n  \"totals\": {\"tests\": %d, \"pass\": 0, \"fail\": 0, \"xfail\": 0, "
			"\"xpass\": 0, \"skip\": 0, \"error\": 0, \"timeout\": 0, \"not_run\": 0}}\n", ntests);
	fflush(out);
}
