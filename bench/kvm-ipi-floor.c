/* SPDX-License-Identifier: MIT */
/*
 * The raw KVM IPI floor for bench/bench_smp.py: a fixed-IPI ping-pong between two vCPUs that
 * both wait in `sti; hlt`, measured by the guest (ipi-floor.asm) with the TSC.
 * Usage: kvm-ipi-floor xapic|x2apic [IPI-FLOOR-BIN]; the binary defaults to ipi-floor.bin next
 * to this program. Prints `kvm-ipi-floor: mode=M min_ns=.. median_ns=.. p99_ns=..`.
 * The host does everything it can: 64 MiB slot, irqchip (after the slot), CPUID, identity page
 * tables, GDT, IDT, long mode on both vCPUs (the AP made runnable without INIT/SIPI).
 * Deliberately independent of irqlab's code: it is the baseline irqlab is measured against.
 * Exit status: 0; 1 guest failure or timeout; 2 usage or binary; 77 no usable /dev/kvm (any
 * failing KVM ioctl, as kvm-floor).
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "floor.h"

#define MEM (64ull << 20)
#define GDT 0x1000
#define IDT 0x2000
#define PML4 0x10000            /* + PDPT at 0x11000, 4 PDs at 0x12000..0x15FFF */
#define LOAD 0x100000           /* ipi-floor.asm: org */
#define DATA 0x200000           /* ipi-floor.asm: DATA */
#define STACK_TOP 0x80000       /* per vCPU: STACK_TOP - index * 0x10000 */
#define PING 0x40
#define PONG 0x41
#define PORT_DONE 0xE0
#define PORT_FAULT 0xE1
#define MAX_ROUNDS 1000

struct shared {                 /* at DATA, the layout of ipi-floor.asm */
	uint32_t mode, ready, pongs, count, pad[12];
	uint32_t delta[MAX_ROUNDS];
};

struct header {                 /* the first bytes of ipi-floor.bin */
	uint64_t entry;
	struct { uint64_t ping, pong; } isr[2];  /* index: 0 xAPIC, 1 x2APIC */
	uint64_t fault;
};

static int kvm, vm, run_size;
static uint8_t *mem;

static void load_binary(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		exit(2);
	}
	n = fread(mem + LOAD, 1, DATA - LOAD, f);
	fclose(f);
	if (n < sizeof(struct header)) {
		fprintf(stderr, "kvm-ipi-floor: %s: too short\n", path);
		exit(2);
	}
}

/* Identity map of 0..4 GiB with 2 MiB pages; the APIC's 2 MiB page is UC (PCD|PWT). */
static void build_tables(int x2apic)
{
	uint64_t *pml4 = (uint64_t *)(mem + PML4), *pdpt = pml4 + 512, *pd = pml4 + 1024;
	uint64_t *gdt = (uint64_t *)(mem + GDT), *idt = (uint64_t *)(mem + IDT);
	struct header *h = (struct header *)(mem + LOAD);

	pml4[0] = (PML4 + 0x1000) | 3;
	for (int i = 0; i < 4; i++)
		pdpt[i] = (PML4 + 0x2000 + i * 0x1000) | 3;
	for (uint64_t i = 0; i < 2048; i++)
		pd[i] = i << 21 | 0x83 | (i << 21 >= 0xFEC00000 ? 0x18 : 0);
	gdt[1] = 0x00AF9A000000FFFF;    /* 8: 64-bit code */
	gdt[2] = 0x00CF92000000FFFF;    /* 16: flat data */
	for (int v = 0; v < 256; v++) { /* 64-bit interrupt gates, SDM Vol. 3A 6.14.1 */
		uint64_t isr = v == PING ? h->isr[x2apic].ping : v == PONG ? h->isr[x2apic].pong : h->fault;

		idt[2 * v] = (isr & 0xFFFF) | 8 << 16 | 0x8E00ull << 32 | (isr >> 16 & 0xFFFF) << 48;
		idt[2 * v + 1] = isr >> 32;
	}
}

