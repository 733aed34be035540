/* SPDX-License-Identifier: MIT */
/* The GDB stub's packets: one case per packet, on the server thread, with the vCPUs parked. The
 * packets answered in a line are answered here; the others are handled by gdb_cmds_regmem.c
 * (registers, memory), gdb_cmds_run.c (stops, breakpoints, resuming) and gdb_cmds_query.c
 * (target.xml, threads, monitor). Unknown packets get the empty reply. */
#include <stdio.h>
#include <string.h>

#include "gdb_internal.h"

void gdb_handle_packet(struct gdb_stub *st, char *pkt)
{
	switch (pkt[0]) {
	case '?':
		return gdb_cmd_stop_reason(st);
	case 'g':
		return gdb_cmd_regs_read(st);
	case 'G':
		return gdb_cmd_regs_write(st, pkt + 1);
	case 'p':
		return gdb_cmd_reg_read(st, pkt + 1);
	case 'P':
		return gdb_cmd_reg_write(st, pkt + 1);
	case 'm':
		return gdb_cmd_mem_read(st, pkt + 1);
	case 'M':
		return gdb_cmd_mem_write(st, pkt + 1);
	case 'Z':
	case 'z':
		return gdb_cmd_break(st, pkt);
	case 'c':
	case 'C':
	case 's':
	case 'S':
		return gdb_cmd_resume(st, pkt[0], -1);
	case 'H':
		if (pkt[1] == 'g' || pkt[1] == 'c') {
			int cpu = gdb_parse_tid(st, pkt + 2);

			if (cpu == -2)
				return gdb_reply_error(st, 22);
			if (pkt[1] == 'g' && cpu >= 0)
				st->g_cpu = cpu;
			return gdb_reply(st, "OK");
		}
		break;
	case 'T':
		return gdb_reply(st, gdb_parse_tid(st, pkt + 1) >= 0 ? "OK" : "E01");
	case 'k':
		return gdb_kill(st);
	case 'D':
		gdb_reply(st, "OK");
		return gdb_detach(st);
	case 'v':
		if (!strcmp(pkt, "vCont?"))
			return gdb_reply(st, "vCont;c;C;s;S");
		if (!strncmp(pkt, "vCont;", 6))
			return gdb_cmd_vcont(st, pkt + 6);
		if (!strncmp(pkt, "vKill", 5)) {
			gdb_reply(st, "OK");
			return gdb_kill(st);
		}
		break;
	case 'q':
		if (!strncmp(pkt, "qSupported", 10))
			return gdb_reply(st, "PacketSize=1000;qXfer:features:read+;swbreak+;hwbreak+;"
				     "QStartNoAckMode+;vContSupported+");
		if (!strncmp(pkt, "qXfer:features:read:", 20))
			return gdb_cmd_xfer_features(st, pkt + 20);
		if (!strcmp(pkt, "qAttached"))
			return gdb_reply(st, "1");
		if (!strcmp(pkt, "qC")) {
			char b[24];

			snprintf(b, sizeof(b), "QC%x", gdb_tid(st->g_cpu));
			return gdb_reply(st, b);
		}
		if (!strcmp(pkt, "qfThreadInfo")) {
			gdb_update_listed(st);
			return gdb_cmd_threads(st);
		}
		if (!strcmp(pkt, "qsThreadInfo"))
			return gdb_reply(st, "l");
		if (!strncmp(pkt, "qThreadExtraInfo,", 17))
			return gdb_cmd_extra_info(st, pkt + 17);
		if (!strncmp(pkt, "qSymbol", 7))
			return gdb_reply(st, "OK");
		if (!strncmp(pkt, "qRcmd,", 6))
			return gdb_cmd_rcmd(st, pkt + 6);
		break;
	case 'Q':
		if (!strcmp(pkt, "QStartNoAckMode")) {
			gdb_reply(st, "OK");
			st->noack = true;
			return;
		}
		break;
	default:
		break;
	}
	gdb_reply(st, "");
}
