/* SPDX-License-Identifier: MIT */
/* What the raw-KVM floor programs (kvm-floor.c, kvm-ipi-floor.c) share. They use KVM directly
 * and nothing of irqlab's, so that they measure the baseline irqlab is compared with. */
#ifndef IRQLAB_BENCH_FLOOR_H
#define IRQLAB_BENCH_FLOOR_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

/* An ioctl that must work: otherwise say which one failed and exit 77 (KVM unusable here). */
static inline int xioctl(int fd, unsigned long req, void *arg, const char *name)
{
	int r = ioctl(fd, req, arg);

	if (r < 0) {
		perror(name);
		exit(77);
	}
	return r;
}

#endif
