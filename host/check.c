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
#include "kvm.h"
#include "launch.h"
#include "report.h"
#include "signals.h"
#include "util.h"

#define CHECK_SUITE       "check"
#define CHECK_TIMEOUT_S   2.0      /* per isolated check, unless --timeout says otherwise */
#define CHECK_CPUS        2        /* cross-CPU checks (TSC sync) need an AP */
#define CHECK_WORKERS     2
#define EMULATED_PER_EXIT 100      /* more emulated instructions per exit: CPL0 is emulated */

/* One isolated run: a forked worker builds its own VM, runs one test, sends the result back. */
struct job {
	const char *test;              /* suite.test */
	pid_t pid;
	int fd;
	bool done;                     /* its result arrived (false: interrupted first) */
	struct launch_result res;
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
		launch_one_test(o, j->test, &res);
		_exit(write(fds[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(fds[1]);
	j->fd = fds[0];
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

	j->done = true;
	close(j->fd);
	waitpid(j->pid, NULL, 0);
	if (n != sizeof(j->res)) {
		memset(&j->res, 0, sizeof(j->res));
		j->res.outcome = OUT_ERROR;
		snprintf(j->res.reason, sizeof(j->res.reason), "the check's worker died");
	}
}

/* Run every job, CHECK_WORKERS at a time, keeping their order, until a stop signal. */
static void run_jobs(struct job *jobs, int n, const struct opts *o)
{
	int started = 0, done = 0;

	while (done < n && !signals_caught()) {
		while (started < n && started - done < CHECK_WORKERS)
			job_start(&jobs[started++], o);
		if (job_wait(&jobs[done]))
			job_finish(&jobs[done++]);
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
 * insn_emulation per instruction (platform.md). Measured on a short guest run. */
static void cpl0_native(struct report *r, const struct job *probe)
{
	const struct launch_result *p = &probe->res;
	char why[256];
	bool emulated = p->insn_emulation > (int64_t)(EMULATED_PER_EXIT * (p->exits ? p->exits : 1));

	report_test_begin(r, 0);
	if (p->insn_emulation < 0) {
		report_outcome(r, OUT_SKIP, "KVM has no insn_emulation statistic");
		return;
	}
	snprintf(why, sizeof(why), "%lld instructions emulated for %llu exits: CPL0 code is %s",
		 (long long)p->insn_emulation, (unsigned long long)p->exits, emulated ? "emulated" : "native");
	report_diag(r, why);
	report_outcome(r, emulated ? OUT_FAIL : OUT_PASS, emulated ? why : "");
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

/* The probe run for the CPL0 question first (jobs[0]), then the image's check.* tests. A stop
 * signal while the image's table is read leaves no checks: the report says it was interrupted. */
static int collect_jobs(const struct opts *o, struct plan *image, struct job **jobs, char ***names)
{
	const struct plan_suite *s = NULL;
	int n = 0;

	if (launch_plan(o, image) != EXIT_PASS && !signals_caught())
		die(EXIT_USAGE, "cannot read the image's test table");
	for (int i = 0; i < image->nsuites && !signals_caught(); i++)
		if (!strcmp(image->suites[i].name, CHECK_SUITE))
			s = &image->suites[i];
	n = s ? s->ntests : 0;
	*jobs = xcalloc((size_t)n + 1, sizeof(**jobs));
	*names = xcalloc((size_t)n + 1, sizeof(**names));
	(*jobs)[0].test = "apic.version"; /* the probe: a short, harmless run */
	for (int i = 0; i < n; i++) {
		(*names)[i] = xcalloc(1, 2 * PV_NAME_MAX + 2);
		snprintf((*names)[i], 2 * PV_NAME_MAX + 2, CHECK_SUITE ".%s", s->tests[i].name);
		(*jobs)[i + 1].test = (*names)[i];
	}
	return n;
}

/* The report from the jobs' results, as far as they got: at the first job a stop signal kept
 * from finishing, the run is recorded as interrupted and report_finish() marks the rest. */
static void report_jobs(struct report *r, struct kvm *kvm, const struct cpu_facts *cf,
			const struct job *jobs, int n)
{
	const struct job *checks = jobs + 1;

	report_suite_begin(r, 0);
	print_facts(r, kvm, cf);
	if (!jobs[0].done) {
		report_interrupted(r, signals_caught());
		return;
	}
	cpl0_native(r, &jobs[0]);
	report_suite_end(r, 0);
	if (!n)
		return;
	report_suite_begin(r, 1);
	for (int i = 0; i < n; i++) {
		if (!checks[i].done) {
			report_interrupted(r, signals_caught());
			return;
		}
		report_test_begin(r, i);
		report_outcome(r, checks[i].res.outcome, checks[i].res.reason);
	}
	report_suite_end(r, 1);
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
	char **names;
	int n, status;

	if (run.timeout_s == CLI_DEFAULT_TIMEOUT_S)
		run.timeout_s = CHECK_TIMEOUT_S;
	if (run.cpus == 1)
		run.cpus = CHECK_CPUS;
	kvm_open(&kvm, NULL);
	check_cpu_facts(kvm.supported_cpuid, &cf);
	n = collect_jobs(&run, &image, &jobs, &names);
	run_jobs(jobs, n + 1, &run);
	plan.nsuites = 2;
	plan.nselected = n ? 2 : 1;   /* an image without checks: the host suite only */
	plan.suites = xcalloc(2, sizeof(*plan.suites));
	plan.suites[0] = suite_of("host", 1);
	name_test(&plan.suites[0].tests[0], "cpl0_native");
	plan.suites[1] = suite_of(CHECK_SUITE, n);
	for (int i = 0; i < n; i++)
		name_test(&plan.suites[1].tests[i], strchr(names[i], '.') + 1);
	platform_load_default(&platform);
	report_init(&r, o->fmt, stdout, o->junit, "irqlab check");
	r.platform = &platform;
	report_plan(&r, &plan);
	report_jobs(&r, &kvm, &cf, jobs, n);
	status = report_finish(&r);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(jobs);
	plan_free(&image);
	report_free(&r);
	kvm_close(&kvm);
	return status;
}
