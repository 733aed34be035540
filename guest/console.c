// SPDX-License-Identifier: MIT
/* COM1 output, polled: the report channel when there is no irqlab port (QEMU). Under irqlab each
 * port access is a VM exit (~10 us), so nothing on the normal path writes here. No UART setup: QEMU's
 * 16550 and irqlab's pass-through ignore the baud rate. Lines end in "\n" only (KTAP parsers). */
#include <abi/layout.h>

#include "cpu.h"
#include "lib.h"

#define COM1_LSR      (PORT_COM1 + 5)
#define   LSR_THRE    0x20 /* transmit holding register empty */

void console_putc(char c)
{
	while (!(inb(COM1_LSR) & LSR_THRE))
		pause();
	outb(PORT_COM1, (uint8_t)c);
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_putc(s[i]);
}

void console_puts(const char *s)
{
	console_write(s, strlen(s));
}
