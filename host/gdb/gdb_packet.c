/* SPDX-License-Identifier: MIT */
/* The GDB remote protocol's packets (gdb_internal.h): framing in both directions ($data#cs, the
 * '+'/'-' acks, no-ack mode, Ctrl-C as a bare 0x03) and the hex that numbers and data travel in.
 * Everything read is bounded by GDB_PKT_MAX; every number is at most 16 hex digits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "gdb_internal.h"

int gdb_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int gdb_parse_hex(const char **p, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0;

	while (gdb_hexval((unsigned char)**p) >= 0) {
		if (++n > 16)
			return -EINVAL;
		v = v << 4 | (uint64_t)gdb_hexval((unsigned char)**p);
		(*p)++;
	}
	if (!n)
		return -EINVAL;
	*out = v;
	return 0;
}

int gdb_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t n)
{
	if (hexlen < 2 * n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int hi = gdb_hexval((unsigned char)hex[2 * i]), lo = gdb_hexval((unsigned char)hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void gdb_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int gdb_parse_addr_len(const char **p, uint64_t *addr, uint64_t *len)
{
	if (gdb_parse_hex(p, addr) < 0 || *(*p)++ != ',' || gdb_parse_hex(p, len) < 0)
		return -EINVAL;
	return 0;
}

void gdb_rx_init(struct gdb_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

/* One byte of gdb's stream. A '$' always starts a new packet (a lost '#' cannot wedge us). */
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t c)
{
	int h;

	if (c == '$') {
		rx->state = 1;
		rx->len = 0;
		rx->sum = 0;
		rx->overflow = false;
		return GDB_RX_NONE;
	}
	switch (rx->state) {
	case 0:
		if (c == 0x03)
			return GDB_RX_INTERRUPT;
		if (c == '+')
			return GDB_RX_ACK;
		if (c == '-')
			return GDB_RX_NAK;
		return GDB_RX_NONE;            /* noise between packets */
	case 1:
		if (c == '#') {
			rx->state = 2;
			return GDB_RX_NONE;
		}
		rx->sum = (uint8_t)(rx->sum + c);
		if (rx->len < GDB_PKT_MAX)
			rx->buf[rx->len++] = (char)c;
		else
			rx->overflow = true;
		return GDB_RX_NONE;
	case 2:
		h = gdb_hexval(c);
		rx->cs = (uint8_t)(h < 0 ? 0 : h << 4);
		rx->state = h < 0 ? 0 : 3;
		return h < 0 ? GDB_RX_BAD : GDB_RX_NONE;
	default:
		h = gdb_hexval(c);
		rx->state = 0;
		if (h < 0 || rx->overflow || (uint8_t)(rx->cs | h) != rx->sum)
			return GDB_RX_BAD;
		rx->buf[rx->len] = '\0';
		return GDB_RX_PACKET;
	}
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -EPIPE;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int gdb_send(struct gdb_stub *st, const char *payload)
{
	size_t n = strlen(payload);
	char *pkt = malloc(n + 5);
	uint8_t sum = 0;

	if (!pkt || st->fd < 0) {
		free(pkt);
		return -EPIPE;
	}
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + (uint8_t)payload[i]);
	sprintf(pkt, "$%s#%02x", payload, sum);
	free(st->last);
	st->last = pkt;
	return write_all(st->fd, pkt, n + 4);
}

void gdb_reply(struct gdb_stub *st, const char *payload)
{
	gdb_send(st, payload);
}

void gdb_reply_error(struct gdb_stub *st, int code)
{
	char e[8];

	snprintf(e, sizeof(e), "E%02x", code & 0xff);
	gdb_reply(st, e);
}

void gdb_ack(struct gdb_stub *st, bool good)
{
	if (!st->noack)
		write_all(st->fd, good ? "+" : "-", 1);
}

void gdb_resend(struct gdb_stub *st)
{
	if (st->last && !st->noack)
		write_all(st->fd, st->last, strlen(st->last));
}
