/* SPDX-License-Identifier: MIT */
/* The GDB stub's packets that stop and resume the guest: the stop reply and '?', breakpoints
 * (Z/z, served by DR0-DR3), continue and step (c/C/s/S, vCont). gdb_run.c carries them out. */
#include <stdio.h>
#include <string.h>

#include "gdb_internal.h"
#include "util.h"

void gdb_send_stop_reply(struct gdb_stub *st)
{
	char buf[64];
	int cpu = st->stop_cpu >= 0 && st->stop_cpu < st->ncpus ? st->stop_cpu : st->g_cpu;

	st->g_cpu = cpu;
	snprintf(buf, sizeof(buf), "T%02xthread:%x;%s", st->stop_sig & 0xff, gdb_tid(cpu),
		 st->stop_hw ? "hwbreak:;" : "");
	gdb_reply(st, buf);
}

/* '?': why the guest is stopped, once every vCPU is parked (a new connection may find them
 * running). */
void gdb_cmd_stop_reason(struct gdb_stub *st)
{
	pthread_mutex_lock(&st->lock);
	gdb_wait_parked(st);
	pthread_mutex_unlock(&st->lock);
	gdb_update_listed(st);
	gdb_send_stop_reply(st);
}

/* Z0/Z1 (both served by DR0-DR3), z0/z1; Z2-Z4 refused: this KVM never fires data watchpoints. */
void gdb_cmd_break(struct gdb_stub *st, const char *pkt)
{
	bool insert = pkt[0] == 'Z';
	const char *p = pkt + 3;
	uint64_t addr, kind;
	int type = pkt[1] - '0', slot = -1;

	if (pkt[1] < '0' || pkt[1] > '4' || pkt[2] != ',' || gdb_parse_hex(&p, &addr) < 0 || *p++ != ',' ||
	    gdb_parse_hex(&p, &kind) < 0)
		return gdb_reply_error(st, 22);
	if (type >= 2) {
		if (insert)
			warnx("gdb: watchpoint at 0x%llx refused: this KVM never fires data breakpoints "
			      "(DR7 write/access; docs/gdb.md)", (unsigned long long)addr);
		return gdb_reply(st, insert ? "E.this KVM never fires data watchpoints (docs/gdb.md)" : "OK");
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
		return gdb_reply(st, "E.all 4 debug registers (DR0-DR3) are in use; int3 cannot be used here");
	}
	gdb_reply(st, "OK");
}

void gdb_cmd_resume(struct gdb_stub *st, char what, int cpu)
{
	if (what == 's' || what == 'S')
		gdb_resume(st, cpu >= 0 ? cpu : st->g_cpu);
	else
		gdb_resume(st, -1);
}

/* vCont;ACTION[:TID];... The first action naming a thread (or the default) decides: a step of one
 * thread runs that thread alone; anything else continues every vCPU (all-stop). */
void gdb_cmd_vcont(struct gdb_stub *st, char *args)
{
	for (char *a = strtok(args, ";"); a; a = strtok(NULL, ";")) {
		char *colon = strchr(a, ':');
		int cpu = colon ? gdb_parse_tid(st, colon + 1) : -1;

		if (colon && cpu == -2)
			return gdb_reply_error(st, 22);
		if (a[0] == 's' || a[0] == 'S') {
			gdb_cmd_resume(st, 's', cpu);
			return;
		}
		if (a[0] == 'c' || a[0] == 'C') {
			gdb_cmd_resume(st, 'c', -1);
			return;
		}
		if (a[0] == 't')            /* stop: we are stopped already */
			continue;
		return gdb_reply_error(st, 22);
	}
	gdb_reply_error(st, 22);
}
