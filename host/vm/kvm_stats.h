/* SPDX-License-Identifier: MIT */
/* KVM's binary statistics (KVM_GET_STATS_FD): a named counter of a vCPU or VM. */
#ifndef IRQLAB_HOST_KVM_STATS_H
#define IRQLAB_HOST_KVM_STATS_H

#include <stdint.h>

/* The first value of the statistic `name` (e.g. "insn_emulation", "exits") of the vCPU or VM
 * behind `fd`; -1 if KVM has no binary stats or no such statistic. */
int64_t kvm_stat(int fd, const char *name);

#endif
