/* SPDX-License-Identifier: MIT */
/*
 * S3, the sleeping state a PM1_CNT write asks for (host/devices/pm1.h), carried out on the
 * thread of the vCPU that wrote it. With a wake event enabled (PM1_EN.RTC_EN and the RTC's
 * alarm with AIE) the other vCPUs go back to wait-for-INIT, as after a real resume's reset; this
 * thread waits on the host until the alarm's time (or the run's stop: --timeout, a signal),
 * then resumes as firmware does: WAK_STS and RTC_STS in PM1_STS, the RTC's interrupt state
 * reset, and this vCPU in real mode at the FACS waking vector (host/image/boot16.h). Without a wake event the
 * machine would sleep forever: the run ends with "suspended to S3 with no wake event enabled".
 */
#ifndef IRQLAB_HOST_SLEEP_H
#define IRQLAB_HOST_SLEEP_H

#include "exit.h"

struct vcpu;

/* EXITV_CONTINUE once resumed; EXITV_STOP when the run ends (no wake event, the run stopped
 * while asleep, a bad waking vector: reported here). */
enum exit_verdict sleep_s3(struct vcpu *v);

#endif
