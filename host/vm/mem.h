/* SPDX-License-Identifier: MIT */
/* Guest RAM: one anonymous mapping at guest-physical 0, and the only way the host reaches into it.
 * Every guest-supplied address goes through mem_ptr(), which checks it against the RAM size. */
#ifndef IRQLAB_HOST_MEM_H
#define IRQLAB_HOST_MEM_H

#include <stdbool.h>
#include <stdint.h>

struct guest_mem {
	uint8_t *hva;
	uint64_t size;
};

/* Map `size` bytes of zeroed guest RAM (pages are touched lazily). Dies on failure. */
void mem_init(struct guest_mem *mem, uint64_t size);
void mem_free(struct guest_mem *mem);

/* True if [gpa, gpa+len) lies inside guest RAM (overflow-safe). */
bool mem_contains(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* Host pointer for [gpa, gpa+len), or NULL if any byte is outside guest RAM. */
void *mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* Copy [gpa, gpa+len) out of / into guest RAM: 0, or -EFAULT if any byte is outside it. Guest
 * addresses have any alignment the guest chose: read and write through these (byte copies),
 * never through a typed pointer into guest RAM. */
int mem_read(const struct guest_mem *mem, uint64_t gpa, void *dst, uint64_t len);
int mem_write(const struct guest_mem *mem, uint64_t gpa, const void *src, uint64_t len);

/* Copy a NUL-terminated guest string of at most max-1 characters into buf.
 * Returns its length, or -1 if it leaves RAM or is not terminated within max bytes. */
int mem_read_str(const struct guest_mem *mem, uint64_t gpa, char *buf, int max);

#endif
