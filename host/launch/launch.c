/* SPDX-License-Identifier: MIT */
/*
 * One launch, start to finish: image, VM, guest state, devices, run, status. The two kinds of
 * image and the guest state each expects: guest_state.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gdb.h"
#include "guest_state.h"
#include "launch.h"
#include "image.h"
#include "list_static.h"
#include "kvm_stats.h"
#include "mce.h"
#include "report.h"
#include "report_meta.h"
#include "request.h"
#include "run.h"
#include "sandbox.h"
#include "session.h"
#include "progress.h"
#include "stats.h"
#include "timer_probe.h"
#include "trace.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

/* Everything one launch owns. */
struct launch {
	struct opts o;
	struct image img;
	struct elf_image elf;
	bool multiboot;
	struct vm vm;
	struct serial serial;
	struct fw_cfg fw_cfg;
	struct machine_exit mexit;
	struct report report;
	struct session session;
	struct plan *list_out;      /* launch_plan(): where --list hands the plan */
	struct platform platform;
	struct rtc rtc;                 /* multiboot kernels: the CMOS RTC every PC has */
	struct pm1 pm1;                 /* ... and the ACPI PM1 blocks their FADT names */
	struct pc_testdev *testdev;     /* -device pc-testdev (irqlab-qemu) */
	struct timer_probe timer_probe; /* how late host timers fire, for the guest's timer tests */
	struct unclaimed unclaimed;     /* accesses no device claimed, for --stats */
	struct gdb_stub *gdb;       /* --gdb */
	struct report_meta meta;    /* JSON's envelope */
};

static FILE *open_serial(const struct launch *l)
{
	const char *dest = l->o.serial_given ? l->o.serial : (l->multiboot ? "-" : NULL);
	FILE *f;

	if (!dest || !strcmp(dest, "stderr"))
		return stderr;
	if (!strcmp(dest, "-"))
		return stdout;
	if (!strcmp(dest, "none"))
		return NULL;
	f = fopen(dest, "w");
	if (!f)
		die_errno(EXIT_USAGE, "--serial %s", dest);
	return f;
}

/* Multiboot kernels: debug-exit's value, else how the run failed. Native guests: the report. */
static int final_status(struct launch *l)
{
	bool crashed = l->report.crash != OUT_NOT_RUN;

	if (l->session.usage_error)
		return EXIT_USAGE;
	if (l->multiboot && l->report.signo)  /* native guests: report_finish() says the same */
		return 128 + l->report.signo;
	if (session_finish_list(&l->session, l->list_out))  /* --list, kept to the protocol */
		return EXIT_PASS;
	if (l->multiboot && !l->report.hello_ns) {  /* a crash makes a plan too: HELLO decides */
		if (l->mexit.kind != MEXIT_NONE)
			return machine_exit_status(&l->mexit, l->o.qemu_status);
		if (l->o.qemu_status)  /* QEMU asleep without a wake event ends at the runner's timeout */
			return l->report.crash == OUT_TIMEOUT || pm1_is_asleep(&l->pm1) ? 124 : 0;
		return crashed ? EXIT_GUEST : EXIT_TEST_FAILED;
	}
	if (l->mexit.kind != MEXIT_NONE && !crashed)
		report_done(&l->report, machine_exit_status(&l->mexit, false) != EXIT_PASS, NULL);
	return report_finish(&l->report);
}

/* The PC devices QEMU-style kernels find: the RTC and PM1 always, pc-testdev when asked for. */
static void isa_devices_init(struct launch *l, struct exit_ctx *devices)
{
	if (l->multiboot) {
		rtc_init(&l->rtc, l->o.mem_size);
		devices->rtc = &l->rtc;
		pm1_init(&l->pm1);
		devices->pm1 = &l->pm1;
	}
	if (l->o.pc_testdev) {
		l->testdev = xcalloc(1, sizeof(*l->testdev));
		pc_testdev_init(l->testdev, &l->vm.mem, l->vm.ioapic, l->vm.irq);
		devices->testdev = l->testdev;
	}
}

static void launch_free(struct launch *l)
{
	if (l->report.junit)
		fclose(l->report.junit);
	session_free(&l->session);
	free(l->testdev);
	report_free(&l->report);
	vm_destroy(&l->vm);
	image_free(&l->img);
	free(l);
}

/* The VM is built and its threads are up: open what the end of the run writes (JUnit, --stats'
 * /proc/self/status), then give up everything else before the first guest instruction
 * (docs/security.md). run_vm() calls it. */
