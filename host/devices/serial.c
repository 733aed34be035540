/* SPDX-License-Identifier: MIT */
#include "serial.h"

#include <stdbool.h>
#include <string.h>

#include "progress.h"
#include "trace.h"

#define UART_LCR_DLAB   0x80
#define UART_LSR_THRE   0x20
#define UART_LSR_TEMT   0x40
#define UART_IIR_NO_INT 0x01

void serial_init(struct serial *s, FILE *sink)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->sink = sink;
}

static void flush_locked(struct serial *s)
{
	if (trace_active && s->len)
		trace_serial(s->line, s->len);
	if (s->len && s->sink) {
		if (progress_active)
			progress_hide();
		fwrite(s->line, 1, s->len, s->sink);
		fflush(s->sink);
		if (progress_active)
			progress_show();
	}
	s->len = 0;
}

void serial_flush(struct serial *s)
{
	pthread_mutex_lock(&s->lock);
	flush_locked(s);
	pthread_mutex_unlock(&s->lock);
}

static void transmit(struct serial *s, uint8_t c)
{
	s->line[s->len++] = (char)c;
	if (c == '\n' || s->len == (int)sizeof(s->line))
		flush_locked(s);
}

static void write_reg(struct serial *s, unsigned off, uint8_t v)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (off) {
	case 0: if (dlab) s->dll = v; else transmit(s, v); break;
	case 1: if (dlab) s->dlm = v; else s->ier = v & 0x0F; break;
	case 3: s->lcr = v; break;
	case 4: s->mcr = v & 0x1F; break;
	case 7: s->scr = v; break;
	default: break; /* FCR, LSR, MSR: nothing to model */
	}
}

static uint8_t read_reg(struct serial *s, unsigned off)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (off) {
	case 0: return dlab ? s->dll : 0;            /* nothing is ever received */
	case 1: return dlab ? s->dlm : s->ier;
	case 2: return UART_IIR_NO_INT;
	case 3: return s->lcr;
	case 4: return s->mcr;
	case 5: return UART_LSR_THRE | UART_LSR_TEMT;
	case 6: return 0xB0;                          /* DCD, DSR, CTS */
	default: return s->scr;
	}
}

void serial_io(struct serial *s, unsigned off, int is_write, uint8_t *val)
{
	pthread_mutex_lock(&s->lock);
	if (is_write)
		write_reg(s, off & 7, *val);
	else
		*val = read_reg(s, off & 7);
	pthread_mutex_unlock(&s->lock);
}
