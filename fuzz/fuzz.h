/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer targets (fuzz/README in docs/fuzzing.md): a guest RAM buffer that
 * AddressSanitizer bounds exactly (malloc, not mmap), and little-endian field readers. */
#ifndef IRQLAB_FUZZ_H
#define IRQLAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* Guest RAM of `size` bytes, allocated once per process and reused: callers clear what they use. */
static inline struct guest_mem *fuzz_ram(uint64_t size)
{
	static struct guest_mem mem;

	if (!mem.hva) {
		mem.hva = calloc(1, size);
		mem.size = size;
		if (!mem.hva)
			abort();
	}
	return &mem;
}

/* Take `n` bytes from the front of the input (zero-padded when it runs out). */
static inline uint64_t fuzz_take(const uint8_t **data, size_t *len, size_t n)
{
	uint64_t v = 0;
	size_t k = n < *len ? n : *len;

	memcpy(&v, *data, k);
	*data += k;
	*len -= k;
	return v;
}

#endif
