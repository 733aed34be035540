/* SPDX-License-Identifier: MIT */
#include "mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "util.h"

void mem_init(struct guest_mem *mem, uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die_errno(EXIT_USAGE, "cannot map %llu MiB of guest RAM",
			  (unsigned long long)(size >> 20));
	madvise(p, size, MADV_DONTDUMP);
	mem->hva = p;
	mem->size = size;
}

void mem_free(struct guest_mem *mem)
{
	if (mem->hva)
		munmap(mem->hva, mem->size);
	mem->hva = NULL;
	mem->size = 0;
}

bool mem_contains(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	return gpa <= mem->size && len <= mem->size - gpa;
}

void *mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	if (!mem_contains(mem, gpa, len))
		return NULL;
	return mem->hva + gpa;
}

int mem_read(const struct guest_mem *mem, uint64_t gpa, void *dst, uint64_t len)
{
	const void *src = mem_ptr(mem, gpa, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int mem_write(const struct guest_mem *mem, uint64_t gpa, const void *src, uint64_t len)
{
	void *dst = mem_ptr(mem, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int mem_read_str(const struct guest_mem *mem, uint64_t gpa, char *buf, int max)
{
	uint64_t avail;
	const char *src, *nul;

	if (max <= 0 || gpa >= mem->size)
		return -1;
	avail = mem->size - gpa;
	src = (const char *)mem->hva + gpa;
	nul = memchr(src, '\0', avail < (uint64_t)max ? avail : (uint64_t)max);
	if (!nul)
		return -1;
	memcpy(buf, src, (size_t)(nul - src) + 1);
	return (int)(nul - src);
}
