/* SPDX-License-Identifier: MIT */
#include "check.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_facts.h"
#include "image.h"
#include "kvm.h"
#include "launch.h"
#include "progress.h"
#include "report.h"
#include "report_meta.h"
#include "signals.h"
#include "trace.h"
#include "util.h"

#define CHECK_SUITE       "check"
#define CHECK_TIMEOUT_S   2.0      /* per isolated check, unless --timeout says otherwise */
#define CHECK_WORKERS     2
#define EMULATED_PER_EXIT 100      /* more emulated instructions per exit: CPL0 is emulated */

/* One isolated run: a forked worker builds its own VM, runs one test, sends the result back. */
struct job {
	struct plan_ref ref;           /* the test, by its place in the image's table */
	char name[2 * PV_NAME_MAX + 2];  /* suite.test it had there */
	pid_t pid;
	int fd;
	bool done;                     /* its result arrived (false: interrupted first) */
	struct launch_result res;
	uint64_t t0;                   /* --trace: when it started */
};

static void job_start(struct job *j, const struct opts *o)
{
	int fds[2];

	if (pipe(fds) < 0 || (j->pid = fork()) < 0)
		die_errno(EXIT_USAGE, "cannot start a check worker");
	if (j->pid == 0) {
		struct launch_result res;

		close(fds[0]);
		signals_after_fork();  /* its own signals must not wake the parent's poll */
		progress_active = false;       /* the parent draws the line */
		launch_one_test(o, j->ref, &res);
		_exit(write(fds[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(fds[1]);
	j->fd = fds[0];
	j->t0 = now_ns();
}

/* The worker ran the test at j->ref: it must still be j->name there (a guest may present another
 * table on each run). A run that crashed before its table was read keeps its crash. */
static void same_test(struct job *j)
{
	struct launch_result *res = &j->res;

	if (!*j->name || !strcmp(res->name, j->name) || (!*res->name && res->outcome != OUT_NOT_RUN))
		return;
	res->outcome = OUT_ERROR;
	if (*res->name)
		snprintf(res->reason, sizeof(res->reason), "the image's test table changed: %s is now %s", j->name,
			 res->name);
	else
		snprintf(res->reason, sizeof(res->reason), "the image's test table changed: no %s", j->name);
	snprintf(res->observed, sizeof(res->observed), "%s", res->reason);
}

/* Wait for the worker's result, or for SIGINT/SIGTERM/SIGHUP: false if a signal came first. */
static bool job_wait(const struct job *j)
{
	struct pollfd p[2] = { { .fd = j->fd, .events = POLLIN }, { .fd = signals_fd(), .events = POLLIN } };

	while (!signals_caught()) {
		if (poll(p, p[1].fd >= 0 ? 2 : 1, 100) > 0 && p[0].revents)
			return true;
	}
	return false;
}

/* An interrupted run: the workers still running die with it (their VMs' results are moot). */
static void job_kill(struct job *j)
{
	kill(j->pid, SIGKILL);
	close(j->fd);
	waitpid(j->pid, NULL, 0);
}

static void job_finish(struct job *j)
{
	ssize_t n = read(j->fd, &j->res, sizeof(j->res));

	close(j->fd);
	waitpid(j->pid, NULL, 0);
	j->done = true;
	if (n != sizeof(j->res)) {
		memset(&j->res, 0, sizeof(j->res));
		j->res.outcome = OUT_ERROR;
		snprintf(j->res.reason, sizeof(j->res.reason), "the check's worker died");
	} else {
		same_test(j);
	}
}

static void trace_check_job(int worker, const char *name, uint64_t t0, const struct launch_result *res)
{
	char args[sizeof(res->reason) + 64], reason[sizeof(res->reason)];
	size_t o = 0;

	for (const char *p = res->reason; *p && o + 2 < sizeof(reason); p++)  /* JSON-safe */
		reason[o++] = *p == '"' || *p == '\\' || (unsigned char)*p < 0x20 ? ' ' : *p;
	reason[o] = '\0';
	snprintf(args, sizeof(args), "\"outcome\": %d, \"exits\": %llu, \"reason\": \"%s\"", (int)res->outcome,
		 (unsigned long long)res->exits, reason);
	trace_worker_span(worker, *name ? name : "host.cpl0_native", t0, now_ns(), args);
}

/* Run every job, CHECK_WORKERS at a time, keeping their order (so job i and job i + 2 never
 * overlap: i % CHECK_WORKERS is a worker's trace track), until a stop signal. */
static void run_jobs(struct job *jobs, int n, const struct opts *o)
{
	int started = 0, done = 0;

	while (done < n && !signals_caught()) {
		while (started < n && started - done < CHECK_WORKERS)
			job_start(&jobs[started++], o);
		if (!job_wait(&jobs[done]))
			continue;
		job_finish(&jobs[done]);
		if (trace_active)
			trace_check_job(done % CHECK_WORKERS, jobs[done].name, jobs[done].t0, &jobs[done].res);
		done++;
		if (progress_active)
			progress_count("checks", done, n);
	}
	while (done < started)
		job_kill(&jobs[done++]);
}

static struct plan_suite suite_of(const char *name, int ntests)
{
	struct plan_suite s = { .ntests = ntests, .nselected = ntests };

	snprintf(s.name, sizeof(s.name), "%s", name);
	s.tests = xcalloc((size_t)ntests, sizeof(*s.tests));
	return s;
}

static void name_test(struct plan_test *t, const char *name)
{
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->selected = true;
}

static void print_facts(struct report *r, struct kvm *kvm, const struct cpu_facts *cf)
{
	const struct check_fact *f;
	char line[256];
	int n;

	snprintf(line, sizeof(line), "KVM API version %d; vCPU run area %d bytes", KVM_API_VERSION, kvm->run_size);
	report_diag(r, line);
	f = check_facts(&n);
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%-34s %6d %-6s %s", f[i].name, kvm_cap(kvm->fd, f[i].cap), f[i].unit, f[i].what);
		report_diag(r, line);
		report_record_metric(r, f[i].name, kvm_cap(kvm->fd, f[i].cap), f[i].unit);
	}
	snprintf(line, sizeof(line), "guest CPU vendor %s; VMX %s, SVM %s: nested virtualization one level down is %s",
		 cf->guest_vendor, cf->vmx ? "offered" : "not offered", cf->svm ? "offered" : "not offered",
		 cf->vmx || cf->svm ? "available" : "not available");
	report_diag(r, line);
	snprintf(line, sizeof(line), "this host %s%s%s", cf->host_nested ? "runs under a hypervisor: " : "runs on bare metal",
		 cf->host_hypervisor, cf->host_nested ? " (KVM here is nested)" : "");
	report_diag(r, line);
}

/* CPL0 guest code runs natively under hardware virtualization; an emulating KVM counts one
 * insn_emulation per instruction (docs/kvm-pvm.md). Measured on a short guest run. */
static void cpl0_native(struct report *r, const struct job *probe)
{
	const struct launch_result *p = &probe->res;
	char why[256];
	bool emulated = p->insn_emulation > (int64_t)(EMULATED_PER_EXIT * (p->exits ? p->exits : 1));

	report_test_begin(r, 0, NULL);
	if (probe->ref.suite < 0) {
		report_outcome(r, OUT_SKIP, "the image has no apic.version test to time", NULL);
		return;
	}
	if (p->insn_emulation < 0) {
		report_outcome(r, OUT_SKIP, "KVM has no insn_emulation statistic", NULL);
		return;
	}
	snprintf(why, sizeof(why), "%lld instructions emulated for %llu exits: CPL0 code is %s",
		 (long long)p->insn_emulation, (unsigned long long)p->exits, emulated ? "emulated" : "native");
	report_diag(r, why);
	report_outcome(r, emulated ? OUT_FAIL : OUT_PASS, emulated ? why : "", NULL);
}

static const char *verdict_name(enum outcome o)
{
	return o == OUT_PASS ? "ok" : o == OUT_XFAIL ? "XFAIL (known)" : o == OUT_SKIP ? "skip" : "DEPARTS";
}

static void print_table(struct report *r, const struct plan_suite *checks, const struct job *jobs)
{
	char line[512];

	report_diag(r, "");
	snprintf(line, sizeof(line), "%-20s %-48s %-13s %s", "check", "expected", "verdict", "observed");
	report_diag(r, line);
	for (int i = 0; i < checks->ntests; i++) {
		const struct launch_result *res = &jobs[i].res;
		const struct plan_test *t = &checks->tests[i];
		const char *obs = res->outcome == OUT_PASS ? "as expected" : res->observed;

		snprintf(line, sizeof(line), "%-20.20s %-48.48s %-13s %s", t->name,
			 *res->expected ? res->expected : "as the SDM says", verdict_name(t->outcome), obs);
		report_diag(r, line);
	}
}

/* jobs[0]: the probe run for the CPL0 question (apic.version, a short harmless run; none if the
 * image lacks it); then the image's check.* tests that --test selects, each by its place in the
 * table. A stop signal while the table is read leaves no checks: the report says it was
 * interrupted. Returns the number of checks. */
static int collect_jobs(const struct opts *o, struct plan *image, struct job **jobs)
{
	const struct plan_suite *s = NULL;
	int n = 0, si = -1;

	if (launch_plan(o, image) != EXIT_PASS && !signals_caught())
		die(EXIT_USAGE, "cannot read the image's test table");
	for (int i = 0; i < image->nsuites && !signals_caught(); i++)
		if (!strcmp(image->suites[i].name, CHECK_SUITE))
			s = &image->suites[si = i];
	*jobs = xcalloc((size_t)(s ? s->ntests : 0) + 1, sizeof(**jobs));
	if (plan_find(image, "apic", "version", &(*jobs)[0].ref) < 0)
		(*jobs)[0].ref = (struct plan_ref){ -1, -1 };
	for (int i = 0; s && i < s->ntests; i++) {
		struct job *j = &(*jobs)[n + 1];

		if (!plan_match(o->tests, CHECK_SUITE, s->tests[i].name))  /* --test: some checks only */
			continue;
		j->ref = (struct plan_ref){ si, i };
		snprintf(j->name, sizeof(j->name), CHECK_SUITE ".%s", s->tests[i].name);
		n++;
	}
	if (!n && o->tests && !signals_caught())
		die(EXIT_USAGE, "--test '%s': no check matches (irqlab --list --test check shows them)", o->tests);
	return n;
}

/* The report from the jobs' results, as far as they got: at the first job a stop signal kept
 * from finishing, the run is recorded as interrupted and report_finish() marks the rest. */
static void report_jobs(struct report *r, struct kvm *kvm, const struct cpu_facts *cf,
			const struct job *jobs, int n)
{
	const struct job *checks = jobs + 1;

	report_suite_begin(r, 0, NULL);
	print_facts(r, kvm, cf);
	if (!jobs[0].done) {
		report_interrupted(r, signals_caught());
		return;
	}
	cpl0_native(r, &jobs[0]);
	report_suite_end(r, 0, NULL);
	if (!n)
		return;
	report_suite_begin(r, 1, NULL);
	for (int i = 0; i < n; i++) {
		if (!checks[i].done) {
			report_interrupted(r, signals_caught());
			return;
		}
		report_test_begin(r, i, NULL);
		report_outcome(r, checks[i].res.outcome, checks[i].res.reason, NULL);
	}
	report_suite_end(r, 1, NULL);
	print_table(r, &r->plan.suites[1], checks);
}

int check_main(const struct opts *o)
{
	struct opts run = *o;
	struct kvm kvm;
	struct cpu_facts cf;
	struct plan image = { 0 }, plan = { 0 };
	struct platform platform;
	struct report r;
	struct job *jobs;
	struct reason unapplied;
	struct report_meta meta;
	char *image_path_s;
	bool no_platform;
	int n, status;

	if (run.timeout_s == CLI_DEFAULT_TIMEOUT_S)
		run.timeout_s = CHECK_TIMEOUT_S;
	image_path_s = image_path(o->image);
	report_meta_init(&meta, "check", o, image_path_s, NULL);  /* JSON's envelope; the start */
	kvm_open(&kvm, NULL);
	check_cpu_facts(kvm.supported_cpuid, &cf);
	n = collect_jobs(&run, &image, &jobs);
	run_jobs(jobs, n + 1, &run);
	progress_stop();
	plan.nsuites = 2;
	plan.nselected = n ? 2 : 1;   /* an image without checks: the host suite only */
	plan.suites = xcalloc(2, sizeof(*plan.suites));
	plan.suites[0] = suite_of("host", 1);
	name_test(&plan.suites[0].tests[0], "cpl0_native");
	plan.suites[1] = suite_of(CHECK_SUITE, n);
	for (int i = 0; i < n; i++)
		name_test(&plan.suites[1].tests[i], strchr(jobs[i + 1].name, '.') + 1);
	no_platform = platform_load_default(&platform, &unapplied) < 0;
	report_init(&r, o->fmt, stdout, o->junit, "irqlab check");
	r.platform = &platform;
	r.meta = &meta;
	if (no_platform)
		report_diag(&r, unapplied.text);
	report_plan(&r, &plan, NULL);
	report_jobs(&r, &kvm, &cf, jobs, n);
	status = report_finish(&r);
	free(jobs);
	plan_free(&image);
	report_free(&r);
	free(image_path_s);
	kvm_close(&kvm);
	return status;
}
