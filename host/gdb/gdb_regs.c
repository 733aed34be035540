/* SPDX-License-Identifier: MIT */
/*
 * The registers gdb is told about (qXfer:features:read target.xml) and where each one lives in
 * KVM's state. gdb 13 builds its i386/amd64 architecture from the features org.gnu.gdb.i386.core
 * and org.gnu.gdb.i386.sse (it does not accept the core alone), so both are described; x87 and
 * SSE registers read as zero (the guest never uses them: docs/kvm-pvm.md) and ignore writes.
 * fs_base/gs_base (org.gnu.gdb.i386.segments) are the segment bases of KVM_GET_SREGS (the MSRs in
 * long mode); cr0, cr2, cr3, cr4 and efer form irqlab's own read-only feature.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gdb_internal.h"

enum src {
	S_RAX, S_RBX, S_RCX, S_RDX, S_RSI, S_RDI, S_RBP, S_RSP,
	S_R8, S_R9, S_R10, S_R11, S_R12, S_R13, S_R14, S_R15, S_RIP, S_RFLAGS,
	S_CS, S_SS, S_DS, S_ES, S_FS, S_GS,
	S_ZERO, S_MXCSR, S_FCTRL, S_FTAG, S_FSBASE, S_GSBASE,
	S_CR0, S_CR2, S_CR3, S_CR4, S_EFER,
};

struct reg {
	const char *name;
	int bits;
	const char *type;
	const char *group;   /* NULL: general */
	enum src src;
	int feature;         /* index into features[] */
};

enum { F_CORE, F_SSE, F_SEG, F_CTL };
static const char *const features[] = { "org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse",
					"org.gnu.gdb.i386.segments", "org.irqlab.x86.control" };

/* The rows both layouts share, in gdb's order after the instruction pointer: eflags and the
 * segment selectors, the x87 registers, SSE's first eight and mxcsr. */
#define FLAGS_SEGMENTS \
	{ "eflags", 32, "int32", NULL, S_RFLAGS, F_CORE }, \
	{ "cs", 32, "int32", NULL, S_CS, F_CORE }, { "ss", 32, "int32", NULL, S_SS, F_CORE }, \
	{ "ds", 32, "int32", NULL, S_DS, F_CORE }, { "es", 32, "int32", NULL, S_ES, F_CORE }, \
	{ "fs", 32, "int32", NULL, S_FS, F_CORE }, { "gs", 32, "int32", NULL, S_GS, F_CORE }
#define X87 \
	{ "st0", 80, "i387_ext", NULL, S_ZERO, F_CORE }, { "st1", 80, "i387_ext", NULL, S_ZERO, F_CORE }, \
	{ "st2", 80, "i387_ext", NULL, S_ZERO, F_CORE }, { "st3", 80, "i387_ext", NULL, S_ZERO, F_CORE }, \
	{ "st4", 80, "i387_ext", NULL, S_ZERO, F_CORE }, { "st5", 80, "i387_ext", NULL, S_ZERO, F_CORE }, \
	{ "st6", 80, "i387_ext", NULL, S_ZERO, F_CORE }, { "st7", 80, "i387_ext", NULL, S_ZERO, F_CORE }, \
	{ "fctrl", 32, "int", "float", S_FCTRL, F_CORE }, { "fstat", 32, "int", "float", S_ZERO, F_CORE }, \
	{ "ftag", 32, "int", "float", S_FTAG, F_CORE }, { "fiseg", 32, "int", "float", S_ZERO, F_CORE }, \
	{ "fioff", 32, "int", "float", S_ZERO, F_CORE }, { "foseg", 32, "int", "float", S_ZERO, F_CORE }, \
	{ "fooff", 32, "int", "float", S_ZERO, F_CORE }, { "fop", 32, "int", "float", S_ZERO, F_CORE }
