/* SPDX-License-Identifier: MIT */
/*
 * irqlab: run an x86-64 test kernel under KVM and report what it found.
 * The sequence, one step per line: options, image, VM, guest state, run, report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/layout.h"
#include "abi/pvport.h"
#include "boot64.h"
#include "cli.h"
#include "image.h"
#include "load_elf.h"
#include "report.h"
#include "run.h"
#include "serial.h"
#include "stats.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

static struct opts parse_args(int argc, char **argv)
{
	struct opts o;
	char err[256];

	if (cli_parse(argc, argv, &o, err, sizeof(err)) != CLI_OK)
		die(EXIT_USAGE, "%s", err);
	if (o.help) {
		fputs(cli_usage, stdout);
		exit(EXIT_PASS);
	}
	if (o.version) {
		printf("irqlab %s (port protocol v%d)\n", IRQLAB_VERSION, PV_VERSION);
		exit(EXIT_PASS);
	}
	return o;
}

static FILE *open_serial(const char *dest)
{
	FILE *f;

	if (!dest)
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

static void write_boot_state(struct vm *vm, const struct image *img, const struct elf_image *elf)
{
	struct pv_boot params = {
		.magic = PV_BOOT_MAGIC, .version = PV_VERSION, .ncpus = (uint16_t)vm->ncpus,
		.flags = vm->split_irqchip ? PV_BOOT_SPLIT_IRQCHIP : 0, .tsc_khz = vm->tsc_khz,
		.mem_bytes = vm->mem.size, .max_cpus = (uint32_t)vm->ncpus,
	};

	elf_load(img->data, elf, &vm->mem);        /* PT_LOAD segments at their physical addresses */
	boot64_write_tables(&vm->mem);             /* identity map + GDT */
	boot64_write_params(&vm->mem, &params);    /* what the guest learns about its machine */
	vcpu_setup_bsp(&vm->vcpus[0], elf->entry); /* BSP in long mode; APs wait for INIT */
}

int main(int argc, char **argv)
{
	uint64_t start_ns = now_ns();
	struct opts o = parse_args(argc, argv);
	struct vm_config cfg = { .ncpus = o.cpus, .mem_size = o.mem_size, .split_irqchip = o.split_irqchip };
	struct vm vm = { .fd = -1 };
	struct image img;
	struct elf_image elf;
	struct report report;
	struct serial serial;
	struct pv_ctx pv;
	char err[256];
	int status;

	image_read(&img, o.image, o.mem_size);                       /* the guest, untrusted */
	if (elf_parse(img.data, img.len, o.mem_size, &elf, err, sizeof(err)))
		die(EXIT_USAGE, "%s: %s", img.path, err);
	serial_init(&serial, open_serial(o.serial));                 /* COM1 passthrough */
	vm_create(&vm, &cfg);                                        /* slots, irqchip, routes, vCPUs */
	write_boot_state(&vm, &img, &elf);                           /* image, tables, BSP registers */
	report_init(&report, o.fmt, stdout, o.junit, img.path);      /* KTAP/JSON/JUnit */
	pv = (struct pv_ctx){ .mem = &vm.mem, .report = &report, .patterns = o.tests,
			      .list = o.list, .ncpus = o.cpus };
	run_vm(&vm, &pv, &serial, o.timeout_s);                      /* until DONE, crash or timeout */
	if (pv.usage_error)
		status = EXIT_USAGE;
	else if (pv.listed)
		status = EXIT_PASS;
	else
		status = report_finish(&report);
	if (o.stats)
		stats_print(&vm, &report, start_ns);
	report_free(&report);
	vm_destroy(&vm);
	image_free(&img);
	return status;
}
