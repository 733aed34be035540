/* SPDX-License-Identifier: MIT */
/*
 * irqlab: run an x86-64 test kernel under KVM and report what it found (`run`, the default),
 * boot a multiboot kernel (`boot`), or report what the KVM underneath does (`check`).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/pvport.h"
#include "check.h"
#include "cli.h"
#include "launch.h"
#include "signals.h"
#include "qemu_cli.h"
#include "progress.h"
#include "sandbox.h"
#include "trace.h"
#include "util.h"

/* The report is the run's product: if stdout could not take all of it (a full disk, /dev/full, a
 * closed pipe), say so in one line and never exit 0 (docs/cli.md, status 4). */
static int close_stdout(int status)
{
	int flushed = fflush(stdout), err = errno;

	if (!flushed && !ferror(stdout))
		return status;
	warnx("cannot write the report to stdout: %s", flushed ? strerror(err) : "a write failed");
	return EXIT_OUTPUT;
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	struct reason why;

	if (cli_parse(argc, argv, o, &why) < 0)
		die(EXIT_USAGE, "%s", why.text);
	if (o->help) {
		cli_write_usage(stdout);
		exit(close_stdout(EXIT_PASS));
	}
	if (o->version) {
		printf("irqlab %s (port protocol v%d)\n", IRQLAB_VERSION, PV_VERSION);
		exit(close_stdout(EXIT_PASS));
	}
}

int main(int argc, char **argv)
{
	uint64_t start_ns = now_ns();
	struct opts o;

	struct reason why;
	int status;

	sandbox_prepare();                      /* before any thread */
	if (qemu_cli_named(argv[0]))               /* QEMU's command line (docs/qemu-compat.md) */
		return qemu_main(argc, argv, start_ns);
	parse_args(&o, argc, argv);
	signals_install();                      /* SIGINT/TERM/HUP close the report (signals.h) */
	if (o.trace && trace_open(o.trace, argc, argv, &why) < 0)  /* before the sandbox */
		die(EXIT_USAGE, "%s", why.text);
	progress_start((enum progress_mode)o.progress, o.check ? "irqlab check" : "irqlab");
	status = o.check ? check_main(&o) : launch(&o, start_ns);
	progress_stop();
	if (o.trace && trace_close(&why) < 0)
		die(EXIT_OUTPUT, "%s", why.text);
	return close_stdout(status);
}
