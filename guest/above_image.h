/* SPDX-License-Identifier: MIT */
/* The RAM right above the guest's image, in this order: the AP stacks (smp.c), then the trace
 * rings (trace.c). Nothing of it is in the image; the host hands it over zeroed. */
#ifndef GUEST_ABOVE_IMAGE_H
#define GUEST_ABOVE_IMAGE_H

#include <stdint.h>

#define AP_STACK_SIZE   8192    /* one per APIC ID slot */

extern char _end[];             /* linker/guest.ld: end of the image */

/* The first page boundary at or above the image's end: where the AP stacks start. */
static inline uint64_t above_image(void)
{
	return ((uintptr_t)_end + 4095) & ~(uint64_t)4095;
}

/* Where the AP stacks of nslots slots end: where the trace rings start. */
static inline uint64_t above_ap_stacks(uint64_t nslots)
{
	return above_image() + nslots * AP_STACK_SIZE;
}

#endif
