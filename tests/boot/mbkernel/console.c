/* SPDX-License-Identifier: MIT */
/* COM1 output and TAP lines. By default every byte waits for LSR.THRE (16550 datasheet: the
 * transmit holding register is empty), as kvm-unit-tests' serial_putc does: two exits per byte
 * under irqlab, so the kernel keeps its lines short. With `fifo` on the command line the 16550A's
 * 16-byte FIFO is enabled; THRE then means the whole FIFO is empty, so one poll covers a burst of
 * up to 16 bytes, sent with one `rep outsb` (one exit). */
#include "lib.h"

#define UART_THR 0 /* DLAB=0: transmit;  DLAB=1: divisor latch low */
#define UART_IER 1 /* DLAB=0: interrupts; DLAB=1: divisor latch high */
#define UART_FCR 2
#define   FCR_FIFO_ON_CLEAR 0x07 /* enable, clear receive and transmit FIFOs */
#define UART_LCR 3
#define   LCR_8N1  0x03
#define   LCR_DLAB 0x80
#define UART_LSR 5
#define   LSR_THRE 0x20
#define FIFO_SIZE 16

static int tap_n, tap_failed;
static bool fifo;
static char burst[FIFO_SIZE];
static uint32_t nburst;

/* 115200 8N1, no interrupts, FIFO as asked. */
void uart_init(bool use_fifo)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_THR, 1);         /* divisor 1 = 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, use_fifo ? FCR_FIFO_ON_CLEAR : 0);
	fifo = use_fifo;
}

static void wait_thre(void)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		cpu_relax();
}

void uart_flush(void)
{
	const char *p = burst;
	uint32_t n = nburst;

	if (!n)
		return;
	wait_thre();
	__asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"((uint16_t)(COM1 + UART_THR)) : "memory");
	nburst = 0;
}

void putc(char c)
{
	if (!fifo) {
		wait_thre();
		outb(COM1 + UART_THR, (uint8_t)c);
		return;
	}
	burst[nburst++] = c;
	if (nburst == FIFO_SIZE || c == '\n')
		uart_flush();
}

void put_n(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		putc(s[i]);
}

/* The hot path, where most of the kernel's instructions go: per byte, poll LSR.THRE and write
 * THR, 11 instructions (the compiler's version of this loop took 15). */
static void puts_polled(const char *s)
{
	__asm__ volatile(
		"	jmp 3f\n"
		"1:	mov %[lsr], %%dx\n"
		"2:	in %%dx, %%al\n"
		"	test %[thre], %%al\n"
		"	jz 4f\n"
		"	mov %[thr], %%dx\n"
		"	mov %%cl, %%al\n"
		"	out %%al, %%dx\n"
		"	inc %[s]\n"
		"3:	mov (%[s]), %%cl\n"
		"	test %%cl, %%cl\n"
		"	jnz 1b\n"
		"	jmp 5f\n"
		"4:	pause\n"
		"	jmp 2b\n"
		"5:\n"
		: [s] "+r"(s)
		: [lsr] "i"(COM1 + UART_LSR), [thr] "i"(COM1 + UART_THR), [thre] "i"(LSR_THRE)
		: "eax", "ecx", "edx", "cc", "memory");
}

void puts(const char *s)
{
	if (!fifo) {
		puts_polled(s);
		return;
	}
	while (*s)
		putc(*s++);
}

void put_u32(uint32_t v)
{
	char buf[11];
	int n = 10;

	buf[10] = '\0';
	do
		buf[--n] = (char)('0' + v % 10);
	while ((v /= 10));
	puts(buf + n);
}

void put_hex(uint64_t v)
{
	int shift = 60;

	puts("0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		putc("0123456789abcdef"[(v >> shift) & 0xF]);
}

void tap_plan(int n)
{
	puts("1..");
	put_u32((uint32_t)n);
	putc('\n');
}

bool tap_ok(bool cond, const char *name)
{
	tap_failed += !cond;
	puts(cond ? "ok " : "not ok ");
	put_u32((uint32_t)++tap_n);
	puts(" - ");
	puts(name);
	putc('\n');
	return cond;
}

void tap_skip(const char *name, const char *why)
{
	puts("ok ");
	put_u32((uint32_t)++tap_n);
	puts(" - ");
	puts(name);
	puts(" # SKIP ");
	puts(why);
	putc('\n');
}

int tap_failures(void)
{
	return tap_failed;
}

int tap_count(void)
{
	return tap_n;
}

void tap_resume(int count, int failures)
{
	tap_n = count;
	tap_failed = failures;
}

/* The divisor latch sits behind LCR.DLAB, over THR/IER (16550 datasheet, register map): set a
 * divisor, read it back, and check IER shows through again once DLAB is clear. */
bool uart_divisor_latched(void)
{
	uint8_t dll, dlm, ier, lcr;

	outb(COM1 + UART_LCR, LCR_DLAB | LCR_8N1);
	outb(COM1 + UART_THR, 0x0C);
	outb(COM1 + UART_IER, 0x01);      /* divisor 0x10C */
	dll = inb(COM1 + UART_THR);
	dlm = inb(COM1 + UART_IER);
	outb(COM1 + UART_THR, 1);         /* back to 115200 */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	ier = inb(COM1 + UART_IER);
	lcr = inb(COM1 + UART_LCR);
	return dll == 0x0C && dlm == 0x01 && ier == 0 && lcr == LCR_8N1;
}