static void enter_sandbox(void *arg)
{
	struct launch *l = arg;

	if (l->o.junit && !(l->report.junit = fopen(l->o.junit, "w")))  /* as report_finish() says it */
		die(EXIT_OUTPUT, "%s: cannot write the JUnit report: %s", l->o.junit, strerror(errno));
	if (l->o.stats)
		stats_open();
	if (l->o.no_sandbox)
		return;
	sandbox_enter(l->o.gdb != NULL);
	if (l->o.test_forbidden_syscall)
		sandbox_forbidden_call();
}

/* Everything up to the end of the run; the caller reads l->report / l->mexit after. `sandbox`:
 * false only for irqlab check's plan run, whose process goes on to fork workers that open KVM. */
static struct launch *launch_run(const struct opts *o, FILE *out, struct plan *list_out,
				 const struct plan_ref *only, bool sandbox)
{
	struct launch *l = xcalloc(1, sizeof(*l));
	struct vm_config cfg;
	struct exit_ctx devices;
	struct reason unapplied, why = { "" };

	l->o = *o;
	if (image_read(&l->img, l->o.image, l->o.mem_size, &why))    /* the kernel, untrusted */
		die(EXIT_USAGE, "%s", why.text);
	l->multiboot = guest_state_is_multiboot(&l->img, &l->o, &l->elf);  /* or native ELF64 */
	serial_init(&l->serial, open_serial(l));                     /* COM1 passthrough */
	cfg = (struct vm_config){ l->o.cpus, l->o.mem_size, l->o.split_irqchip, l->o.vendor,
				  &l->o.cpuid_edits };
	vm_create(&l->vm, &cfg);                                     /* slots, irqchip, routes, vCPUs */
	mce_setup(&l->vm, l->o.mce_banks,                            /* machine-check banks */
		  l->o.mce_banks_given || l->o.ninject);
	if (l->multiboot)                                            /* image, info block, 32-bit BSP */
		guest_state_multiboot(&l->vm, &l->img, &l->elf, &l->o);
	else
		guest_state_native(&l->vm, &l->img, &l->elf);        /* image, tables, 64-bit BSP */
	fw_cfg_init(&l->fw_cfg, l->o.mem_size, l->o.cpus);           /* what QEMU-style kernels probe */
	report_init(&l->report, l->o.fmt, out, l->o.junit, l->img.path);
	if (l->multiboot)
		l->report.fmt = FMT_NONE;  /* serial owns stdout until the kernel says HELLO */
	if (platform_load_default(&l->platform, &unapplied) < 0)     /* known defects of this KVM */
		report_diag(&l->report, unapplied.text);             /* no platform files found */
	l->report.platform = &l->platform;
	report_meta_init(&l->meta, "run", &l->o, l->img.path, l->platform.sig);
	l->report.meta = &l->meta;
	l->session = (struct session){ .mem = &l->vm.mem, .report = &l->report, .req = &req_ops,
				       .req_opaque = &l->vm, .patterns = l->o.tests, .only = only,
				       .list = l->o.list };
	l->list_out = list_out;
	devices = (struct exit_ctx){ .session = &l->session, .report = &l->report,
				     .serial = &l->serial, .fw_cfg = &l->fw_cfg,
				     .mexit = !l->o.qemu || l->o.debug_exit ? &l->mexit : NULL,
				     .ioapic = l->vm.ioapic, .coalesced = &l->vm.coalesced,
				     .unclaimed = &l->unclaimed };
	isa_devices_init(l, &devices);                               /* RTC, pc-testdev */
	if (timer_probe_start(&l->timer_probe) == 0)                 /* before the sandbox: its priority */
		devices.timer_probe = &l->timer_probe;
	if (l->o.gdb && !l->o.list)                                  /* vCPUs wait for gdb; no --timeout */
		l->gdb = gdb_stub_start(&l->vm, l->o.gdb, l->multiboot);
	mce_start_injector(&l->vm, l->o.inject, l->o.ninject);       /* --inject-mce, if any */
	if (trace_active)
		trace_run_start(l->o.cpus, l->platform.sig);
	run_vm(&l->vm, &devices, l->gdb ? 0 : l->o.timeout_s,        /* until done, crash or timeout; */
	       sandbox ? enter_sandbox : NULL, l);                   /* seccomp, no capabilities first */
	mce_stop_injector();
	timer_probe_stop(&l->timer_probe);
	if (trace_active)
		trace_run_end(&l->vm.mem);                           /* the rings' last records */
	return l;
}

