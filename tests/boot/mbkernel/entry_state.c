/* SPDX-License-Identifier: MIT */
/* The machine state at entry (Multiboot Specification 3.2): CR0.PE set, paging off, EFLAGS.IF
 * and VM clear, CS a 32-bit execute/read segment and DS/ES/SS read/write data segments, all
 * with base 0 and limit 4 GiB. The loader's descriptors are read through its GDTR. */
#include "mbk.h"

#define CR0_PE      0x00000001u
#define CR0_PG      0x80000000u
#define EFLAGS_IF   0x00000200u
#define EFLAGS_VM   0x00020000u

/* SDM Vol. 3A 3.4.5: segment descriptor fields */
#define DESC_TYPE(d)   ((uint32_t)((d) >> 40) & 0xF)
#define DESC_S(d)      ((uint32_t)((d) >> 44) & 1)
#define DESC_P(d)      ((uint32_t)((d) >> 47) & 1)
#define DESC_DB(d)     ((uint32_t)((d) >> 54) & 1)
#define DESC_G(d)      ((uint32_t)((d) >> 55) & 1)
#define DESC_LIMIT(d)  ((uint32_t)((d) & 0xFFFF) | ((uint32_t)((d) >> 32) & 0xF0000))
#define DESC_BASE(d)   ((uint32_t)(((d) >> 16) & 0xFFFFFF) | ((uint32_t)((d) >> 56) << 24))
#define TYPE_CODE      0x8
#define TYPE_RW        0x2   /* code: readable; data: writable */

/* A flat 4 GiB descriptor of the wanted kind behind `sel`. */
static bool flat(uint16_t sel, bool code)
{
	const struct entry_state *e = &entry_state;
	uint64_t d;

	if ((sel & 4) || sel < 8 || (uint32_t)(sel | 7) > e->gdtr.limit)
		return false;
	d = *(const uint64_t *)(uintptr_t)(e->gdtr.base + (sel & ~7u));
	return DESC_P(d) && DESC_S(d) && DESC_BASE(d) == 0 && DESC_LIMIT(d) == 0xFFFFF && DESC_G(d) &&
	       DESC_DB(d) && ((DESC_TYPE(d) & TYPE_CODE) != 0) == code && (DESC_TYPE(d) & TYPE_RW);
}

void check_entry_state(const struct boot *b)
{
	const struct entry_state *e = &entry_state;
	bool regs = (e->cr0 & CR0_PE) && !(e->cr0 & CR0_PG) && !(e->eflags & (EFLAGS_IF | EFLAGS_VM));
	bool segs = flat(e->cs, true) && flat(e->ds, false) && flat(e->es, false) && flat(e->ss, false);

	if (!tap_ok(regs && segs, "entry state")) {
		puts("# cr0=");
		put_hex(e->cr0);
		puts(" eflags=");
		put_hex(e->eflags);
		puts(" cs=");
		put_hex(e->cs);
		puts(" ds=");
		put_hex(e->ds);
		puts(" ss=");
		put_hex(e->ss);
		putc('\n');
	}
}
