// SPDX-License-Identifier: MIT
/*
 * Suite `check`: x87, SSE and AVX at CPL0, each after what the SDM requires an OS to enable
 * (Vol. 3A 13.1-13.3): CR0.EM = CR0.TS = 0 and CR0.MP = 1; CR4.OSFXSR and CR4.OSXMMEXCPT for
 * SSE; CR4.OSXSAVE and the state components in XCR0 (XSETBV) for AVX. Floats are written as
 * their IEEE-754 bit patterns (the guest is built without FP registers): 1.0f is 0x3F800000.
 */
#include "check_suite.h"
#include "cpu.h"
#include "lib.h"
#include "test.h"

#define F1 0x3F800000u  /* 1.0f */
#define F2 0x40000000u  /* 2.0f */
#define F3 0x40400000u
#define F4 0x40800000u
#define F5 0x40A00000u
#define F6 0x40C00000u

#define XCR0_X87        (1ull << 0)
#define XCR0_SSE        (1ull << 1)
#define XCR0_AVX        (1ull << 2)
#define XCR0_AVX512     (7ull << 5)     /* opmask, ZMM_Hi256, Hi16_ZMM */

/* Lanes a + b = {1,2,3,4} + {2,2,2,2} repeated; sum holds the result. 64 bytes: one zmm. */
static const uint32_t lanes_a[16] __attribute__((aligned(64))) = {
	F1, F2, F3, F4, F1, F2, F3, F4, F1, F2, F3, F4, F1, F2, F3, F4,
};
static const uint32_t lanes_b[16] __attribute__((aligned(64))) = {
	F2, F2, F2, F2, F2, F2, F2, F2, F2, F2, F2, F2, F2, F2, F2, F2,
};
static const uint32_t lanes_sum[4] = { F3, F4, F5, F6 };
static uint32_t lanes_out[16] __attribute__((aligned(64)));

/* The first of n lanes that is not a + b, or -1. */
static int bad_lane(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (lanes_out[i] != lanes_sum[i % 4])
			return (int)i;
	return -1;
}

static void check_lanes(const char *insn, unsigned n)
{
	int i = bad_lane(n);

	check(i < 0, "%s of {1.0, 2.0, 3.0, 4.0} + 2.0: lane %d is 0x%08x, expected 0x%08x", insn,
	      i, i < 0 ? 0 : lanes_out[i], i < 0 ? 0 : lanes_sum[i % 4]);
}

void check_x87(void)
{
	uint32_t r = 0;
	uint64_t cr4;
	int vec;

	if (!check_begin("fld1; fld1; faddp; fistp = 2 (FPU)"))
		return;
	if (!check_need(CPUID_BIT(1, EDX, 0, "FPU")))
		return;
	cr4 = check_simd_enable(0);
	CHECK_TRY("fninit\n\tfld1\n\tfld1\n\tfaddp\n\tfistpl %[r]", : [vec] "=r"(vec), [r] "=m"(r)
		  : : "r11", "memory");
	check_simd_restore(cr4);
	if (check_completed(vec, "fld1/faddp/fistp"))
		check(r == 2, "x87 1.0 + 1.0 stored as integer %u, expected 2", r);
}

void check_sse(void)
{
	uint64_t cr4;
	int vec;

	if (!check_begin("addps xmm: exact sums (SSE)"))
		return;
	if (!check_need(CPUID_BIT(1, EDX, 25, "SSE")))
		return;
	cr4 = check_simd_enable(CK_CR4_OSFXSR | CK_CR4_OSXMMEXCPT);
	CHECK_TRY("movups %[a], %%xmm0\n\tmovups %[b], %%xmm1\n\taddps %%xmm1, %%xmm0\n\t"
		  "movups %%xmm0, %[r]", : [vec] "=r"(vec), [r] "=m"(lanes_out)
		  : [a] "m"(lanes_a), [b] "m"(lanes_b) : "r11", "memory");
	check_simd_restore(cr4);
	if (check_completed(vec, "movups/addps"))
		check_lanes("addps", 4);
}

void check_sse2_movq(void)
{
	uint64_t in = 0x0123456789ABCDEFull, out = 0, cr4;
	int vec;

	if (!check_begin("movq gpr->xmm->gpr (SSE2)"))
		return;
	if (!check_need(CPUID_BIT(1, EDX, 26, "SSE2")))
		return;
	cr4 = check_simd_enable(CK_CR4_OSFXSR | CK_CR4_OSXMMEXCPT);
	CHECK_TRY("movq %[in], %%xmm0\n\tmovq %%xmm0, %[out]", : [vec] "=r"(vec), [out] "=&r"(out)
		  : [in] "r"(in) : "r11");
	check_simd_restore(cr4);
	if (check_completed(vec, "movq xmm"))
		check(out == in, "movq through xmm0: 0x%lx came back as 0x%lx", in, out);
}

