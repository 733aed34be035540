/* SPDX-License-Identifier: MIT */
/*
 * irqlab-qemu: irqlab under QEMU's name and command line (qemu_cli.c), for runners written
 * for qemu-system-x86_64. The checks come in QEMU's order, so a runner's pre-flight probe
 * (the whole command line with a kernel that does not exist) sees what it would see from
 * QEMU: option errors first, then the CPU count, then KVM, then the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "launch.h"
#include "qemu_cli.h"

/* QEMU's limit for its pc machine, or KVM's when that is lower; -errno without /dev/kvm. */
static int max_cpus(int *kvm_err)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), n;

	*kvm_err = fd < 0 ? errno : 0;
	if (fd < 0)
		return QEMU_MACHINE_MAX_CPUS;
	n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (n <= 0)
		n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	close(fd);
	return n > 0 && n < QEMU_MACHINE_MAX_CPUS ? n : QEMU_MACHINE_MAX_CPUS;
}

/* -device help, -machine help, -cpu help, --help, -version: print and exit 0 (true). */
static bool answer_query(const struct qemu_cli *q)
{
	if (q->help)
		qemu_cli_write_usage(stdout);
	else if (q->version)
		printf("QEMU emulator version %s (irqlab-qemu, irqlab %s)\n", QEMU_VERSION_COMPAT, IRQLAB_VERSION);
	else if (q->device_help)
		qemu_cli_write_devices(stdout);
	else if (q->machine_help)
		qemu_cli_write_machines(stdout);
	else if (q->cpu_help)
		qemu_cli_write_cpus(stdout);
	else
		return false;
	return true;
}

/* What would stop QEMU before the guest runs: one line in `why`, or 0. */
static int preflight(const struct opts *o, const struct qemu_cli *q, struct reason *why)
{
	int kvm_err, max = max_cpus(&kvm_err);
	int fd;

	if (o->cpus > max)
		return failf(why, -EINVAL, "Invalid SMP CPUs %d. The max CPUs supported by machine 'pc' is %d",
			     o->cpus, max);
	if (kvm_err)
		return failf(why, -kvm_err, "Could not access KVM kernel module: %s", strerror(kvm_err));
	fd = open(q->kernel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return failf(why, -errno, "could not load kernel '%s': %s", q->kernel, strerror(errno));
	close(fd);
	if (o->initrd && access(o->initrd, R_OK))
		return failf(why, -errno, "could not load initrd '%s': %s", o->initrd, strerror(errno));
	return 0;
}

int qemu_main(int argc, char **argv, uint64_t start_ns)
{
	struct opts o;
	struct qemu_cli q;
	struct reason why;

	util_set_identity(QEMU_PROG, 1);   /* every fatal error: "qemu-system-x86_64: ...", 1 */
	if (qemu_cli_parse(argc, argv, &o, &q, &why) < 0 || (!answer_query(&q) && preflight(&o, &q, &why) < 0)) {
		fprintf(stderr, "%s: %s\n", QEMU_PROG, why.text);
		return 1;
	}
	if (q.help || q.version || q.device_help || q.machine_help || q.cpu_help)
		return 0;
	return launch(&o, start_ns);
}
