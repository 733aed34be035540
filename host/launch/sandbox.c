/* SPDX-License-Identifier: MIT */
/*
 * The run's sandbox, as Firecracker's jailer leaves a VMM: what a launcher needs once its VM is
 * built is KVM ioctls, memory, threads, signals, the clock and writes to descriptors it already
 * holds. The guest (and the image before it) is untrusted; should either take over the process,
 * the allowlist below is all it can reach. docs/security.md explains each entry.
 */
#include "sandbox.h"

#include <cap-ng.h>
#include <errno.h>
#include <malloc.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif

/* After setup: no open, no exec, no sockets, no ptrace; file I/O only on open descriptors. */
static const int allowed[] = {
	SCMP_SYS(ioctl),                                   /* KVM requests only: see add_rules() */
	SCMP_SYS(read), SCMP_SYS(pread64), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(pwrite64),
	SCMP_SYS(close), SCMP_SYS(lseek), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(pipe2), SCMP_SYS(eventfd2),      /* teardown pipe, irqfd */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(brk),
	SCMP_SYS(mremap), SCMP_SYS(mincore),                           /* mincore: --stats */
	SCMP_SYS(clone), SCMP_SYS(clone3), SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(sched_yield), SCMP_SYS(gettid), SCMP_SYS(getpid),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(tgkill),                                  /* pthread_kill: the vCPU kick */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday),
	SCMP_SYS(getrandom),
	SCMP_SYS(sysinfo), /* glibc's qsort() asks _SC_PHYS_PAGES (--trace sorts its events) */
};

/* --gdb: the stub's socket, made before the sandbox, takes one connection and talks on it. */
static const int gdb_allowed[] = {
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(sendto),
	SCMP_SYS(recvfrom), SCMP_SYS(setsockopt), SCMP_SYS(shutdown),
};

/* What the ASan/LSan/UBSan and TSan runtimes do at exit and when they report: LeakSanitizer
 * stops the threads from a tracer (clone, ptrace, prctl, wait4) after listing /proc/self/task;
 * a report reads /proc/self/maps and may start llvm-symbolizer. Sanitizer builds only. */
#ifdef SANITIZER_BUILD
static const int sanitizer_allowed[] = {
	SCMP_SYS(ptrace), SCMP_SYS(prctl), SCMP_SYS(wait4), SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(getdents64),
	SCMP_SYS(getdents), SCMP_SYS(readlink), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(access), SCMP_SYS(pipe),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(getppid), SCMP_SYS(kill),
	SCMP_SYS(tkill), SCMP_SYS(execve), SCMP_SYS(dup2), SCMP_SYS(setrlimit), SCMP_SYS(getrlimit),
	SCMP_SYS(prlimit64), SCMP_SYS(munlock), SCMP_SYS(mlock), SCMP_SYS(fcntl),
};
#endif

/* async-signal-safe: one line with the system call number, then the documented status. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[64] = "irqlab: seccomp: forbidden system call ";
	size_t n = strlen(line);
	char digits[12];
	int k = 0;
	unsigned nr = (unsigned)si->si_syscall;

	(void)sig, (void)uc;
	do
		digits[k++] = (char)('0' + nr % 10);
	while ((nr /= 10) && k < (int)sizeof(digits));
	while (k)
		line[n++] = digits[--k];
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nothing more to do */
	}
	syscall(SYS_exit_group, SANDBOX_EXIT_STATUS);  /* not _exit(): TSan's interceptor can block */
}

/* Nothing after setup needs a capability (KVM checks none once /dev/kvm is open). The bounding
 * set goes first, while CAP_SETPCAP may still be effective (root); then all the sets. */
static void drop_capabilities(void)
{
	for (int cap = 0; cap <= CAP_LAST_CAP && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);   /* EPERM without CAP_SETPCAP: nothing to bound */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		die(EXIT_USAGE, "sandbox: cannot drop capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(EXIT_USAGE, "sandbox: PR_SET_NO_NEW_PRIVS");
}

static void add_rules(scmp_filter_ctx ctx, bool gdb)
{
	int rc = 0;

	for (size_t i = 0; gdb && i < ARRAY_SIZE(gdb_allowed) && !rc; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, gdb_allowed[i], 0);
	for (size_t i = 0; i < ARRAY_SIZE(allowed) && !rc; i++)
		if (allowed[i] != SCMP_SYS(ioctl))
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	/* KVM's ioctls (type 0xAE), and TCGETS for stdio's isatty() on first use of a stream. */
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      SCMP_A1_64(SCMP_CMP_MASKED_EQ, 0xFF00, 0xAE00));
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      SCMP_A1_64(SCMP_CMP_EQ, TCGETS, 0));
#ifdef SANITIZER_BUILD
	for (size_t i = 0; i < ARRAY_SIZE(sanitizer_allowed) && !rc; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sanitizer_allowed[i], 0);
#endif
	if (rc)
		die(EXIT_USAGE, "sandbox: seccomp rule: %s", strerror(-rc));
}

/*
 * glibc's malloc opens files of its own: /sys/devices/system/cpu/online when a thread needs a new
 * arena, and /proc/sys/vm/overcommit_memory the first time a thread's heap shrinks (a check
 * worker of `irqlab check` died so, with "forbidden system call 257"). One arena for every
 * thread: no thread heaps, no arena count; the main arena shrinks by brk. Must come before any
 * thread allocates (an arena, once a thread has it, stays).
 */
void sandbox_prepare(void)
{
	mallopt(M_ARENA_MAX, 1);
}

void sandbox_enter(bool gdb)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	scmp_filter_ctx ctx;
	int rc;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		die_errno(EXIT_USAGE, "sandbox: SIGSYS handler");
	drop_capabilities();
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		die(EXIT_USAGE, "sandbox: seccomp_init failed");
	add_rules(ctx, gdb);
	/* Every exit the guest makes is a KVM_RUN ioctl, and the off-CPU port a clock read: those
	 * are tested first, and the rest by a binary tree, not one by one (docs/security.md). */
	rc = seccomp_syscall_priority(ctx, SCMP_SYS(ioctl), 255);
	if (!rc)
		rc = seccomp_syscall_priority(ctx, SCMP_SYS(clock_gettime), 254);
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	/* TSYNC: every thread already running (none is expected) gets the filter too. */
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
#ifdef SANITIZER_BUILD
	if (!rc)  /* a sanitizer thread that blocks SIGSYS dies without our line: the kernel log names the call */
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
#endif
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc)
		die(EXIT_USAGE, "sandbox: cannot install the seccomp filter: %s (--no-sandbox to run without)",
		    strerror(-rc));
}

void sandbox_forbidden_call(void)
{
	syscall(SYS_socket, 1, 1, 0);  /* AF_UNIX, SOCK_STREAM: never allowed */
}