/* XCR0 after CR4.OSXSAVE: bit 0 (x87) is always 1, and only components CPUID.(0DH,0):EDX:EAX
 * lists may be set (SDM Vol. 1 13.3). */
void check_xgetbv(void)
{
	struct cpuid_regs d;
	uint64_t cr4, allowed;
	uint32_t lo = 0, hi = 0;
	int vec;

	if (!check_begin("XCR0[0]=1, within CPUID.0DH"))
		return;
	if (!check_need(CPUID_BIT(1, ECX, 26, "XSAVE")))
		return;
	d = cpuid_count(0xD, 0);
	allowed = (uint64_t)d.edx << 32 | d.eax;
	cr4 = check_simd_enable(CK_CR4_OSXSAVE);
	CHECK_TRY("xgetbv", : [vec] "=r"(vec), "=a"(lo), "=d"(hi) : "c"(0) : "r11");
	check_simd_restore(cr4);
	if (check_completed(vec, "xgetbv")) {
		uint64_t xcr0 = (uint64_t)hi << 32 | lo;

		check(xcr0 & XCR0_X87, "XCR0 = 0x%lx: bit 0 (x87) clear", xcr0);
		check(!(xcr0 & ~allowed), "XCR0 = 0x%lx sets components CPUID.(0DH,0) does not "
		      "list (0x%lx)", xcr0, allowed);
	}
}

/* CR4.OSXSAVE, then XCR0 = x87|SSE|AVX(|AVX-512) by XSETBV. False (a failed check) if the
 * components are not all listed in CPUID.(0DH,0) or XSETBV faults. */
static bool check_xcr0_enable(uint64_t want, uint64_t *cr4)
{
	struct cpuid_regs d = cpuid_count(0xD, 0);
	uint64_t allowed = (uint64_t)d.edx << 32 | d.eax;
	int vec;

	if (!check((want & allowed) == want, "XCR0 components 0x%lx needed, CPUID.(0DH,0) lists "
		   "0x%lx", want, allowed))
		return false;
	*cr4 = check_simd_enable(CK_CR4_OSFXSR | CK_CR4_OSXMMEXCPT | CK_CR4_OSXSAVE);
	CHECK_TRY("xsetbv", : [vec] "=r"(vec) : "c"(0), "a"((uint32_t)want),
		  "d"((uint32_t)(want >> 32)) : "r11");
	if (!check_completed(vec, "xsetbv")) {
		check_simd_restore(*cr4);
		return false;
	}
	return true;
}

/* Back to XCR0 = x87 (the reset value) before OSXSAVE goes. */
static void check_xcr0_reset(uint64_t cr4)
{
	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)XCR0_X87), "d"(0));
	check_simd_restore(cr4);
}

void check_avx(void)
{
	uint64_t cr4;
	int vec;

	if (!check_begin("vaddps ymm: exact sums (AVX)"))
		return;
	if (!check_need(CPUID_BIT(1, ECX, 26, "XSAVE")) || !check_need(CPUID_BIT(1, ECX, 28, "AVX")))
		return;
	if (!check_xcr0_enable(XCR0_X87 | XCR0_SSE | XCR0_AVX, &cr4))
		return;
	CHECK_TRY("vmovups %[a], %%ymm0\n\tvaddps %[b], %%ymm0, %%ymm1\n\tvmovups %%ymm1, %[r]\n\t"
		  "vzeroupper", : [vec] "=r"(vec), [r] "=m"(lanes_out)
		  : [a] "m"(lanes_a), [b] "m"(lanes_b) : "r11", "memory");
	check_xcr0_reset(cr4);
	if (check_completed(vec, "vmovups/vaddps ymm"))
		check_lanes("vaddps ymm", 8);
}

void check_avx512f(void)
{
	uint64_t cr4;
	int vec;

	if (!check_begin("vaddps zmm: exact sums (AVX512F)"))
		return;
	if (!check_need(CPUID_BIT(1, ECX, 26, "XSAVE")) ||
	    !check_need(CPUID_BIT(7, EBX, 16, "AVX512F")))
		return;
	if (!check_xcr0_enable(XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512, &cr4))
		return;
	CHECK_TRY("vmovups %[a], %%zmm0\n\tvaddps %[b], %%zmm0, %%zmm1\n\tvmovups %%zmm1, %[r]\n\t"
		  "vzeroupper", : [vec] "=r"(vec), [r] "=m"(lanes_out)
		  : [a] "m"(lanes_a), [b] "m"(lanes_b) : "r11", "memory");
	check_xcr0_reset(cr4);
	if (check_completed(vec, "vmovups/vaddps zmm"))
		check_lanes("vaddps zmm", 16);
}
