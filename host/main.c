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
#include "qemu_cli.h"
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

	if (qemu_cli_named(argv[0]))               /* QEMU's command line (docs/qemu-compat.md) */
		return qemu_main(argc, argv, start_ns);
	parse_args(&o, argc, argv);
	if (o.check)
		return check_main(&o);
	return launch(&o, start_ns);
}
