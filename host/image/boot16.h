/* SPDX-License-Identifier: MIT */
/* The state firmware leaves a vCPU in when it resumes from S3 at the FACS waking vector (ACPI
 * 1.0b 9.3.2): the processor's reset state (SDM Vol. 3A 9.1.1, table 9-1) in real mode, with
 * CS = vector >> 4 and IP = vector & 0xF. */
#ifndef IRQLAB_HOST_BOOT16_H
#define IRQLAB_HOST_BOOT16_H

#include <linux/kvm.h>
#include <stdint.h>

#define BOOT16_CR0_RESET 0x60000010u    /* CD | NW | ET */
#define BOOT16_VECTOR_MAX 0xFFFFFu      /* the last byte real mode reaches with IP < 16 */

void boot16_sregs(struct kvm_sregs *s, uint32_t vector);
void boot16_regs(struct kvm_regs *r, uint32_t vector);

#endif
