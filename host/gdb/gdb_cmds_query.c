/* SPDX-License-Identifier: MIT */
/* The GDB stub's queries with more than a one-line answer: target.xml (qXfer:features, its
 * architecture chosen from the vCPU's mode), the thread list, a thread's description and
 * `monitor` (qRcmd). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x86/msr.h>

#include "gdb_internal.h"

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

void gdb_cmd_xfer_features(struct gdb_stub *st, const char *args)
{
	static char xml[16384];
	size_t xlen = gdb_target_xml(st->arch, xml, sizeof(xml));
	uint64_t off, len;
	char *out;
	size_t o = 0;

	if (strncmp(args, "target.xml:", 11))
		return gdb_reply_error(st, 0);
	args += 11;
	if (gdb_parse_addr_len(&args, &off, &len) < 0 || *args || xlen >= sizeof(xml))
		return gdb_reply_error(st, 22);
	if (off == 0) {
		choose_arch(st);
		xlen = gdb_target_xml(st->arch, xml, sizeof(xml));
	}
	if (off >= xlen)
		return gdb_reply(st, "l");
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
	gdb_reply(st, out);
	free(out);
}

void gdb_cmd_threads(struct gdb_stub *st)
{
	char *out = malloc(16 + 9 * (size_t)st->ncpus), *p = out;

	*p++ = 'm';
	for (int i = 0; i < st->ncpus; i++)
		if (st->vc[i].listed)
			p += sprintf(p, "%s%x", p == out + 1 ? "" : ",", gdb_tid(i));
	*p = '\0';
	gdb_reply(st, out);
	free(out);
}

void gdb_cmd_extra_info(struct gdb_stub *st, const char *args)
{
	int cpu = gdb_parse_tid(st, args);
	char text[64], hex[130];

	if (cpu < 0)
		return gdb_reply_error(st, 22);
	snprintf(text, sizeof(text), "vCPU %d (APIC ID %d)", cpu, cpu);
	gdb_hex_encode((const uint8_t *)text, strlen(text), hex);
	gdb_reply(st, hex);
}

/* monitor ...: "help" says what this stub and KVM can do. */
void gdb_cmd_rcmd(struct gdb_stub *st, const char *hex)
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
	gdb_reply(st, out);
	out[0] = 'O';
	gdb_hex_encode((const uint8_t *)breaks, strlen(breaks), out + 1);
	gdb_reply(st, out);
	gdb_reply(st, "OK");
}
