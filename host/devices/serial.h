/* SPDX-License-Identifier: MIT */
/* COM1: a 16550-shaped UART whose transmitter writes to a host file (stderr by default). Enough
 * for polled output: THR, LSR (THRE|TEMT always set), LCR with the divisor latch, scratch. */
#ifndef IRQLAB_HOST_SERIAL_H
#define IRQLAB_HOST_SERIAL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

struct serial {
	pthread_mutex_t lock;
	FILE *sink;               /* NULL: output dropped */
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	char line[256];
	int len;
};

void serial_init(struct serial *s, FILE *sink);
/* Access to port offset `off` (0..7) of the UART; `val` in/out for one byte. */
void serial_io(struct serial *s, unsigned off, int is_write, uint8_t *val);
void serial_flush(struct serial *s);

#endif
