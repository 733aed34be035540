/* SPDX-License-Identifier: MIT */
/*
 * The raw KVM floor for bench/bench.py: the least a launcher can do to reach a guest's first
 * port write, in one process: open /dev/kvm, VM, 64 MiB slot, irqchip (after the slot),
 * one vCPU with KVM's supported CPUID, long mode, run 3 instructions (`out` to the irqlab port).
 * It prints one line when the port write arrives, and on exit: kvm_run_ns=<time inside KVM_RUN>.
 * Like irqlab, it leaves the kernel's VM teardown (~15 ms with an irqchip here) to a child that
 * outlives it, so both are compared like for like.
 * Deliberately independent of irqlab's code: it is the baseline irqlab is measured against.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "floor.h"

#define MEM (64ull << 20)
#define PORT 0x0E10

static uint64_t ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void long_mode(int vcpu, uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + 0x10000), *pdpt = (uint64_t *)(mem + 0x11000);
	uint64_t *pd = (uint64_t *)(mem + 0x12000);
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = 0x100000, .rflags = 2 };
	struct kvm_segment cs = { .limit = 0xFFFFFFFF, .selector = 8, .type = 11, .present = 1,
				  .s = 1, .l = 1, .g = 1 };
	struct kvm_segment ds = { .limit = 0xFFFFFFFF, .selector = 16, .type = 3, .present = 1,
				  .s = 1, .db = 1, .g = 1 };

	pml4[0] = 0x11003;
	pdpt[0] = 0x12003;
	for (int i = 0; i < 512; i++)
		pd[i] = (uint64_t)i << 21 | 0x83;
	xioctl(vcpu, KVM_GET_SREGS, &s, "KVM_GET_SREGS");
	s.cs = cs;
	s.ds = s.es = s.fs = s.gs = s.ss = ds;
	s.cr0 = 0x80050033;
	s.cr3 = 0x10000;
	s.cr4 = 0x20;
	s.efer = 0xD01;
	xioctl(vcpu, KVM_SET_SREGS, &s, "KVM_SET_SREGS");
	xioctl(vcpu, KVM_SET_REGS, &r, "KVM_SET_REGS");
}

/* The child holds the VM fds until this process has exited (its pipe read sees EOF). */
static void defer_teardown(void)
{
	int fds[2];
	char c;

	fflush(NULL);
	if (pipe(fds) < 0)
		return;
	if (fork() == 0) {
		close(fds[1]);
		close(0);
		close(1);
		close(2);
		(void)read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
}

int main(void)
{
	static const uint8_t code[] = { 0x66, 0xBA, PORT & 0xFF, PORT >> 8, /* mov dx, PORT */
					0xEF,                               /* out dx, eax  */
					0xF4 };                             /* hlt          */
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm, vcpu, nent = 256;
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
	uint8_t *mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct kvm_userspace_memory_region slot = { .memory_size = MEM, .userspace_addr = (uintptr_t)mem };
	struct kvm_run *run;
	uint64_t t0;

	if (kvm < 0) {
		perror("/dev/kvm");
		return 77;
	}
	vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot, "KVM_SET_USER_MEMORY_REGION");
	xioctl(vm, KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP");
	vcpu = xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	cpuid->nent = nent;
	xioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid, "KVM_GET_SUPPORTED_CPUID");
	xioctl(vcpu, KVM_SET_CPUID2, cpuid, "KVM_SET_CPUID2");
	run = mmap(NULL, xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE"),
		   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	memcpy(mem + 0x100000, code, sizeof(code));
	long_mode(vcpu, mem);
	t0 = ns();
	xioctl(vcpu, KVM_RUN, 0, "KVM_RUN");
	t0 = ns() - t0;
	if (run->exit_reason != KVM_EXIT_IO || run->io.port != PORT)
		return fprintf(stderr, "unexpected exit %u\n", run->exit_reason), 1;
	printf("first port write\n");
	fflush(stdout);
	fprintf(stderr, "kvm-floor-stats: kvm_run_ns=%llu\n", (unsigned long long)t0);
	defer_teardown();
	/* as irqlab's vm_destroy(): unmapping and closing before exit keeps the exit itself cheap */
	munmap(run, (size_t)ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0));
	close(vcpu);
	close(vm);
	close(kvm);
	munmap(mem, MEM);
	return 0;
}
