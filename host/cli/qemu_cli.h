/* SPDX-License-Identifier: MIT */
/*
 * irqlab-qemu: QEMU's command line (the part kvm-unit-tests' runner and `-kernel` scripts use)
 * onto struct opts. Every option, machine, CPU model, feature and device it does not implement
 * is refused with one line, never ignored. Parsing never prints or exits (unit-testable);
 * qemu_main.c prints "qemu-system-x86_64: <why>" and exits 1, as QEMU does.
 */
#ifndef IRQLAB_HOST_QEMU_CLI_H
#define IRQLAB_HOST_QEMU_CLI_H

#include <stdbool.h>

#include "cli.h"
#include "qemu_props.h"
#include "util.h"


/* argv -> *o and *q. 0, or -EINVAL with one line in `why` (no program prefix). */
int qemu_cli_parse(int argc, char **argv, struct opts *o, struct qemu_cli *q, struct reason *why);

/* The device list of `-device help`, in QEMU's format. */
void qemu_cli_write_devices(FILE *out);
/* --help: a first line in QEMU's format (the runner reads the version from it), then usage. */
void qemu_cli_write_usage(FILE *out);
void qemu_cli_write_machines(FILE *out);
void qemu_cli_write_cpus(FILE *out);

/* Does argv[0] call for QEMU's command line? Its basename is irqlab-qemu, qemu-system-x86_64 or
 * qemu-kvm (a link under QEMU's own name lets scripts that hard-code it run on irqlab). */
bool qemu_cli_named(const char *argv0);

/* The program when qemu_cli_named(argv[0]). */
int qemu_main(int argc, char **argv, uint64_t start_ns);

#endif