/* KVM's supported CPUID with this vCPU's APIC ID in leaf 1 EBX[31:24] and leaf 0xB EDX. */
static void set_cpuid(int vcpu, uint32_t id)
{
	static struct kvm_cpuid2 *supported;
	struct kvm_cpuid2 *c;
	size_t size = sizeof(*c) + 256 * sizeof(c->entries[0]);

	if (!supported) {
		supported = calloc(1, size);
		supported->nent = 256;
		xioctl(kvm, KVM_GET_SUPPORTED_CPUID, supported, "KVM_GET_SUPPORTED_CPUID");
	}
	c = malloc(size);
	memcpy(c, supported, size);
	for (uint32_t i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 1)
			c->entries[i].ebx = (c->entries[i].ebx & 0xFFFFFF) | id << 24;
		if (c->entries[i].function == 0xB)
			c->entries[i].edx = id;
	}
	xioctl(vcpu, KVM_SET_CPUID2, c, "KVM_SET_CPUID2");
	free(c);
}

static void long_mode(int vcpu, uint32_t id)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = ((struct header *)(mem + LOAD))->entry, .rflags = 2,
			      .rsp = STACK_TOP - id * 0x10000, .rdi = id };
	struct kvm_segment cs = { .limit = 0xFFFFFFFF, .selector = 8, .type = 11, .present = 1,
				  .s = 1, .l = 1, .g = 1 };
	struct kvm_segment ds = { .limit = 0xFFFFFFFF, .selector = 16, .type = 3, .present = 1,
				  .s = 1, .db = 1, .g = 1 };

	xioctl(vcpu, KVM_GET_SREGS, &s, "KVM_GET_SREGS");
	s.cs = cs;
	s.ds = s.es = s.fs = s.gs = s.ss = ds;
	s.gdt.base = GDT;
	s.gdt.limit = 3 * 8 - 1;
	s.idt.base = IDT;
	s.idt.limit = 256 * 16 - 1;
	s.cr0 = 0x80050033;     /* PG|AM|WP|NE|ET|MP|PE */
	s.cr3 = PML4;
	s.cr4 = 0x20;           /* PAE */
	s.efer = 0xD01;         /* NXE|LMA|LME|SCE */
	xioctl(vcpu, KVM_SET_SREGS, &s, "KVM_SET_SREGS");
	xioctl(vcpu, KVM_SET_REGS, &r, "KVM_SET_REGS");
}

static int create_vcpu(uint32_t id, struct kvm_run **run)
{
	int vcpu = xioctl(vm, KVM_CREATE_VCPU, (void *)(uintptr_t)id, "KVM_CREATE_VCPU");

	set_cpuid(vcpu, id);
	long_mode(vcpu, id);
	if (id) {
		struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

		xioctl(vcpu, KVM_SET_MP_STATE, &mp, "KVM_SET_MP_STATE");
	}
	*run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	return vcpu;
}

/* Runs the vCPU until it writes PORT_DONE; anything else ends the program. */
static void run_vcpu(int vcpu, struct kvm_run *run, uint32_t id)
{
	struct kvm_regs r;

	for (;;) {
		xioctl(vcpu, KVM_RUN, 0, "KVM_RUN");
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_DONE)
			return;
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_FAULT) {
			xioctl(vcpu, KVM_GET_REGS, &r, "KVM_GET_REGS");
			fprintf(stderr, "kvm-ipi-floor: cpu %u: unexpected vector, frame %#llx %#llx\n",
				id, r.rax, r.rcx);
		} else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
			fprintf(stderr, "kvm-ipi-floor: cpu %u: internal error, suberror %u\n", id,
				run->internal.suberror);
		} else {
			fprintf(stderr, "kvm-ipi-floor: cpu %u: unexpected exit %u\n", id,
				run->exit_reason);
		}
		exit(1);
	}
}

static int ap_fd;
static struct kvm_run *ap_run;

