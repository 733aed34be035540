// SPDX-License-Identifier: MIT
/* Host requests over COM1 when there is no irqlab port (guest/pv_serial.h). QEMU's 16550 hands
 * the harness's reply to the receiver byte by byte: poll LSR.DR, read RBR (no interrupts). */
#include <abi/layout.h>

#include "cpu.h"
#include "lib.h"
#include "pv_serial.h"
#include "tsc.h"

#define COM1_LSR    (PORT_COM1 + 5)
#define   LSR_DR    0x01 /* receiver data ready */
#define LINE_MAX    192

/* One line from COM1's receiver, without the newline; 0 if `deadline` (TSC) passes first. */
static int read_line(char *buf, size_t size, uint64_t deadline)
{
	size_t n = 0;

	for (;;) {
		if (!(inb(COM1_LSR) & LSR_DR)) {
			if (rdtsc() > deadline)
				return 0;
			pause();
			continue;
		}
		char c = (char)inb(PORT_COM1);

		if (c == '\n') {
			buf[n] = '\0';
			return 1;
		}
		if (c != '\r' && n + 1 < size)
			buf[n++] = c;
	}
}

/* A decimal or 0x-hex number with an optional '-'; advances *p past it and the spaces after. */
static int parse_num(const char **p, uint64_t *v)
{
	const char *s = *p;
	int neg = *s == '-', base = 10, digits = 0;

	s += neg;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	for (*v = 0;; s++, digits++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f' &&
			base == 16 ? (*s | 0x20) - 'a' + 10 : -1;

		if (d < 0)
			break;
		*v = *v * (uint64_t)base + (uint64_t)d;
	}
	if (neg)
		*v = -*v;
	while (*s == ' ')
		s++;
	*p = s;
	return digits > 0;
}

/* "REPLY <seq> <ret> <arg1..5>" for request `seq`: ret and arg[1..5]; 0 if it is not that. */
static int parse_reply(const char *line, uint32_t seq, int *ret, uint64_t arg[PV_ARGS])
{
	uint64_t v[PV_ARGS + 1];

	if (memcmp(line, "REPLY ", 6))
		return 0;
	line += 6;
	if (!parse_num(&line, &v[0]) || v[0] != seq || !parse_num(&line, &v[1]))
		return 0;
	*ret = (int)(int64_t)v[1];
	for (int i = 1; i < PV_ARGS && parse_num(&line, &v[0]); i++)
		arg[i] = v[0];
	return 1;
}

int pv_serial_request(uint64_t arg[PV_ARGS], const char *indent)
{
	static uint32_t seq;
	static int deaf;
	char line[LINE_MAX];
	uint64_t deadline;
	int ret, n;

	if (deaf)
		return -PV_ENOSYS;
	n = snprintf(line, sizeof(line), "%s# REQUEST %u %lu 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx\n", indent,
		     ++seq, arg[0], arg[1], arg[2], arg[3], arg[4], arg[5]);
	console_write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	deadline = rdtsc() + us_to_tsc(PV_SERIAL_REPLY_US);
	while (read_line(line, sizeof(line), deadline))
		if (parse_reply(line, seq, &ret, arg))
			return ret;
	deaf = 1;	/* no harness on the other end of COM1 */
	return -PV_ENOSYS;
}
