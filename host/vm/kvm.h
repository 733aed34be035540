/* SPDX-License-Identifier: MIT */
/* /dev/kvm: opening it, checking the API version and the capabilities irqlab needs, and ioctl
 * wrappers that name the failing ioctl (`irqlab: KVM_CREATE_IRQCHIP: Invalid argument`). */
#ifndef IRQLAB_HOST_KVM_H
#define IRQLAB_HOST_KVM_H

#include <linux/kvm.h>
#include <stdbool.h>

struct kvm {
	int fd;                              /* /dev/kvm */
	int run_size;                        /* KVM_GET_VCPU_MMAP_SIZE */
	int max_vcpus;                       /* KVM_CAP_MAX_VCPUS */
	struct kvm_cpuid2 *supported_cpuid;  /* KVM_GET_SUPPORTED_CPUID, fetched once */
};

/* What a run needs beyond the base table; each missing one is named before exit 77. */
struct kvm_needs {
	bool split_irqchip;
};

/* Open /dev/kvm (or $IRQLAB_KVM_DEV), check version and capabilities; exits 77 with a reason. */
void kvm_open(struct kvm *kvm, const struct kvm_needs *needs);
void kvm_close(struct kvm *kvm);

/* KVM_CHECK_EXTENSION on the system fd (or a VM fd). */
int kvm_cap(int fd, long cap);

/* ioctl returning -errno on failure instead of -1 (retries EINTR only where asked). */
int __kvm_ioctl(int fd, unsigned long req, void *arg);

/* ioctl that dies naming the request on failure: kvm_ioctl(fd, KVM_CREATE_VM, 0). */
#define kvm_ioctl(fd, req, arg) kvm_ioctl_named((fd), (req), (void *)(arg), #req)
int kvm_ioctl_named(int fd, unsigned long req, void *arg, const char *name);

#endif
