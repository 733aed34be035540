/* SPDX-License-Identifier: MIT */
/*
 * irqlab-qemu's option table: each QEMU option it implements, its setter and its usage line.
 * QEMU accepts -opt and --opt alike; so does this. Anything not in the table is refused.
 */
#include "qemu_cli.h"

#include <errno.h>
#include <string.h>

#include "abi/layout.h"
#include "qemu_props.h"

static int set_flag(struct qemu_parse *p, const char *val, struct reason *why)
{
	if (!strcmp(p->opt, "-h") || !strcmp(p->opt, "-help"))
		p->q->help = true;
	else if (!strcmp(p->opt, "-version"))
		p->q->version = true;
	return 0;  /* -nodefaults, -no-reboot, -enable-kvm: what irqlab does anyway */
}

/* Only "none": irqlab has no display. */
static int set_none(struct qemu_parse *p, const char *val, struct reason *why)
{
	if (strcmp(val, "none"))
		return failf(why, -EINVAL, "%s %s: irqlab-qemu has no display (only %s none)", p->opt, val, p->opt);
	return 0;
}

static int set_serial(struct qemu_parse *p, const char *val, struct reason *why)
{
	if (p->serial_set)
		return failf(why, -EINVAL, "%s %s: only one serial port (COM1) is provided", p->opt, val);
	p->serial_set = true;
	p->o->serial_given = true;
	if (!strcmp(val, "stdio"))
		p->o->serial = "-";
	else if (!strcmp(val, "none") || !strcmp(val, "null"))
		p->o->serial = "none";
	else if (!strncmp(val, "file:", 5) && val[5])
		p->o->serial = val + 5;
	else
		return failf(why, -EINVAL, "%s %s: only stdio, none, null and file:PATH are provided", p->opt, val);
	return 0;
}

/* -nographic: no display, serial on stdio unless -serial says otherwise. */
static int set_nographic(struct qemu_parse *p, const char *val, struct reason *why)
{
	if (!p->o->serial_given) {
		p->o->serial = "-";
		p->o->serial_given = true;
	}
	return 0;
}

static int set_kernel(struct qemu_parse *p, const char *val, struct reason *why)
{
	p->q->kernel = val;
	p->o->image = val;
	return 0;
}

static int set_initrd(struct qemu_parse *p, const char *val, struct reason *why)
{
	if (strchr(val, ','))
		return failf(why, -EINVAL, "%s %s: only one module is provided", p->opt, val);
	p->o->initrd = val;
	return 0;
}

static int set_append(struct qemu_parse *p, const char *val, struct reason *why)
{
	p->o->append = val;
	return 0;
}

struct qemu_option {
	const char *name;         /* with one leading '-' */
	const char *arg;          /* NULL: a flag */
	qemu_setter set;
	const char *help;
};

static const struct qemu_option options[] = {
	{ "-kernel", "FILE", set_kernel, "the multiboot kernel to boot" },
	{ "-initrd", "FILE", set_initrd, "one multiboot module" },
	{ "-append", "ARGS", set_append, "the kernel command line after argv[0]" },
	{ "-smp", "N", qemu_set_smp, "vCPUs: N, cpus=N (maxcpus, if given, equal)" },
	{ "-m", "SIZE", qemu_set_mem, "RAM, 4M-3G (a plain number is MiB); default 128M" },
	{ "-cpu", "MODEL", qemu_set_cpu, "qemu64, kvm64, host or max, then ,+feat ,-feat ,feat=on|off\n"
	  "(x2apic tsc-deadline pcid invpcid umip rdtscp), ,vendor=V" },
	{ "-machine", "PROPS", qemu_set_machine, "pc[,accel=kvm][,kernel_irqchip=on|split][,pit=off][,vmport=off]" },
	{ "-M", "PROPS", qemu_set_machine, "the same as -machine" },
	{ "-accel", "kvm", qemu_set_accel, "KVM only" },
	{ "-enable-kvm", NULL, set_flag, "KVM (always)" },
	{ "-device", "DEV", qemu_set_device, "pc-testdev, isa-debug-exit[,iobase=0xf4][,iosize=0x4]; help lists them" },
	{ "-global", "PROP", qemu_set_global, "kvm-pit.lost_tick_policy=discard only (there is no PIT)" },
	{ "-serial", "DEV", set_serial, "COM1: stdio, none, null or file:PATH (default: none)" },
	{ "-display", "none", set_none, "none only" },
	{ "-vnc", "none", set_none, "none only" },
	{ "-nographic", NULL, set_nographic, "no display; serial on stdio" },
	{ "-nodefaults", NULL, set_flag, "no default devices (there are none to drop)" },
	{ "-no-reboot", NULL, set_flag, "exit instead of rebooting (irqlab never reboots)" },
	{ "-h", NULL, set_flag, "this text" },
	{ "-help", NULL, set_flag, "this text" },
	{ "-version", NULL, set_flag, "the version" },
};

