/* SPDX-License-Identifier: MIT */
/* The GDB stub's packet handlers: one function per packet, all on the server thread, all with the
 * vCPUs parked. Every number in a packet is parsed with gdb_parse_hex() (at most 16 digits) and
 * every length is capped to what one reply can hold. Unknown packets get the empty reply. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x86/msr.h>

#include "gdb.h"
#include "gdb_internal.h"
#include "vcpu.h"
#include "vm.h"

#define MAX_MEM_XFER ((GDB_PKT_MAX - 8) / 2)   /* bytes of memory one m/M packet carries */

static void reply(struct gdb_stub *st, const char *s)
{
	gdb_send(st, s);
}

static void reply_err(struct gdb_stub *st, int code)
{
	char e[8];

	snprintf(e, sizeof(e), "E%02x", code & 0xff);
	reply(st, e);
}

static int tid_of(int cpu)
{
	return cpu + 1;                 /* gdb thread ids are positive: vCPU N is thread N+1 */
}

/* "-1", "0" (any) or a hex thread id -> vCPU index, -1 for any/all, -2 if malformed/unknown. */
static int parse_tid(struct gdb_stub *st, const char *p)
{
	uint64_t t;

	if (!strcmp(p, "-1") || !strcmp(p, "0"))
		return -1;
	if (gdb_parse_hex(&p, &t) < 0 || *p || t == 0 || t > (uint64_t)st->ncpus || !st->vc[t - 1].listed)
		return -2;
	return (int)t - 1;
}

void gdb_send_stop_reply(struct gdb_stub *st)
{
	char buf[64];
	int cpu = st->stop_cpu >= 0 && st->stop_cpu < st->ncpus ? st->stop_cpu : st->g_cpu;

	st->g_cpu = cpu;
	snprintf(buf, sizeof(buf), "T%02xthread:%x;%s", st->stop_sig & 0xff, tid_of(cpu),
		 st->stop_hw ? "hwbreak:;" : "");
	reply(st, buf);
}