int launch(const struct opts *o, uint64_t start_ns)
{
	int status = list_static(o, stdout);                         /* --list: the file's table, no VM */
	struct launch *l;

	if (status >= 0)
		return status;
	l = launch_run(o, stdout, NULL, NULL, true);
	progress_stop();                                             /* before the summary is printed */
	status = final_status(l);                                    /* exit status, reports written */

	gdb_stub_finish(l->gdb, status);                             /* gdb sees the exit status */

	if (l->o.stats)
		stats_print(&l->vm, &l->report, l->session.request_ns, start_ns);
	if (l->o.stats)
		fprintf(stderr, "irqlab-stats: unclaimed_pio=%llu unclaimed_mmio=%llu\n",
			(unsigned long long)l->unclaimed.pio, (unsigned long long)l->unclaimed.mmio);
	vm_defer_teardown(&l->vm);                                   /* the kernel's VM teardown off our path */
	launch_free(l);
	return status;
}

/* A check states its architectural expectation as a line "expect: ..." in its log; what it
 * saw is the first other line (the first failed check). */
static void expected_line(const char *log, char *out, size_t len, char *seen, size_t seen_len)
{
	const char *p = log ? strstr(log, "expect: ") : NULL;

	*out = '\0';
	if (p && (p == log || p[-1] == '\n'))
		snprintf(out, len, "%.*s", (int)strcspn(p + 8, "\n"), p + 8);
	for (p = log; p && *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != '\0')) {
		if (!strncmp(p, "expect: ", 8))
			continue;
		snprintf(seen, seen_len, "%.*s", (int)strcspn(p, "\n"), p);
		return;
	}
}

int launch_plan(const struct opts *o, struct plan *out)
{
	FILE *null = fopen("/dev/null", "w");
	struct opts quiet = *o;
	struct launch *l;
	int status;

	quiet.list = true;
	quiet.tests = NULL;      /* the whole table */
	quiet.serial = "none";
	quiet.serial_given = true;
	memset(out, 0, sizeof(*out));
	l = launch_run(&quiet, null ? null : stdout, out, NULL, false);
	status = final_status(l);
	launch_free(l);
	if (null)
		fclose(null);
	return status;
}

/* The outcome of the test at `ref` (only it was selected), or of the crash. */
static void read_result(const struct launch *l, struct plan_ref ref, struct launch_result *res)
{
	const struct plan *plan = &l->report.plan;
	const struct plan_test *pt = NULL;

	res->outcome = OUT_NOT_RUN;
	snprintf(res->reason, sizeof(res->reason), "%s", l->report.crash_summary ? l->report.crash_summary : "");
	if (ref.suite >= 0 && ref.suite < plan->nsuites && ref.test >= 0 && ref.test < plan->suites[ref.suite].ntests)
		pt = &plan->suites[ref.suite].tests[ref.test];
	if (pt) {
		snprintf(res->name, sizeof(res->name), "%s.%s", plan->suites[ref.suite].name, pt->name);
		res->outcome = pt->outcome;
		if (pt->reason)
			snprintf(res->reason, sizeof(res->reason), "%s", pt->reason);
		snprintf(res->observed, sizeof(res->observed), "%s", res->reason);
		expected_line(pt->log, res->expected, sizeof(res->expected), res->observed, sizeof(res->observed));
	}
	if (res->outcome == OUT_NOT_RUN && l->report.crash != OUT_NOT_RUN)
		res->outcome = l->report.crash;
	if (l->report.crash != OUT_NOT_RUN)
		snprintf(res->observed, sizeof(res->observed), "%s", l->report.crash_summary);
}

int launch_one_test(const struct opts *o, struct plan_ref ref, struct launch_result *res)
{
	FILE *null = fopen("/dev/null", "w");
	struct opts quiet = *o;
	struct launch *l;

	quiet.tests = NULL;      /* selected by identity (ref), never by pattern */
	quiet.fmt = FMT_JSON;
	quiet.serial = "none";
	quiet.serial_given = true;
	quiet.junit = NULL;
	l = launch_run(&quiet, null ? null : stdout, NULL, &ref, true);
	memset(res, 0, sizeof(*res));
	res->status = final_status(l);
	read_result(l, ref, res);
	res->insn_emulation = kvm_stat(l->vm.vcpus[0].fd, "insn_emulation");
	for (int i = 0; i < l->vm.ncpus; i++)
		res->exits += l->vm.vcpus[i].exits;
	launch_free(l);
	if (null)
		fclose(null);
	return res->status;
}
