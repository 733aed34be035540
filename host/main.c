/* SPDX-License-Identifier: MIT */
/*
 * irqlab: run an x86-64 test kernel under KVM and report what it found (`run`, the default),
 * boot a multiboot kernel (`boot`), or report what the KVM underneath does (`check`).
 */
#include <stdio.h>
#include <stdlib.h>

#include "abi/pvport.h"
#include "check.h"
#include "cli.h"
#include "launch.h"
#include "progress.h"
#include "trace.h"
#include "util.h"

static void parse_args(struct opts *o, int argc, char **argv)
{
	struct reason why;

	if (cli_parse(argc, argv, o, &why) < 0)
		die(EXIT_USAGE, "%s", why.text);
	if (o->help) {
		cli_write_usage(stdout);
		exit(EXIT_PASS);
	}
	if (o->version) {
		printf("irqlab %s (port protocol v%d)\n", IRQLAB_VERSION, PV_VERSION);
		exit(EXIT_PASS);
	}
}

int main(int argc, char **argv)
{
	uint64_t start_ns = now_ns();
	struct opts o;

	struct reason why;
	int status;

	parse_args(&o, argc, argv);
	if (o.trace && trace_open(o.trace, argc, argv, &why) < 0)
		die(EXIT_USAGE, "%s", why.text);
	progress_start((enum progress_mode)o.progress, o.check ? "irqlab check" : "irqlab");
	status = o.check ? check_main(&o) : launch(&o, start_ns);
	progress_stop();
	if (o.trace && trace_close(&why) < 0)
		die(EXIT_GUEST, "%s", why.text);
	return status;
}