static void cmd_regs_read(struct gdb_stub *st)
{
	struct gdb_cpu_state s;
	int n = gdb_reg_count(st->arch);
	char *out = malloc(GDB_PKT_MAX + 1), *p = out;
	uint8_t v[16];

	if (!out || gdb_get_state(st, st->g_cpu, &s) < 0) {
		free(out);
		reply_err(st, 1);
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
	reply(st, out);
	free(out);
}

static void cmd_regs_write(struct gdb_stub *st, const char *hex)
{
	struct gdb_cpu_state s;
	size_t len = strlen(hex);
	int n = gdb_reg_count(st->arch);
	uint8_t v[16];

	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return reply_err(st, 1);
	for (int i = 0; i < n; i++) {
		int sz = gdb_reg_size(st->arch, i);

		if (sz < 0 || len < (size_t)2 * (size_t)sz)
			break;
		if (gdb_hex_decode(hex, len, v, (size_t)sz) < 0)
			return reply_err(st, 22);
		gdb_reg_set(st->arch, i, &s, v);   /* read-only ones keep their value */
		hex += 2 * sz;
		len -= 2 * (size_t)sz;
	}
	reply(st, gdb_put_state(st, st->g_cpu, &s) < 0 ? "E05" : "OK");
}

static void cmd_reg_read(struct gdb_stub *st, const char *args)
{
	struct gdb_cpu_state s;
	uint64_t n;
	uint8_t v[16];
	char out[40];
	int sz;

	if (gdb_parse_hex(&args, &n) < 0 || *args || n > 1000)
		return reply_err(st, 22);
	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return reply_err(st, 1);
	sz = gdb_reg_get(st->arch, (int)n, &s, v);
	if (sz < 0)
		return reply_err(st, 22);
	gdb_hex_encode(v, (size_t)sz, out);
	reply(st, out);
}

static void cmd_reg_write(struct gdb_stub *st, const char *args)
{
	struct gdb_cpu_state s;
	uint64_t n;
	uint8_t v[16];
	int sz;

	if (gdb_parse_hex(&args, &n) < 0 || *args++ != '=' || n > 1000)
		return reply_err(st, 22);
	sz = gdb_reg_size(st->arch, (int)n);
	if (sz < 0 || strlen(args) != 2 * (size_t)sz || gdb_hex_decode(args, strlen(args), v, (size_t)sz) < 0)
		return reply_err(st, 22);
	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return reply_err(st, 1);
	if (gdb_reg_set(st->arch, (int)n, &s, v) < 0)
		return reply_err(st, 1);
	reply(st, gdb_put_state(st, st->g_cpu, &s) < 0 ? "E05" : "OK");
}

/* "ADDR,LEN" */
static int parse_addr_len(const char **p, uint64_t *addr, uint64_t *len)
{
	if (gdb_parse_hex(p, addr) < 0 || *(*p)++ != ',' || gdb_parse_hex(p, len) < 0)
		return -EINVAL;
	return 0;
}

static void cmd_mem_read(struct gdb_stub *st, const char *args)
{
	struct gdb_cpu_state s;
	uint64_t addr, len;
	uint8_t buf[MAX_MEM_XFER];
	char out[2 * MAX_MEM_XFER + 1];
	long n;

	if (parse_addr_len(&args, &addr, &len) < 0 || *args)
		return reply_err(st, 22);
	if (len > MAX_MEM_XFER)
		len = MAX_MEM_XFER;           /* gdb asks again for the rest */
	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return reply_err(st, 1);
	n = gdb_mem_read(&st->vm->mem, &s.s, addr, buf, (size_t)len);
	if (n <= 0 && len)
		return reply_err(st, 14);     /* EFAULT: not mapped or outside guest RAM */
	gdb_hex_encode(buf, (size_t)(n > 0 ? n : 0), out);
	reply(st, out);
}

static void cmd_mem_write(struct gdb_stub *st, const char *args)
{
	struct gdb_cpu_state s;
	uint64_t addr, len;
	uint8_t buf[MAX_MEM_XFER];

	if (parse_addr_len(&args, &addr, &len) < 0 || *args++ != ':' || len > MAX_MEM_XFER ||
	    strlen(args) != 2 * len || gdb_hex_decode(args, strlen(args), buf, (size_t)len) < 0)
		return reply_err(st, 22);
	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return reply_err(st, 1);
	reply(st, gdb_mem_write(&st->vm->mem, &s.s, addr, buf, (size_t)len) == (long)len ? "OK" : "E0e");
}

/* Z0/Z1 (both served by DR0-DR3), z0/z1; Z2-Z4 refused: this KVM never fires data watchpoints. */
static void cmd_break(struct gdb_stub *st, const char *pkt)
{
	bool insert = pkt[0] == 'Z';
	const char *p = pkt + 3;
	uint64_t addr, kind;
	int type = pkt[1] - '0', slot = -1;

	if (pkt[1] < '0' || pkt[1] > '4' || pkt[2] != ',' || gdb_parse_hex(&p, &addr) < 0 || *p++ != ',' ||
	    gdb_parse_hex(&p, &kind) < 0)
		return reply_err(st, 22);
	if (type >= 2) {
		if (insert)
			warnx("gdb: watchpoint at 0x%llx refused: this KVM never fires data breakpoints "
			      "(DR7 write/access; docs/gdb.md)", (unsigned long long)addr);
		return reply(st, insert ? "E.this KVM never fires data watchpoints (docs/gdb.md)" : "OK");
	}
	pthread_mutex_lock(&st->lock);
	for (int b = 0; b < GDB_NBP; b++)
		if (st->bp_used[b] && st->bp_addr[b] == addr)
			slot = b;
	if (insert && slot < 0) {
		for (int b = 0; b < GDB_NBP && slot < 0; b++)
			if (!st->bp_used[b])
				slot = b;
		if (slot >= 0) {
			st->bp_used[slot] = true;
			st->bp_addr[slot] = addr;
			st->gen++;
		}
	} else if (!insert && slot >= 0) {
		st->bp_used[slot] = false;
		st->gen++;
	}
	pthread_mutex_unlock(&st->lock);
	if (insert && slot < 0) {
		warnx("gdb: no free debug register for a breakpoint at 0x%llx: this KVM has DR0-DR3 only "
		      "(int3 is an emulation failure here); delete or disable one (docs/gdb.md)",
		      (unsigned long long)addr);
		return reply(st, "E.all 4 debug registers (DR0-DR3) are in use; int3 cannot be used here");
	}
	reply(st, "OK");
}

static void cmd_resume(struct gdb_stub *st, char what, int cpu)
{
	if (what == 's' || what == 'S')
		gdb_resume(st, cpu >= 0 ? cpu : st->g_cpu);
	else
		gdb_resume(st, -1);
}

/* vCont;ACTION[:TID];... The first action naming a thread (or the default) decides: a step of one
 * thread runs that thread alone; anything else continues every vCPU (all-stop). */
static void cmd_vcont(struct gdb_stub *st, char *args)
{
	for (char *a = strtok(args, ";"); a; a = strtok(NULL, ";")) {
		char *colon = strchr(a, ':');
		int cpu = colon ? parse_tid(st, colon + 1) : -1;

		if (colon && cpu == -2)
			return reply_err(st, 22);
		if (a[0] == 's' || a[0] == 'S') {
			cmd_resume(st, 's', cpu);
			return;
		}
		if (a[0] == 'c' || a[0] == 'C') {
			cmd_resume(st, 'c', -1);
			return;
		}
		if (a[0] == 't')            /* stop: we are stopped already */
			continue;
		return reply_err(st, 22);
	}
	reply_err(st, 22);
}

/* Every vCPU parked (a new connection may find them running), and the architecture chosen from
 * the current vCPU's mode. */
static void choose_arch(struct gdb_stub *st)
{
	struct gdb_cpu_state s;

	pthread_mutex_lock(&st->lock);
	gdb_wait_parked(st);
	pthread_mutex_unlock(&st->lock);
	if (gdb_get_state(st, st->g_cpu, &s) < 0)
		return;
	st->arch = (s.s.efer & EFER_LMA) ? GDB_ARCH_AMD64 : (s.s.cr0 & 1) ? GDB_ARCH_I386 : GDB_ARCH_I8086;
}

static void cmd_xfer_features(struct gdb_stub *st, const char *args)
{
	static char xml[16384];
	size_t xlen = gdb_target_xml(st->arch, xml, sizeof(xml));
	uint64_t off, len;
	char *out;
	size_t o = 0;

	if (strncmp(args, "target.xml:", 11))
		return reply_err(st, 0);
	args += 11;
	if (parse_addr_len(&args, &off, &len) < 0 || *args || xlen >= sizeof(xml))
		return reply_err(st, 22);
	if (off == 0) {
		choose_arch(st);
		xlen = gdb_target_xml(st->arch, xml, sizeof(xml));
	}
	if (off >= xlen)
		return reply(st, "l");
	if (len > GDB_PKT_MAX / 2 - 2)
		len = GDB_PKT_MAX / 2 - 2;
	out = malloc(2 * len + 2);
	out[o++] = off + len >= xlen ? 'l' : 'm';
	for (uint64_t i = off; i < xlen && i < off + len; i++) {
		char c = xml[i];

		if (c == '#' || c == '$' || c == '}' || c == '*') {
			out[o++] = '}';
			c ^= 0x20;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	reply(st, out);
	free(out);
}

static void cmd_threads(struct gdb_stub *st)
{
	char *out = malloc(16 + 9 * (size_t)st->ncpus), *p = out;

	*p++ = 'm';
	for (int i = 0; i < st->ncpus; i++)
		if (st->vc[i].listed)
			p += sprintf(p, "%s%x", p == out + 1 ? "" : ",", tid_of(i));
	*p = '\0';
	reply(st, out);
	free(out);
}

static void cmd_extra_info(struct gdb_stub *st, const char *args)
{
	int cpu = parse_tid(st, args);
	char text[64], hex[130];

	if (cpu < 0)
		return reply_err(st, 22);
	snprintf(text, sizeof(text), "vCPU %d (APIC ID %d)", cpu, cpu);
	gdb_hex_encode((const uint8_t *)text, strlen(text), hex);
	reply(st, hex);
}

/* monitor ...: "help" says what this stub and KVM can do. */
static void cmd_rcmd(struct gdb_stub *st, const char *hex)
{
	static const char help[] =
		"irqlab gdb stub: breakpoints use DR0-DR3 (4 at most; int3 is an emulation failure in this KVM),\n"
		"watchpoints are refused (this KVM never fires data breakpoints), a step runs one vCPU alone.\n";
	char out[2 * sizeof(help) + 2];
	char breaks[256];
	size_t o = 0;

	(void)hex;
	o = (size_t)snprintf(breaks, sizeof(breaks), "debug registers:");
	pthread_mutex_lock(&st->lock);
	for (int b = 0; b < GDB_NBP; b++)
		o += (size_t)snprintf(breaks + o, sizeof(breaks) - o, st->bp_used[b] ? " DR%d=0x%llx" : " DR%d=free", b,
				      (unsigned long long)st->bp_addr[b]);
	pthread_mutex_unlock(&st->lock);
	snprintf(breaks + o, sizeof(breaks) - o, "\n");
	out[0] = 'O';
	gdb_hex_encode((const uint8_t *)help, strlen(help), out + 1);
	reply(st, out);
	out[0] = 'O';
	gdb_hex_encode((const uint8_t *)breaks, strlen(breaks), out + 1);
	reply(st, out);
	reply(st, "OK");
}

void gdb_handle_packet(struct gdb_stub *st, char *pkt)
{
	switch (pkt[0]) {
	case '?':
		pthread_mutex_lock(&st->lock);
		gdb_wait_parked(st);
		pthread_mutex_unlock(&st->lock);
		gdb_update_listed(st);
		return gdb_send_stop_reply(st);
	case 'g':
		return cmd_regs_read(st);
	case 'G':
		return cmd_regs_write(st, pkt + 1);
	case 'p':
		return cmd_reg_read(st, pkt + 1);
	case 'P':
		return cmd_reg_write(st, pkt + 1);
	case 'm':
		return cmd_mem_read(st, pkt + 1);
	case 'M':
		return cmd_mem_write(st, pkt + 1);
	case 'Z':
	case 'z':
		return cmd_break(st, pkt);
	case 'c':
	case 'C':
	case 's':
	case 'S':
		return cmd_resume(st, pkt[0], -1);
	case 'H':
		if (pkt[1] == 'g' || pkt[1] == 'c') {
			int cpu = parse_tid(st, pkt + 2);

			if (cpu == -2)
				return reply_err(st, 22);
			if (pkt[1] == 'g' && cpu >= 0)
				st->g_cpu = cpu;
			return reply(st, "OK");
		}
		break;
	case 'T':
		return reply(st, parse_tid(st, pkt + 1) >= 0 ? "OK" : "E01");
	case 'k':
		return gdb_kill(st);
	case 'D':
		reply(st, "OK");
		pthread_mutex_lock(&st->lock);
		st->detached = true;
		st->gen++;
		pthread_mutex_unlock(&st->lock);
		gdb_resume(st, -1);
		return;
	case 'v':
		if (!strcmp(pkt, "vCont?"))
			return reply(st, "vCont;c;C;s;S");
		if (!strncmp(pkt, "vCont;", 6))
			return cmd_vcont(st, pkt + 6);
		if (!strncmp(pkt, "vKill", 5)) {
			reply(st, "OK");
			return gdb_kill(st);
		}
		break;
	case 'q':
		if (!strncmp(pkt, "qSupported", 10))
			return reply(st, "PacketSize=1000;qXfer:features:read+;swbreak+;hwbreak+;"
				     "QStartNoAckMode+;vContSupported+");
		if (!strncmp(pkt, "qXfer:features:read:", 20))
			return cmd_xfer_features(st, pkt + 20);
		if (!strcmp(pkt, "qAttached"))
			return reply(st, "1");
		if (!strcmp(pkt, "qC")) {
			char b[24];

			snprintf(b, sizeof(b), "QC%x", tid_of(st->g_cpu));
			return reply(st, b);
		}
		if (!strcmp(pkt, "qfThreadInfo")) {
			gdb_update_listed(st);
			return cmd_threads(st);
		}
		if (!strcmp(pkt, "qsThreadInfo"))
			return reply(st, "l");
		if (!strncmp(pkt, "qThreadExtraInfo,", 17))
			return cmd_extra_info(st, pkt + 17);
		if (!strncmp(pkt, "qSymbol", 7))
			return reply(st, "OK");
		if (!strncmp(pkt, "qRcmd,", 6))
			return cmd_rcmd(st, pkt + 6);
		break;
	case 'Q':
		if (!strcmp(pkt, "QStartNoAckMode")) {
			reply(st, "OK");
			st->noack = true;
			return;
		}
		break;
	default:
		break;
	}
	reply(st, "");
}
