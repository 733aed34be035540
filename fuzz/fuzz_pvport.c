/* SPDX-License-Identifier: MIT */
/*
 * The port protocol decoder and the report behind it, on a fake VM: a guest RAM buffer and no
 * KVM (requests answer -PV_ENOSYS without a VM). Input:
 *   byte 0      bit 0: --format json, bit 1: --list (bits 2-7 unused)
 *   u16 L, L bytes   guest RAM from address 0 (message blocks, test tables, names)
 *   then 8 bytes per `out`: u32 block address, u32 APIC ID of the sender (at most 256 outs)
 * After the outs the run ends as the launcher ends it: a timeout crash if the guest never said
 * DONE, then report_finish() writes the end-of-run format.
 */
#include <stdbool.h>
#include <stdio.h>

#include "fuzz.h"
#include "report.h"
#include "session.h"

#define RAM (64u << 10)
#define MAX_OUTS 256

/* One 32-bit `out` to PORT_PV from `cpu` carrying `gpa` (session.h: how to drive the session
 * without KVM); false when the vCPU would stop. */
static bool port_out(struct session *s, uint32_t cpu, uint64_t gpa)
{
	return session_port_out(s, cpu, gpa) == PV_CONTINUE;
}

static FILE *sink(void)
{
	static char buf[1 << 20];
	static FILE *f;

	if (!f && !(f = fmemopen(buf, sizeof(buf), "w")))
		abort();
	rewind(f);
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct guest_mem *mem = fuzz_ram(RAM);
	uint8_t opts = (uint8_t)fuzz_take(&data, &len, 1);
	size_t ram_len = fuzz_take(&data, &len, 2);
	struct report r;
	struct session s;
	bool listed;

	ram_len = ram_len < len ? ram_len : len;
	memset(mem->hva, 0, RAM);
	memcpy(mem->hva, data, ram_len);
	data += ram_len, len -= ram_len;
	report_init(&r, opts & 1 ? FMT_JSON : FMT_KTAP, sink(), NULL, "fuzz.elf");
	s = (struct session){ .mem = mem, .report = &r, .list = opts & 2 };
	for (int i = 0; i < MAX_OUTS && len >= 8; i++) {
		uint32_t gpa = (uint32_t)fuzz_take(&data, &len, 4), cpu = (uint32_t)fuzz_take(&data, &len, 4);

		if (!port_out(&s, cpu, gpa))
			break;
	}
	listed = session_finish_list(&s, NULL);   /* --list: printed if the run kept to the protocol */
	if (!report_ended(&r) && !listed)
		report_crash(&r, OUT_TIMEOUT, "no result within 1 s", NULL);
	report_finish(&r);
	session_free(&s);
	report_free(&r);
	return 0;
}
