/* SPDX-License-Identifier: MIT */
/* Machine checks: KVM_X86_SETUP_MCE on every vCPU (--mce-banks, validated against what KVM
 * supports) and injection with KVM_X86_SET_MCE, done on the target vCPU's own thread. */
#ifndef IRQLAB_HOST_MCE_H
#define IRQLAB_HOST_MCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct vcpu;
struct reason;

#define MCE_DEFAULT_BANKS 10
#define MCI_STATUS_VAL    (1ull << 63)

struct mce_inject {
	uint32_t cpu, bank;
	uint64_t status, addr, misc, mcg_status;
};

/* Configure `banks` banks on every vCPU (0: none). Dies (exit 2) if KVM supports fewer; without
 * KVM_CAP_MCE it dies with 77 when `required`, else leaves machine checks off. */
void mce_setup(struct vm *vm, int banks, bool required);

/* Check a request against the VM: 0, or -EINVAL and why it is refused. */
int mce_check(const struct vm *vm, const struct mce_inject *m, struct reason *why);

/* Inject from any thread (`self` = the calling vCPU or NULL); 0 or -errno. */
int mce_inject(struct vm *vm, struct vcpu *self, const struct mce_inject *m);

/* --inject-mce cpu=N,bank=N,status=X[,addr=X][,misc=X][,mcg=X][,after=MS]: parse one spec.
 * Returns 0, or -EINVAL with a one-line reason in `why`. Numbers take C syntax (0x...). */
struct mce_spec {
	struct mce_inject m;
	unsigned after_ms;
};
int mce_parse_spec(const char *spec, struct mce_spec *out, struct reason *why);

/* Inject each spec `after_ms` after the run starts, from a host thread; results on stderr. */
void mce_start_injector(struct vm *vm, const struct mce_spec *specs, int n);
void mce_stop_injector(void);

#endif
