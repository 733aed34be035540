/* SPDX-License-Identifier: MIT */
/* Command line: `irqlab [run|boot] [options] [IMAGE]`. Parsing never exits or prints, so it is
 * unit-testable; main.c turns a CLI_ERROR into one line on stderr and exit 2. */
#ifndef IRQLAB_HOST_CLI_H
#define IRQLAB_HOST_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_cpuid.h"
#include "mce.h"
#include "report.h"

#define CLI_DEFAULT_TIMEOUT_S 30.0
#define CLI_BOOT_DEFAULT_MEM (128ull << 20) /* multiboot kernels expect QEMU's 128 MiB */
#define CLI_MAX_CPUS 4096
#define CLI_MAX_INJECT 16

struct opts {
	const char *image;        /* NULL: the built-in guest */
	int cpus;
	uint64_t mem_size;
	bool split_irqchip;
	double timeout_s;         /* 0: no limit */
	const char *tests;        /* --test patterns, comma-separated */
	bool list;
	enum report_format fmt;
	const char *junit;
	const char *serial;       /* NULL: stderr; "-": stdout; "none"; else a file */
	bool stats;               /* --stats: timing and memory line on stderr */
	bool boot;                /* `irqlab boot`: the image is a multiboot kernel */
	bool check;               /* `irqlab check`: report what this KVM does */
	const char *append;       /* --append: kernel arguments after argv[0] */
	const char *initrd;       /* --initrd: one multiboot module (an env file, say) */
	bool qemu_status;         /* --exit-status qemu: exit as QEMU would */
	enum cpu_vendor vendor;   /* --cpu-vendor */
	bool mem_given, serial_given;
	int mce_banks;            /* --mce-banks (default MCE_DEFAULT_BANKS; 0 = none) */
	bool mce_banks_given;
	struct mce_spec inject[CLI_MAX_INJECT]; /* --inject-mce, in order */
	int ninject;
	bool help, version;
	bool no_sandbox;          /* --no-sandbox: no seccomp filter, capabilities kept (debugging) */
	bool test_forbidden_syscall; /* --test-forbidden-syscall: test-only, docs/security.md */
};

enum cli_result { CLI_OK, CLI_ERROR };

enum cli_result cli_parse(int argc, char **argv, struct opts *o, char *err, size_t errlen);

/* Parse "64M", "1G", "512K", or a plain number of MiB. Returns 0 on error. */
uint64_t cli_parse_size(const char *s);

extern const char cli_usage[];

#endif
