/* SPDX-License-Identifier: MIT */
/* The guest's tiny libc: string.c, printf.c, console.c. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STR_(x) #x
#define STR(x) STR_(x)            /* a macro's value as a string literal */

/* string.c: clang may emit calls to the mem* functions even in freestanding code. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);

/* printf.c: %s %c %d %i %u %x %X %p %%, modifiers l ll z, width, '0' and '-' flags.
 * Returns the length the full output would have (C semantics); always NUL-terminates if size > 0. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* console.c: COM1, polled (the fallback when there is no irqlab port). */
void console_putc(char c);
void console_write(const char *s, size_t n);
void console_puts(const char *s);

#endif