#define XMM(n) { "xmm" #n, 128, "vec128", "vector", S_ZERO, F_SSE }
#define XMM0_7 XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7)
#define MXCSR { "mxcsr", 32, "int", "vector", S_MXCSR, F_SSE }
#define CTL(w) \
	{ "cr0", w, "int", "system", S_CR0, F_CTL }, { "cr2", w, "int", "system", S_CR2, F_CTL }, \
	{ "cr3", w, "int", "system", S_CR3, F_CTL }, { "cr4", w, "int", "system", S_CR4, F_CTL }, \
	{ "efer", 64, "int", "system", S_EFER, F_CTL }

static const struct reg amd64[] = {
	{ "rax", 64, "int64", NULL, S_RAX, F_CORE }, { "rbx", 64, "int64", NULL, S_RBX, F_CORE },
	{ "rcx", 64, "int64", NULL, S_RCX, F_CORE }, { "rdx", 64, "int64", NULL, S_RDX, F_CORE },
	{ "rsi", 64, "int64", NULL, S_RSI, F_CORE }, { "rdi", 64, "int64", NULL, S_RDI, F_CORE },
	{ "rbp", 64, "data_ptr", NULL, S_RBP, F_CORE }, { "rsp", 64, "data_ptr", NULL, S_RSP, F_CORE },
	{ "r8", 64, "int64", NULL, S_R8, F_CORE }, { "r9", 64, "int64", NULL, S_R9, F_CORE },
	{ "r10", 64, "int64", NULL, S_R10, F_CORE }, { "r11", 64, "int64", NULL, S_R11, F_CORE },
	{ "r12", 64, "int64", NULL, S_R12, F_CORE }, { "r13", 64, "int64", NULL, S_R13, F_CORE },
	{ "r14", 64, "int64", NULL, S_R14, F_CORE }, { "r15", 64, "int64", NULL, S_R15, F_CORE },
	{ "rip", 64, "code_ptr", NULL, S_RIP, F_CORE },
	FLAGS_SEGMENTS, X87,
	XMM0_7, XMM(8), XMM(9), XMM(10), XMM(11), XMM(12), XMM(13), XMM(14), XMM(15), MXCSR,
	{ "fs_base", 64, "int", NULL, S_FSBASE, F_SEG }, { "gs_base", 64, "int", NULL, S_GSBASE, F_SEG },
	CTL(64),
};

static const struct reg i386[] = {
	{ "eax", 32, "int32", NULL, S_RAX, F_CORE }, { "ecx", 32, "int32", NULL, S_RCX, F_CORE },
	{ "edx", 32, "int32", NULL, S_RDX, F_CORE }, { "ebx", 32, "int32", NULL, S_RBX, F_CORE },
	{ "esp", 32, "data_ptr", NULL, S_RSP, F_CORE }, { "ebp", 32, "data_ptr", NULL, S_RBP, F_CORE },
	{ "esi", 32, "int32", NULL, S_RSI, F_CORE }, { "edi", 32, "int32", NULL, S_RDI, F_CORE },
	{ "eip", 32, "code_ptr", NULL, S_RIP, F_CORE },
	FLAGS_SEGMENTS, X87,
	XMM0_7, MXCSR,
	CTL(32),
};

static const struct reg *table(enum gdb_arch arch, int *n)
{
	bool ia32 = arch == GDB_ARCH_I386 || arch == GDB_ARCH_I8086;

	*n = ia32 ? (int)(sizeof(i386) / sizeof(i386[0])) : (int)(sizeof(amd64) / sizeof(amd64[0]));
	return ia32 ? i386 : amd64;
}

int gdb_reg_count(enum gdb_arch arch)
{
	int n;

	table(arch, &n);
	return n;
}

int gdb_reg_size(enum gdb_arch arch, int i)
{
	int n;
	const struct reg *t = table(arch, &n);

	return i < 0 || i >= n ? -EINVAL : t[i].bits / 8;
}

static __u64 *gpr(struct gdb_cpu_state *st, enum src s)
{
	__u64 *const p[] = { &st->r.rax, &st->r.rbx, &st->r.rcx, &st->r.rdx, &st->r.rsi, &st->r.rdi,
				&st->r.rbp, &st->r.rsp, &st->r.r8, &st->r.r9, &st->r.r10, &st->r.r11, &st->r.r12,
				&st->r.r13, &st->r.r14, &st->r.r15, &st->r.rip, &st->r.rflags };

	return s <= S_RFLAGS ? p[s] : NULL;
}

