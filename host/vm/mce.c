/* SPDX-License-Identifier: MIT */
#include "mce.h"

#include <errno.h>

#include "kvm.h"
#include "util.h"
#include "vcpu.h"
#include "vcpu_call.h"
#include "vm.h"

#define MCG_CTL_P      (1ull << 8)
#define MCG_SER_P      (1ull << 24)

void mce_setup(struct vm *vm, int banks, bool required)
{
	uint64_t supported = 0, cap;

	if (banks == 0)
		return;
	if (!kvm_cap(vm->kvm.fd, KVM_CAP_MCE)) {
		if (required)
			die(EXIT_SKIP, "--mce-banks %d: this KVM has no machine-check support (KVM_CAP_MCE)", banks);
		return;
	}
	/* The supported MCG_CAP carries feature bits only; KVM_CAP_MCE is the bank limit. */
	kvm_ioctl(vm->kvm.fd, KVM_X86_GET_MCE_CAP_SUPPORTED, &supported);
	if (banks > kvm_cap(vm->kvm.fd, KVM_CAP_MCE))
		die(EXIT_USAGE, "--mce-banks %d: this KVM supports at most %d banks (KVM_CAP_MCE)", banks,
		    kvm_cap(vm->kvm.fd, KVM_CAP_MCE));
	cap = (uint64_t)banks | (supported & (MCG_CTL_P | MCG_SER_P));
	for (int i = 0; i < vm->ncpus; i++)
		if (__kvm_ioctl(vm->vcpus[i].fd, KVM_X86_SETUP_MCE, &cap) < 0)
			die(EXIT_USAGE, "--mce-banks %d: KVM_X86_SETUP_MCE refused MCG_CAP 0x%llx", banks,
			    (unsigned long long)cap);
	vm->mce_banks = banks;
}

int mce_check(const struct vm *vm, const struct mce_inject *m, struct reason *why)
{
	if (!vm->mce_banks)
		return failf(why, -EINVAL, "machine checks are not set up (--mce-banks 0)");
	if (m->cpu >= (uint32_t)vm->ncpus)
		return failf(why, -EINVAL, "target CPU out of range");
	if (m->bank >= (uint32_t)vm->mce_banks)
		return failf(why, -EINVAL, "bank out of range");
	if (!(m->status & MCI_STATUS_VAL))
		return failf(why, -EINVAL, "MCi_STATUS without VAL (bit 63)");
	return 0;
}

static int set_mce(void *owner, void *arg)
{
	const struct vcpu *target = owner;
	const struct mce_inject *m = arg;
	struct kvm_x86_mce k = {
		.status = m->status, .addr = m->addr, .misc = m->misc,
		.mcg_status = m->mcg_status, .bank = (uint8_t)m->bank,
	};

	return __kvm_ioctl(target->fd, KVM_X86_SET_MCE, &k);
}

int mce_inject(struct vm *vm, struct vcpu *self, const struct mce_inject *m)
{
	if (mce_check(vm, m, NULL))
		return -EINVAL;
	return vcpu_call(self ? &self->th : NULL, &vm->vcpus[m->cpu].th, set_mce, (void *)m);
}