static void *ap_thread(void *arg)
{
	(void)arg;
	run_vcpu(ap_fd, ap_run, 1);
	fprintf(stderr, "kvm-ipi-floor: the AP reported done\n");
	exit(1);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void report(const char *mode, struct shared *sh, uint64_t tsc_khz)
{
	uint32_t n = sh->count, *d = sh->delta;

	if (n == 0 || n > MAX_ROUNDS) {
		fprintf(stderr, "kvm-ipi-floor: bad round count %u\n", n);
		exit(1);
	}
	qsort(d, n, sizeof(*d), cmp_u32);
#define NS(ticks) ((unsigned long long)(ticks) * 1000000ull / tsc_khz)
	printf("kvm-ipi-floor: mode=%s min_ns=%llu median_ns=%llu p99_ns=%llu\n", mode, NS(d[0]),
	       NS(d[n / 2]), NS(d[n * 99 / 100 ? n * 99 / 100 - 1 : 0]));
	if (getenv("KVM_IPI_FLOOR_SAMPLES")) {  /* bench_smp.py's histogram: every round trip */
		printf("samples_ns=");
		for (uint32_t i = 0; i < n; i++)
			printf("%s%llu", i ? "," : "", NS(d[i]));
		printf("\n");
	}
}

static void on_alarm(int sig)
{
	struct shared *sh = (struct shared *)(mem + DATA);
	char msg[96];
	int n = snprintf(msg, sizeof(msg), "kvm-ipi-floor: timeout: ready=%u pongs=%u\n",
			 sh->ready, sh->pongs);

	(void)sig;
	(void)!write(2, msg, (size_t)n);
	_exit(1);
}

static void default_binary(char *path, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", path, size - 32);
	char *slash;

	path[n > 0 ? n : 0] = 0;
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "ipi-floor.bin");
}

int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region slot = { .memory_size = MEM };
	int x2apic = argc > 1 && !strcmp(argv[1], "x2apic"), bsp;
	struct kvm_run *bsp_run;
	char bin[PATH_MAX];
	pthread_t t;
	long tsc_khz;

	if (argc < 2 || argc > 3 || (!x2apic && strcmp(argv[1], "xapic")))
		return fprintf(stderr, "usage: kvm-ipi-floor xapic|x2apic [IPI-FLOOR-BIN]\n"), 2;
	if (argc == 3)
		snprintf(bin, sizeof(bin), "%s", argv[2]);
	else
		default_binary(bin, sizeof(bin));
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return perror("/dev/kvm"), 77;
	signal(SIGALRM, on_alarm);
	alarm(10);              /* a lost wakeup or a guest bug would otherwise hang the benchmark */
	mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (mem == MAP_FAILED)
		return perror("mmap"), 1;
	load_binary(bin);
	build_tables(x2apic);
	((struct shared *)(mem + DATA))->mode = x2apic;
	slot.userspace_addr = (uintptr_t)mem;
	run_size = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
	vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot, "KVM_SET_USER_MEMORY_REGION");
	xioctl(vm, KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP");
	if (x2apic) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_X2APIC_API,
			.args[0] = KVM_X2APIC_API_USE_32BIT_IDS | KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK };

		xioctl(vm, KVM_ENABLE_CAP, &cap, "KVM_ENABLE_CAP(KVM_CAP_X2APIC_API)");
	}
	bsp = create_vcpu(0, &bsp_run);
	ap_fd = create_vcpu(1, &ap_run);
	tsc_khz = xioctl(bsp, KVM_GET_TSC_KHZ, 0, "KVM_GET_TSC_KHZ");
	if (tsc_khz <= 0)
		return fprintf(stderr, "kvm-ipi-floor: no TSC frequency\n"), 77;
	if (pthread_create(&t, NULL, ap_thread, NULL))
		return fprintf(stderr, "kvm-ipi-floor: pthread_create failed\n"), 1;
	run_vcpu(bsp, bsp_run, 0);
	report(x2apic ? "x2apic" : "xapic", (struct shared *)(mem + DATA), (uint64_t)tsc_khz);
	fflush(stdout);
	_exit(0);               /* the AP thread is still inside KVM_RUN, halted */
}
