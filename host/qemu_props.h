/* SPDX-License-Identifier: MIT */
/* irqlab-qemu's options with property lists (-machine, -accel, -cpu, -device, -smp, -m, -global):
 * the setters qemu_cli.c's option table calls. Internal to the irqlab-qemu front end. */
#ifndef IRQLAB_HOST_QEMU_PROPS_H
#define IRQLAB_HOST_QEMU_PROPS_H

#include "qemu_cli.h"

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
