/* SPDX-License-Identifier: MIT */
/* What the boot test kernel learns at entry, and the checks it runs on it. */
#ifndef MBK_MBK_H
#define MBK_MBK_H

#include "abi/multiboot.h"
#include "lib.h"

#define MAX_ARGS 64
#define MAX_ENV  16

/* QEMU's fw_cfg as the kernel read it. */
struct fwcfg {
	char sig[4];
	bool past_end_zero;        /* a byte read past an item's end reads 0 */
	bool reselect_rewinds;     /* selecting a key again restarts at its first byte */
	uint64_t ram_size;
	uint32_t ncpus, max_cpus;
};

struct env_var {
	const char *key, *val;
	size_t key_len, val_len;
};

/* The memory map as the kernel scanned it (checks.c). */
#define MMAP_SEEN_MAX 16
struct mmap_range {
	uint64_t base, end;
};
struct mmap_scan {
	bool present, malformed, overlap, low_ok, kernel_ok, past_ram;
	uint32_t entries, avail_kib;
	uint32_t low_kib, high_kib;  /* available regions starting at 0 and at 1 MiB */
	uint32_t nseen;
	struct mmap_range seen[MMAP_SEEN_MAX]; /* available entries so far */
};

enum action { ACT_EXIT, ACT_SHUTDOWN, ACT_CRASH, ACT_HANG };

struct boot {
	uint32_t magic;
	const struct mb_info *mbi; /* NULL when EAX was not the multiboot magic */
	struct fwcfg fw;
	struct mmap_scan mm;
	int argc;
	char *argv[MAX_ARGS];
	int nenv;
	bool env_bad;              /* a module line that is not KEY=VALUE */
	struct env_var env[MAX_ENV];
	enum action action;
	uint32_t exit_value;       /* exit=N: written to isa-debug-exit if every check passed */
	bool fifo;                 /* fifo: the UART's 16-byte FIFO, one THRE poll per burst */
	uint32_t work;             /* work=N: 2N extra instructions before the exit (benchmarks) */
	uint32_t online, ids;      /* SMP bring-up: CPUs counted, distinct APIC IDs seen */
};

/* Recorded by entry.asm before it loads its own GDT. */
struct entry_state {
	uint32_t cr0, eflags;
	struct __attribute__((packed)) { uint16_t limit; uint32_t base; } gdtr;
	uint16_t pad;
	uint16_t cs, ds, es, ss;
};
extern struct entry_state entry_state;

extern char _end[];            /* linker: end of the image, bss included */

/* fwcfg.c */
void fwcfg_read(struct fwcfg *fw);
/* args.c: argv from the command line, the environment from the module, the behaviour asked */
void args_parse(struct boot *b);
void env_parse(struct boot *b);
const char *arg_value(const struct boot *b, const char *prefix); /* "argc=" -> "3" */
const struct env_var *env_get(const struct boot *b, const char *key);
/* checks.c: one TAP line each */
void mmap_scan(struct boot *b);
void check_magic(const struct boot *b);
void check_entry_state(const struct boot *b);
void check_info_flags(const struct boot *b);
void check_mem_sizes(const struct boot *b);
void check_mmap(const struct boot *b);
void check_argv0(const struct boot *b);
void check_argc(const struct boot *b);
void check_vendor(const struct boot *b);
void check_module(const struct boot *b);
void check_env(const struct boot *b);
void check_fwcfg(const struct boot *b);
void check_fwcfg_cpus(const struct boot *b);
/* acpi.c: RSDP, RSDT, FADT, MADT and the PM timer */
void check_acpi(const struct boot *b);
const uint8_t *acpi_find_fadt(void);  /* through the RSDP and RSDT, checksums good; or NULL */
/* s3.c: with `s3`, sleep to S3 woken by the RTC alarm, as kvm-unit-tests' s3 test; after the
 * wake, entry.asm calls s3_resumed(), which prints the check and finishes */
void check_s3(struct boot *b);
__attribute__((noreturn)) void s3_resumed(void);
/* main.c: end the machine as the command line asked (exit=N, shutdown, crash, hang) */
__attribute__((noreturn)) void finish(const struct boot *b);
/* devices.c: the RTC, pc-testdev (argument `testdev`), an absent port */
void check_rtc(void);
uint8_t cmos(uint8_t reg);               /* RTC/CMOS register through ports 0x70/0x71 */
void cmos_write(uint8_t reg, uint8_t v);
void check_testdev(const struct boot *b);
void check_absent(void);
/* cpufeat.c: has=NAME / lacks=NAME arguments against CPUID */
void check_cpu_features(const struct boot *b);
/* smp.c */
void smp_bringup(struct boot *b);
void check_smp(const struct boot *b);

#endif
