/* SPDX-License-Identifier: MIT */
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

struct cap_need {
	long cap;
	const char *name;
	const char *why;
};

#define CAP(c, why) { c, #c, why }
static const struct cap_need base_caps[] = {
	CAP(KVM_CAP_USER_MEMORY, "guest RAM slots"),
	CAP(KVM_CAP_SET_TSS_ADDR, "TSS address below 4 GiB"),
	CAP(KVM_CAP_SET_IDENTITY_MAP_ADDR, "identity-map page address"),
	CAP(KVM_CAP_IRQCHIP, "in-kernel local APIC"),
	CAP(KVM_CAP_IRQ_ROUTING, "GSI routing table"),
	CAP(KVM_CAP_EXT_CPUID, "KVM_GET_SUPPORTED_CPUID"),
	CAP(KVM_CAP_IMMEDIATE_EXIT, "kicking vCPUs out of KVM_RUN"),
	CAP(KVM_CAP_MP_STATE, "APs waiting for INIT"),
	CAP(KVM_CAP_TSC_DEADLINE_TIMER, "TSC-deadline timer tests"),
	CAP(KVM_CAP_GET_TSC_KHZ, "guest time base"),
};
static const struct cap_need split_cap =
	CAP(KVM_CAP_SPLIT_IRQCHIP, "--irqchip split");

int __kvm_ioctl(int fd, unsigned long req, void *arg)
{
	int r = ioctl(fd, req, arg);

	return r < 0 ? -errno : r;
}

int kvm_ioctl_named(int fd, unsigned long req, void *arg, const char *name)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		die_errno(errno == ENOMEM ? EXIT_USAGE : EXIT_SKIP, "%s", name);
	return r;
}

int kvm_cap(int fd, long cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static void open_dev(struct kvm *kvm)
{
	const char *path = getenv("IRQLAB_KVM_DEV");

	if (!path || !*path)
		path = "/dev/kvm";
	kvm->fd = open(path, O_RDWR | O_CLOEXEC);
	if (kvm->fd >= 0)
		return;
	if (errno == ENOENT)
		die(EXIT_SKIP, "%s: no such device: KVM is not available here (load kvm-intel/kvm-amd "
		    "or run on a host with virtualization)", path);
	if (errno == EACCES || errno == EPERM)
		die(EXIT_SKIP, "%s: permission denied: add yourself to the 'kvm' group or run as root", path);
	die_errno(EXIT_SKIP, "%s", path);
}

static void check_caps(struct kvm *kvm, const struct kvm_needs *needs)
{
	char missing[512] = "";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(base_caps); i++)
		if (!kvm_cap(kvm->fd, base_caps[i].cap))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 "%s%s (%s)", *missing ? ", " : "", base_caps[i].name, base_caps[i].why);
	if (needs && needs->split_irqchip && !kvm_cap(kvm->fd, split_cap.cap))
		snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
			 "%s%s (%s)", *missing ? ", " : "", split_cap.name, split_cap.why);
	if (*missing)
		die(EXIT_SKIP, "this KVM lacks required capabilities: %s", missing);
}

static struct kvm_cpuid2 *fetch_supported_cpuid(int fd)
{
	int nent;

	int r = -E2BIG;

	for (nent = 128; nent <= 4096 && r == -E2BIG; nent *= 2) {
		struct kvm_cpuid2 *c = xcalloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));

		c->nent = nent;
		r = __kvm_ioctl(fd, KVM_GET_SUPPORTED_CPUID, c);
		if (r == 0)
			return c;
		free(c);
	}
	errno = -r;
	die_errno(EXIT_SKIP, "KVM_GET_SUPPORTED_CPUID");
}

void kvm_open(struct kvm *kvm, const struct kvm_needs *needs)
{
	int version;

	memset(kvm, 0, sizeof(*kvm));
	open_dev(kvm);
	version = ioctl(kvm->fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		die(EXIT_SKIP, "KVM_GET_API_VERSION: got %d, irqlab needs %d", version, KVM_API_VERSION);
	check_caps(kvm, needs);
	kvm->run_size = kvm_ioctl(kvm->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	kvm->max_vcpus = kvm_cap(kvm->fd, KVM_CAP_MAX_VCPUS);
	if (kvm->max_vcpus <= 0)
		kvm->max_vcpus = kvm_cap(kvm->fd, KVM_CAP_NR_VCPUS);
	kvm->supported_cpuid = fetch_supported_cpuid(kvm->fd);
}

void kvm_close(struct kvm *kvm)
{
	free(kvm->supported_cpuid);
	if (kvm->fd >= 0)
		close(kvm->fd);
	kvm->fd = -1;
}