static const struct qemu_option *lookup(const char *arg)
{
	const char *name = arg[0] == '-' && arg[1] == '-' ? arg + 1 : arg;  /* --opt is -opt */

	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (!strcmp(name, options[i].name))
			return &options[i];
	return NULL;
}

static void defaults(struct opts *o, struct qemu_cli *q)
{
	*o = (struct opts){ .verb = VERB_BOOT, .boot = true, .cpus = 1, .mem_size = CLI_BOOT_DEFAULT_MEM,
			    .timeout_s = 0,               /* runners wrap QEMU in timeout(1) */
			    .qemu_status = true, .qemu = true, .serial = "none", .serial_given = true,
			    .mce_banks = MCE_DEFAULT_BANKS };
	*q = (struct qemu_cli){ 0 };
}

int qemu_cli_parse(int argc, char **argv, struct opts *o, struct qemu_cli *q, struct reason *why)
{
	struct qemu_parse p = { .o = o, .q = q };

	defaults(o, q);
	p.opt = "-cpu";
	qemu_set_cpu(&p, "qemu64", why);   /* QEMU's default model, until a -cpu replaces it */
	for (int i = 1; i < argc; i++) {
		const struct qemu_option *opt = lookup(argv[i]);
		const char *val = NULL;
		int r;

		if (argv[i][0] != '-')
			return failf(why, -EINVAL, "%s: disk images are not provided (boot a -kernel)", argv[i]);
		if (!opt)
			return failf(why, -EINVAL, "%s: invalid option", argv[i]);
		if (opt->arg && i + 1 >= argc)
			return failf(why, -EINVAL, "%s: requires an argument", argv[i]);
		if (opt->arg)
			val = argv[++i];
		p.opt = opt->name;
		r = opt->set(&p, val, why);
		if (r < 0)
			return r;
	}
	if (!q->kernel && !(q->help || q->version || q->device_help || q->machine_help || q->cpu_help))
		return failf(why, -EINVAL, "no -kernel given: irqlab-qemu boots multiboot kernels only");
	return 0;
}

bool qemu_cli_named(const char *argv0)
{
	const char *name = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;

	return !strcmp(name, "irqlab-qemu") || !strcmp(name, QEMU_PROG) || !strcmp(name, "qemu-kvm");
}

void qemu_cli_write_usage(FILE *out)
{
	fprintf(out, "QEMU emulator version %s (irqlab-qemu, irqlab %s: QEMU's command line on irqlab)\n"
		"usage: irqlab-qemu [options]\n"
		"Boots a multiboot kernel (-kernel) the way qemu-system-x86_64 -accel kvm does on its pc\n"
		"machine, with QEMU's exit statuses and error lines. Options not listed are refused.\n\n",
		QEMU_VERSION_COMPAT, IRQLAB_VERSION);
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		const struct qemu_option *opt = &options[i];
		const char *nl = strchr(opt->help, '\n');
		char left[40];

		snprintf(left, sizeof(left), "%s%s%s", opt->name, opt->arg ? " " : "", opt->arg ? opt->arg : "");
		if (nl)
			fprintf(out, "%-20s %.*s\n%-20s %s\n", left, (int)(nl - opt->help), opt->help, "", nl + 1);
		else
			fprintf(out, "%-20s %s\n", left, opt->help);
	}
}

void qemu_cli_write_devices(FILE *out)
{
	fputs("Misc devices:\n"
	      "name \"isa-debug-exit\", bus ISA\n"
	      "name \"pc-testdev\", bus ISA\n", out);
}

void qemu_cli_write_machines(FILE *out)
{
	fputs("Supported machines are:\n"
	      "pc                   Standard PC as irqlab provides it: KVM, in-kernel LAPIC and IOAPIC (default)\n", out);
}

void qemu_cli_write_cpus(FILE *out)
{
	fputs("Available CPUs:\n"
	      "x86 host                  KVM's CPUID as irqlab shows it (also: max)\n"
	      "x86 max                   the same as host\n"
	      "x86 qemu64                host without tsc-deadline, pcid, invpcid, umip, rdtscp\n"
	      "x86 kvm64                 the same as qemu64\n", out);
}
