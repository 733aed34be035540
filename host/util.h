/* SPDX-License-Identifier: MIT */
/* Small helpers every host file uses: fatal errors with the irqlab exit statuses, checked allocation. */
#ifndef IRQLAB_HOST_UTIL_H
#define IRQLAB_HOST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses (docs/results.md). */
enum exit_status {
	EXIT_PASS = 0,
	EXIT_TEST_FAILED = 1,
	EXIT_USAGE = 2,       /* bad flag, malformed image */
	EXIT_GUEST = 3,       /* the guest crashed, hung or broke the protocol */
	EXIT_OUTPUT = 4,      /* a report (stdout, --junit FILE) could not be written */
	EXIT_SKIP = 77,       /* no usable /dev/kvm, a capability missing, or everything skipped */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Print "irqlab: <message>" on stderr and exit with `status`. */
__attribute__((noreturn, format(printf, 2, 3)))
void die(int status, const char *fmt, ...);

/* Like die() with ": strerror(errno)" appended. */
__attribute__((noreturn, format(printf, 2, 3)))
void die_errno(int status, const char *fmt, ...);

/* Name the program in die()/warnx() lines as `name` and, if `status` >= 0, make every die()
 * exit with it (irqlab-qemu: "qemu-system-x86_64: ...", status 1 as QEMU). */
void util_set_identity(const char *name, int status);

__attribute__((format(printf, 1, 2)))
void warnx(const char *fmt, ...);

/* Format a one-line reason into err (parsers' error convention) and return -1.
 * Being replaced by struct reason + failf() (docs/architecture.md "Errors"). */
__attribute__((format(printf, 3, 4)))
int errorf(char *err, size_t errlen, const char *fmt, ...);

/*
 * Recoverable errors (docs/architecture.md "Errors"). A function that can fail at run time or on
 * untrusted input returns 0 (or a non-negative value) on success and a negative errno on failure;
 * where a person must be told why, it also takes a `struct reason *why` and fills it with one line.
 * die() is for setup only (before the vCPUs start), never for what a guest can trigger.
 */
struct reason {
	char text[256];
};

/* Fill `why` (may be NULL) with a formatted one-line reason and return `neg_errno` (< 0). */
__attribute__((format(printf, 3, 4)))
int failf(struct reason *why, int neg_errno, const char *fmt, ...);

void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);
/* The calling thread's CPU time in nanoseconds (Linux always has this clock). */
uint64_t thread_cpu_ns(void);

/* Length (1-4) of the well-formed UTF-8 sequence at s (RFC 3629), or 0 if it is not one:
 * guest text is arbitrary bytes, JSON and XML output must be valid UTF-8. */
int utf8_seq_len(const char *s);

/* Length (2 or 3) of the UTF-8 encoding at s of a character that ends a line for Unicode-aware
 * readers (U+0085 NEL, U+2028 LS, U+2029 PS), else 0: one KTAP line must not contain one. */
int utf8_line_break_len(const char *s);

#endif
