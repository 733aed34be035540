/* SPDX-License-Identifier: MIT */
/* Command line: `irqlab [run|boot|check] [options] [IMAGE]`. One table (cli_opts.c) drives both
 * the parser and the usage text. Parsing never exits or prints, so it is unit-testable; main.c
 * turns a failure into one line on stderr and exit 2. */
#ifndef IRQLAB_HOST_CLI_H
#define IRQLAB_HOST_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <abi/pvport.h>

#include "guest_cpuid.h"
#include "mce.h"
#include "report.h"
#include "util.h"

#define CLI_DEFAULT_TIMEOUT_S 30.0
#define CLI_BOOT_DEFAULT_MEM (128ull << 20) /* multiboot kernels expect QEMU's 128 MiB */
/* vCPUs: run and check take 2, so that the SMP and IPI suites and the cross-CPU checks (TSC
 * sync) run by default (the project's machines have 2 cores); boot takes 1, as QEMU's -smp. */
#define CLI_DEFAULT_CPUS 2
#define CLI_BOOT_DEFAULT_CPUS 1
#define CLI_MAX_CPUS IRQLAB_MAX_CPUS /* the guest's per-CPU arrays (include/abi/pvport.h) */
#define CLI_MAX_INJECT 16

/* The command: the first argument, `run` when it is none of them. */
enum cli_verb { VERB_RUN = 1u << 0, VERB_BOOT = 1u << 1, VERB_CHECK = 1u << 2 };
#define VERB_ALL (VERB_RUN | VERB_BOOT | VERB_CHECK)

struct opts {
	enum cli_verb verb;
	const char *image;        /* NULL: the built-in guest */
	int cpus;
	uint64_t mem_size;
	bool split_irqchip;
	double timeout_s;         /* 0: no limit */
	const char *tests;        /* --test patterns, comma-separated, none empty */
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
	const char *gdb;          /* --gdb [HOST:]PORT (gdb.h) */
	bool help, version;
	bool no_sandbox;          /* --no-sandbox: no seccomp filter, capabilities kept (debugging) */
	bool test_forbidden_syscall; /* --test-forbidden-syscall: test-only, docs/security.md */
	bool qemu;                /* irqlab-qemu: only the devices its -device options name */
	bool pc_testdev, debug_exit; /* irqlab-qemu -device pc-testdev, isa-debug-exit */
	struct cpuid_edits cpuid_edits; /* irqlab-qemu -cpu MODEL,+feat,-feat */
	const char *trace;        /* --trace FILE: Chrome trace-event JSON (host/report/trace.h) */
	int progress;             /* enum progress_mode: --progress, --quiet, else by isatty(2) */
};

/*
 * One row of the option table. A row with a name is an option; one without is a heading of the
 * usage text. Adding an option is adding one row (docs/architecture.md).
 */
struct cli_option {
	const char *name;         /* long name without "--"; NULL: a section heading */
	char short_name;          /* -x, or 0 */
	const char *arg;          /* the value's name in the usage text; NULL: a flag, no value */
	int (*set)(struct opts *o, const char *val, struct reason *why); /* val NULL for a flag */
	const char *help;         /* usage text; a '\n' starts an indented continuation line;
	                             NULL: a test-only option, left out of --help */
	unsigned verbs;           /* enum cli_verb bits: the commands that accept it */
	bool wins;                /* --help, --version: act whatever else is on the line */
};

extern const struct cli_option cli_options[];
extern const size_t cli_noptions;

/* argv -> *o. 0, or -EINVAL with one line in `why` (no "irqlab: " prefix). */
int cli_parse(int argc, char **argv, struct opts *o, struct reason *why);

/* Parse "64M", "1G", "512K", or a plain number of MiB. Returns 0 on error. */
uint64_t cli_parse_size(const char *s);

/* The usage text, generated from cli_options[]. */
void cli_write_usage(FILE *out);

const char *cli_verb_name(enum cli_verb v);

#endif
