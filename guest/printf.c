// SPDX-License-Identifier: MIT
/* A small vsnprintf: %s %c %d %i %u %x %X %p %%, length modifiers l ll z, a field width, and the
 * '0' and '-' flags. Callers format straight into a pv_msg text buffer (pv.c): no extra copies.
 * Every emulated instruction costs ~1 us here, so literal text and strings move in runs
 * (memchr/memcpy use one `rep` iteration per byte) rather than a loop of ~14 per character. */
#include "lib.h"

struct out {
	char *buf;
	size_t size;
	size_t n;     /* characters produced so far (may exceed size: C semantics) */
};

struct spec {
	unsigned width;
	char pad;     /* ' ' or '0' */
	int left;     /* '-' */
	int lng;      /* l, ll or z: 64-bit argument */
};

static inline void put(struct out *o, char c)
{
	if (o->n + 1 < o->size)
		o->buf[o->n] = c;
	o->n++;
}

/* n bytes of s: as many as fit are copied, all are counted */
static void put_run(struct out *o, const char *s, size_t n)
{
	size_t room = o->n + 1 < o->size ? o->size - 1 - o->n : 0;

	memcpy(o->buf + o->n, s, n < room ? n : room);
	o->n += n;
}

static void put_pad(struct out *o, char c, unsigned count)
{
	while (count--)
		put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	size_t len;

	if (!s)
		s = "(null)";
	len = strlen(s);
	if (!sp->left && sp->width > len)
		put_pad(o, ' ', sp->width - len);
	put_run(o, s, len);
	if (sp->left && sp->width > len)
		put_pad(o, ' ', sp->width - len);
}

/* base 16 uses shifts; base 10 divides by a constant (a multiply): no `div` per digit */
static void put_num(struct out *o, uint64_t v, int hex, int upper, int neg, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[20];
	unsigned len = 0, total;

	do {
		if (hex) {
			tmp[len++] = digits[v & 15];
			v >>= 4;
		} else {
			tmp[len++] = digits[v % 10];
			v /= 10;
		}
	} while (v);
	total = len + (neg ? 1 : 0);
	if (!sp->left && sp->pad == ' ' && sp->width > total)
		put_pad(o, ' ', sp->width - total);
	if (neg)
		put(o, '-');
	if (!sp->left && sp->pad == '0' && sp->width > total)
		put_pad(o, '0', sp->width - total);
	while (len)
		put(o, tmp[--len]);
	if (sp->left && sp->width > total)
		put_pad(o, ' ', sp->width - total);
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	sp->width = 0, sp->pad = ' ', sp->left = 0, sp->lng = 0;
	for (;; f++) {
		if (*f == '-')
			sp->left = 1;
		else if (*f == '0')
			sp->pad = '0';
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (unsigned)(*f++ - '0');
	while (*f == 'l' || *f == 'z')
		sp->lng = 1, f++;
	return f;
}

static void put_conv(struct out *o, char c, const struct spec *sp, va_list *ap)
{
	switch (c) {
	case 'd':
	case 'i': {
		int64_t v = sp->lng ? va_arg(*ap, int64_t) : va_arg(*ap, int);
		put_num(o, v < 0 ? -(uint64_t)v : (uint64_t)v, 0, 0, v < 0, sp);
		break;
	}
	case 'u':
	case 'x':
	case 'X': {
		uint64_t v = sp->lng ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned);
		put_num(o, v, c != 'u', c == 'X', 0, sp);
		break;
	}
	case 'p':
		put(o, '0'), put(o, 'x');
		put_num(o, (uintptr_t)va_arg(*ap, void *), 1, 0, 0, sp);
		break;
	case 's':
		put_str(o, va_arg(*ap, const char *), sp);
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	default:	/* %% and unknown conversions print themselves */
		put(o, c);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	const char *f = fmt, *end = fmt + strlen(fmt), *pct;
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (f < end) {
		pct = memchr(f, '%', (size_t)(end - f));
		put_run(&o, f, (size_t)((pct ? pct : end) - f));
		if (!pct)
			break;
		f = parse_spec(pct + 1, &sp);
		if (f >= end)
			break;
		put_conv(&o, *f++, &sp, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.n < size ? o.n : size - 1] = '\0';
	return (int)o.n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
