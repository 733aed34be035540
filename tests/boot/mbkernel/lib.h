/* SPDX-License-Identifier: MIT */
/* The boot test kernel's whole runtime: port and MMIO access, a few string helpers, the console.
 * 32-bit protected mode, paging off: a pointer is a physical address. */
#ifndef MBK_LIB_H
#define MBK_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86/io.h"

/* The PC devices the kernel probes, at QEMU's pc-machine addresses (the contract under test). */
#define COM1            0x3F8
#define DEBUG_EXIT_PORT 0xF4   /* QEMU isa-debug-exit, iosize=4: exit status (v << 1) | 1 */
#define SHUTDOWN_PORT   0x8900 /* Bochs/QEMU: "Shutdown" byte by byte powers off */
#define FW_CFG_SEL      0x510  /* 16-bit selector write */
#define FW_CFG_DATA     0x511  /* byte-wise data read */
#define PIC1_DATA       0x21
#define PIC2_DATA       0xA1
#define LAPIC_BASE      0xFEE00000u

static inline uint32_t mmio_read32(uint32_t addr) { return *(volatile uint32_t *)(uintptr_t)addr; }
static inline void mmio_write32(uint32_t addr, uint32_t v) { *(volatile uint32_t *)(uintptr_t)addr = v; }

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

/* string.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
bool has_prefix(const char *s, const char *prefix);
bool parse_u32(const char *s, size_t len, uint32_t *out); /* decimal, whole string */

/* A little-endian u32 at any alignment (ACPI table fields). */
static inline uint32_t rd32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* console.c: COM1, polling LSR.THRE before every byte, or before every 16 with the FIFO on */
void uart_init(bool use_fifo);
void uart_flush(void);
void putc(char c);
void puts(const char *s);
void put_u32(uint32_t v);
void put_hex(uint64_t v);
void put_n(const char *s, size_t len);
bool uart_divisor_latched(void);
/* TAP: one result line per check, numbered in order; `skip` prints "# SKIP why". */
void tap_plan(int n);
bool tap_ok(bool cond, const char *name);
void tap_skip(const char *name, const char *why);
int tap_failures(void);
int tap_count(void);                      /* lines printed so far */
void tap_resume(int count, int failures); /* go on from a count kept elsewhere (s3.c) */

#endif
