/* SPDX-License-Identifier: MIT */
/* The GDB stub's register and memory packets (g G p P m M), on the vCPU that Hg chose: registers
 * through gdb_regs.c's table, memory at guest virtual addresses through gdb_mem.c's page walk.
 * Every length is capped to what one reply can hold. */
#include <stdlib.h>
#include <string.h>

#include "gdb_internal.h"
#include "vm.h"

#define MAX_MEM_XFER ((GDB_PKT_MAX - 8) / 2)   /* bytes of memory one m/M packet carries */

void gdb_cmd_regs_read(struct gdb_stub *st)
{
	struct gdb_cpu_state s;
	int n = gdb_reg_count(st->arch);
	char *out = malloc(GDB_PKT_MAX + 1), *p = out;
	uint8_t v[16];

	if (!out || gdb_get_state(st, st->g_cpu, &s) < 0) {
		free(out);
		gdb_reply_error(st, 1);
		return;
	}
	for (int i = 0; i < n; i++) {
		int sz = gdb_reg_get(st->arch, i, &s, v);

		if (sz < 0 || p + 2 * sz > out + GDB_PKT_MAX)
			break;
		gdb_hex_encode(v, (size_t)sz, p);
		p += 2 * sz;
	}
	*p = '\0';
	gdb_reply(st, out);
	free(out);
}

void gdb_cmd_regs_write(struct gdb_stub *st, const char *hex)
{
	struct gdb_cpu_state s;
	size_t len = strlen(hex);
	int n = gdb_reg_count(st->arch);
	uint8_t v[16];

	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return gdb_reply_error(st, 1);
	for (int i = 0; i < n; i++) {
		int sz = gdb_reg_size(st->arch, i);

		if (sz < 0 || len < (size_t)2 * (size_t)sz)
			break;
		if (gdb_hex_decode(hex, len, v, (size_t)sz) < 0)
			return gdb_reply_error(st, 22);
		gdb_reg_set(st->arch, i, &s, v);   /* read-only ones keep their value */
		hex += 2 * sz;
		len -= 2 * (size_t)sz;
	}
	gdb_reply(st, gdb_put_state(st, st->g_cpu, &s) < 0 ? "E05" : "OK");
}

void gdb_cmd_reg_read(struct gdb_stub *st, const char *args)
{
	struct gdb_cpu_state s;
	uint64_t n;
	uint8_t v[16];
	char out[40];
	int sz;

	if (gdb_parse_hex(&args, &n) < 0 || *args || n > 1000)
		return gdb_reply_error(st, 22);
	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return gdb_reply_error(st, 1);
	sz = gdb_reg_get(st->arch, (int)n, &s, v);
	if (sz < 0)
		return gdb_reply_error(st, 22);
	gdb_hex_encode(v, (size_t)sz, out);
	gdb_reply(st, out);
}

void gdb_cmd_reg_write(struct gdb_stub *st, const char *args)
{
	struct gdb_cpu_state s;
	uint64_t n;
	uint8_t v[16];
	int sz;

	if (gdb_parse_hex(&args, &n) < 0 || *args++ != '=' || n > 1000)
		return gdb_reply_error(st, 22);
	sz = gdb_reg_size(st->arch, (int)n);
	if (sz < 0 || strlen(args) != 2 * (size_t)sz || gdb_hex_decode(args, strlen(args), v, (size_t)sz) < 0)
		return gdb_reply_error(st, 22);
	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return gdb_reply_error(st, 1);
	if (gdb_reg_set(st->arch, (int)n, &s, v) < 0)
		return gdb_reply_error(st, 1);
	gdb_reply(st, gdb_put_state(st, st->g_cpu, &s) < 0 ? "E05" : "OK");
}

void gdb_cmd_mem_read(struct gdb_stub *st, const char *args)
{
	struct gdb_cpu_state s;
	uint64_t addr, len;
	uint8_t buf[MAX_MEM_XFER];
	char out[2 * MAX_MEM_XFER + 1];
	long n;

	if (gdb_parse_addr_len(&args, &addr, &len) < 0 || *args)
		return gdb_reply_error(st, 22);
	if (len > MAX_MEM_XFER)
		len = MAX_MEM_XFER;           /* gdb asks again for the rest */
	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return gdb_reply_error(st, 1);
	n = gdb_mem_read(&st->vm->mem, &s.s, addr, buf, (size_t)len);
	if (n <= 0 && len)
		return gdb_reply_error(st, 14);     /* EFAULT: not mapped or outside guest RAM */
	gdb_hex_encode(buf, (size_t)(n > 0 ? n : 0), out);
	gdb_reply(st, out);
}

void gdb_cmd_mem_write(struct gdb_stub *st, const char *args)
{
	struct gdb_cpu_state s;
	uint64_t addr, len;
	uint8_t buf[MAX_MEM_XFER];

	if (gdb_parse_addr_len(&args, &addr, &len) < 0 || *args++ != ':' || len > MAX_MEM_XFER ||
	    strlen(args) != 2 * len || gdb_hex_decode(args, strlen(args), buf, (size_t)len) < 0)
		return gdb_reply_error(st, 22);
	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return gdb_reply_error(st, 1);
	gdb_reply(st, gdb_mem_write(&st->vm->mem, &s.s, addr, buf, (size_t)len) == (long)len ? "OK" : "E0e");
}
