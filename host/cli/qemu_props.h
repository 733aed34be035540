/* SPDX-License-Identifier: MIT */
/* irqlab-qemu's options with property lists (-machine, -accel, -cpu, -device, -smp, -m, -global):
 * the setters qemu_cli.c's option table calls. Internal to the irqlab-qemu front end. */
#ifndef IRQLAB_HOST_QEMU_PROPS_H
#define IRQLAB_HOST_QEMU_PROPS_H

#include <stdbool.h>

#include "cli.h"
#include "util.h"

#define QEMU_PROG "qemu-system-x86_64"
#define QEMU_VERSION_COMPAT "7.2.0"   /* the QEMU whose command line this follows */
#define QEMU_MACHINE_MAX_CPUS 255     /* QEMU's pc machine */

/* What the command line asks for besides a run. */
struct qemu_cli {
	bool help, version;
	bool device_help, machine_help, cpu_help;   /* `-device help` / `-device ?`, ... */
	const char *kernel;                         /* -kernel FILE */
};

/* The parse in progress: what the setters fill. */
struct qemu_parse {
	struct opts *o;
	struct qemu_cli *q;
	const char *opt;          /* the option being parsed, "-device", for error lines */
	bool serial_set;
};

typedef int (*qemu_setter)(struct qemu_parse *p, const char *val, struct reason *why);

int qemu_set_machine(struct qemu_parse *p, const char *val, struct reason *why);
int qemu_set_accel(struct qemu_parse *p, const char *val, struct reason *why);
int qemu_set_cpu(struct qemu_parse *p, const char *val, struct reason *why);
int qemu_set_device(struct qemu_parse *p, const char *val, struct reason *why);
int qemu_set_smp(struct qemu_parse *p, const char *val, struct reason *why);
int qemu_set_mem(struct qemu_parse *p, const char *val, struct reason *why);
int qemu_set_global(struct qemu_parse *p, const char *val, struct reason *why);

#endif