static uint64_t value(const struct gdb_cpu_state *cst, enum src s)
{
	struct gdb_cpu_state *st = (struct gdb_cpu_state *)cst;  /* read only */
	const struct kvm_segment *seg[] = { &st->s.cs, &st->s.ss, &st->s.ds, &st->s.es, &st->s.fs, &st->s.gs };

	if (s <= S_RFLAGS)
		return *gpr(st, s);
	if (s >= S_CS && s <= S_GS)
		return seg[s - S_CS]->selector;
	switch (s) {
	case S_MXCSR:
		return 0x1f80;
	case S_FCTRL:
		return 0x37f;             /* the x87 as after FNINIT: all registers empty */
	case S_FTAG:
		return 0xffff;
	case S_FSBASE:
		return st->s.fs.base;
	case S_GSBASE:
		return st->s.gs.base;
	case S_CR0:
		return st->s.cr0;
	case S_CR2:
		return st->s.cr2;
	case S_CR3:
		return st->s.cr3;
	case S_CR4:
		return st->s.cr4;
	case S_EFER:
		return st->s.efer;
	default:
		return 0;
	}
}

int gdb_reg_get(enum gdb_arch arch, int i, const struct gdb_cpu_state *st, uint8_t *out)
{
	int n, sz;
	const struct reg *t = table(arch, &n);
	uint64_t v;

	if (i < 0 || i >= n)
		return -EINVAL;
	sz = t[i].bits / 8;
	v = value(st, t[i].src);
	memset(out, 0, (size_t)sz);
	for (int b = 0; b < sz && b < 8; b++)
		out[b] = (uint8_t)(v >> (8 * b));
	return sz;
}

int gdb_reg_set(enum gdb_arch arch, int i, struct gdb_cpu_state *st, const uint8_t *in)
{
	int n, sz;
	const struct reg *t = table(arch, &n);
	uint64_t v = 0;

	if (i < 0 || i >= n)
		return -EINVAL;
	sz = t[i].bits / 8;
	for (int b = 0; b < sz && b < 8; b++)
		v |= (uint64_t)in[b] << (8 * b);
	if (t[i].src <= S_RFLAGS) {
		__u64 *p = gpr(st, t[i].src);

		*p = sz == 8 ? v : (*p & ~0xffffffffull) | v;  /* i386: the low half */
		return 0;
	}
	if (t[i].src == S_FSBASE || t[i].src == S_GSBASE) {
		(t[i].src == S_FSBASE ? &st->s.fs : &st->s.gs)->base = v;
		return 0;
	}
	return -EPERM;
}

size_t gdb_target_xml(enum gdb_arch arch, char *buf, size_t len)
{
	int n, f = -1;
	const struct reg *t = table(arch, &n);
	size_t o = 0;

#define PUT(...) (o += (size_t)snprintf(buf + (o < len ? o : len), o < len ? len - o : 0, __VA_ARGS__))
	PUT("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
	    "<architecture>%s</architecture>\n",
	    arch == GDB_ARCH_I386 ? "i386" : arch == GDB_ARCH_I8086 ? "i8086" : "i386:x86-64");
	for (int i = 0; i < n; i++) {
		if (t[i].feature != f) {
			if (f >= 0)
				PUT("</feature>\n");
			f = t[i].feature;
			PUT("<feature name=\"%s\">\n", features[f]);
			if (f == F_SSE)
				PUT("<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
				    "<union id=\"vec128\"><field name=\"v4_int32\" type=\"v4i32\"/>"
				    "<field name=\"uint128\" type=\"uint128\"/></union>\n");
		}
		PUT("<reg name=\"%s\" bitsize=\"%d\" type=\"%s\"%s%s%s/>\n", t[i].name, t[i].bits, t[i].type,
		    t[i].group ? " group=\"" : "", t[i].group ? t[i].group : "", t[i].group ? "\"" : "");
	}
	PUT("</feature>\n</target>\n");
#undef PUT
	return o;
}
