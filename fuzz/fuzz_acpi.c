/* SPDX-License-Identifier: MIT */
/* acpi_write for any vCPU count (1..4096 and beyond) and RAM size: the tables must stay in their
 * range and in RAM, every table it writes must sum to 0, and the FACS (no checksum) must be where
 * an S3 resume reads its waking vector. */
#include "abi/layout.h"
#include "acpi.h"
#include "fuzz.h"

#define RAM_MAX (2ull << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct guest_mem *full = fuzz_ram(RAM_MAX), mem;
	int ncpus = (int)(int16_t)fuzz_take(&data, &len, 2);
	uint64_t ram = fuzz_take(&data, &len, 4) % (RAM_MAX + 1);
	const struct acpi_rsdp *rsdp;
	const struct acpi_facs *facs;

	mem = (struct guest_mem){ full->hva, ram };
	if (acpi_write(&mem, ncpus, NULL) != 0)
		return 0;
	rsdp = mem_ptr(&mem, LAYOUT_ACPI_RSDP, sizeof(*rsdp));
	if (!rsdp || acpi_sum(rsdp, sizeof(*rsdp)) != 0)
		abort();
	facs = mem_ptr(&mem, LAYOUT_ACPI_FACS, sizeof(*facs));
	if (!facs || memcmp(facs->signature, "FACS", 4) || facs->length != sizeof(*facs))
		abort();
	for (const uint32_t *t = mem_ptr(&mem, rsdp->rsdt + 36, 8), *end = t + 2; t && t < end; t++) {
		const struct acpi_header *h = mem_ptr(&mem, *t, sizeof(*h));

		if (!h || !mem_ptr(&mem, *t, h->length) || acpi_sum(h, h->length) != 0)
			abort();
	}
	return 0;
}
