/* SPDX-License-Identifier: MIT */
/*
 * `irqlab check`: what the KVM underneath does and where it departs from the architecture.
 * Host facts come from KVM_CHECK_EXTENSION and CPUID; guest checks are the image's `check`
 * suite, each run in a short-lived VM of its own (a forked worker) so that an emulation
 * failure or a hang is a recorded result, not the end of the report. Known defects of the
 * detected platform (platforms/NAME.expect files) turn into XFAIL; anything else that departs stands out.
 */
#ifndef IRQLAB_HOST_CHECK_H
#define IRQLAB_HOST_CHECK_H

#include "cli.h"

int check_main(const struct opts *o);

#endif
