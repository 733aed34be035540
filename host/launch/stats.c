/* SPDX-License-Identifier: MIT */
#include "stats.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"
#include "vcpu.h"

/* Guest RAM pages resident in this process (they count in its RSS too). */
static uint64_t guest_resident_kib(const struct guest_mem *mem)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pages = (size_t)(mem->size / (uint64_t)page), n = 0;
	unsigned char *vec = xcalloc(pages, 1);

	if (mincore(mem->hva, mem->size, vec) == 0)
		for (size_t i = 0; i < pages; i++)
			n += vec[i] & 1;
	free(vec);
	return (uint64_t)n * (uint64_t)page / 1024;
}

/* Peak RSS of this process since exec (VmHWM). getrusage's ru_maxrss would include what the
 * parent had touched before the fork. */
static int status_fd = -1;

void stats_open(void)
{
	if (status_fd < 0)
		status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
}

/* From the descriptor stats_open() took before the sandbox: /proc regenerates the file at
 * each read from offset 0. */
static long peak_rss_kib(void)
{
	char buf[4096];
	ssize_t n;
	const char *p;
	long kib = -1;

	stats_open();
	n = status_fd < 0 ? -1 : pread(status_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nVmHWM:");
	if (!p || sscanf(p + 1, "VmHWM: %ld kB", &kib) != 1)
		return -1;
	return kib;
}

static long long us_since(uint64_t start, uint64_t t)
{
	return t ? (long long)(t - start) / 1000 : -1;
}

void stats_print(const struct vm *vm, const struct report *r, uint64_t request_ns, uint64_t start_ns)
{
	const struct vcpu *bsp = &vm->vcpus[0];
	uint64_t exits = 0;

	for (int i = 0; i < vm->ncpus; i++)
		exits += vm->vcpus[i].exits;
	fprintf(stderr,
		"irqlab-stats: first_run_us=%lld hello_us=%lld done_us=%lld exit_us=%lld "
		"bsp_kvm_run_us=%llu request_us=%llu exits=%llu rss_kib=%ld guest_kib=%llu\n",
		us_since(start_ns, bsp->first_run_ns), us_since(start_ns, r->hello_ns),
		us_since(start_ns, r->end_ns), us_since(start_ns, now_ns()),
		(unsigned long long)bsp->run_ns / 1000, (unsigned long long)request_ns / 1000,
		(unsigned long long)exits, peak_rss_kib(),
		(unsigned long long)guest_resident_kib(&vm->mem));
}
