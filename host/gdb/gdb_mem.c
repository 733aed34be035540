/* SPDX-License-Identifier: MIT */
/* Guest virtual -> guest physical for the GDB stub: the guest's own page tables from CR3 (32-bit
 * two-level with 4M pages, PAE three-level, long-mode four-level with 2M/1G pages). Every table
 * entry is read with mem_read() and every data byte reached through mem_read()/mem_write(): a
 * bad CR3 or entry gives -EFAULT, never a host access outside guest RAM. */
#include <errno.h>

#include <x86/msr.h>

#include "gdb_internal.h"

#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define PTE_P 1ull
#define PTE_PS (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull

static int entry(const struct guest_mem *mem, uint64_t table, uint64_t idx, int size, uint64_t *out)
{
	uint32_t e32;

	if (size == 4) {
		if (mem_read(mem, table + idx * 4, &e32, 4) < 0)
			return -EFAULT;
		*out = e32;
	} else if (mem_read(mem, table + idx * 8, out, 8) < 0) {
		return -EFAULT;
	}
	return (*out & PTE_P) ? 0 : -EFAULT;
}

int gdb_translate(const struct guest_mem *mem, const struct kvm_sregs *s, uint64_t va, uint64_t *pa,
		  uint64_t *left)
{
	uint64_t e, table, page;
	int levels, shift;

	if (!(s->cr0 & CR0_PG)) {
		*pa = va & 0xffffffffull;           /* no paging: linear is physical (32 bits) */
		*left = 0x100000000ull - *pa;
		return 0;
	}
	if (s->cr4 & CR4_LA57)
		return -EFAULT;                      /* 5-level paging: not walked */
	if (!(s->cr4 & CR4_PAE)) {               /* 32-bit paging */
		va &= 0xffffffffull;
		if (entry(mem, s->cr3 & 0xfffff000ull, va >> 22, 4, &e) < 0)
			return -EFAULT;
		if ((e & PTE_PS) && (s->cr4 & CR4_PSE)) {
			*pa = (e & 0xffc00000ull) | ((e >> 13 & 0xff) << 32) | (va & 0x3fffff);
			*left = 0x400000 - (va & 0x3fffff);
			return 0;
		}
		if (entry(mem, e & 0xfffff000ull, va >> 12 & 0x3ff, 4, &e) < 0)
			return -EFAULT;
		*pa = (e & 0xfffff000ull) | (va & 0xfff);
		*left = 0x1000 - (va & 0xfff);
		return 0;
	}
	if (s->efer & EFER_LMA) {
		levels = 4;
		table = s->cr3 & ADDR_MASK;
	} else {                                 /* PAE: CR3 points at four 8-byte PDPTEs */
		levels = 3;
		va &= 0xffffffffull;
		table = s->cr3 & 0xffffffe0ull;
	}
	for (int l = levels; l >= 1; l--) {
		shift = 12 + 9 * (l - 1);
		if (entry(mem, table, (va >> shift) & (l == 3 && levels == 3 ? 3 : 511), 8, &e) < 0)
			return -EFAULT;
		if (l == 1 || ((l == 2 || (l == 3 && levels == 4)) && (e & PTE_PS))) {
			page = 1ull << shift;
			*pa = (e & ADDR_MASK & ~(page - 1)) | (va & (page - 1));
			*left = page - (va & (page - 1));
			return 0;
		}
		table = e & ADDR_MASK;
	}
	return -EFAULT;
}

static long copy(const struct guest_mem *mem, const struct kvm_sregs *s, uint64_t va, void *buf,
		 size_t len, bool write)
{
	size_t done = 0;

	while (done < len) {
		uint64_t pa, left, n;

		if (gdb_translate(mem, s, va + done, &pa, &left) < 0)
			break;
		n = len - done < left ? len - done : left;
		if (write ? mem_write(mem, pa, (const uint8_t *)buf + done, n) < 0
			  : mem_read(mem, pa, (uint8_t *)buf + done, n) < 0)
			break;
		done += n;
	}
	return done || !len ? (long)done : -EFAULT;
}

long gdb_mem_read(const struct guest_mem *mem, const struct kvm_sregs *s, uint64_t va, void *buf, size_t len)
{
	return copy(mem, s, va, buf, len, false);
}

long gdb_mem_write(const struct guest_mem *mem, const struct kvm_sregs *s, uint64_t va, const void *buf,
		   size_t len)
{
	return copy(mem, s, va, (void *)buf, len, true);
}
