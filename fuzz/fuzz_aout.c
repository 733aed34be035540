/* SPDX-License-Identifier: MIT */
/* The a.out kludge in depth: the input gives the header's offset and its five address fields, the
 * target writes a header with a valid checksum there (mutations of raw files rarely keep one),
 * the rest of the input is the file around it. */
#include "abi/multiboot.h"
#include "fuzz.h"
#include "load_mb.h"

#define RAM (8ull << 20)
#define FILE_MAX (MB_SEARCH_BYTES + 4096)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t *file;
	struct guest_mem *mem = fuzz_ram(RAM);
	struct mb_header h = { .magic = MB_HEADER_MAGIC, .flags = MB_FLAG_AOUT_KLUDGE };
	size_t hoff = (fuzz_take(&data, &len, 2) % (MB_SEARCH_BYTES / 4)) * 4, flen;
	struct elf_image elf;

	h.flags |= (uint32_t)fuzz_take(&data, &len, 4) & ~0xFFFFu & ~MB_FLAG_AOUT_KLUDGE;
	h.checksum = -(h.magic + h.flags);
	h.header_addr = (uint32_t)fuzz_take(&data, &len, 4);
	h.load_addr = (uint32_t)fuzz_take(&data, &len, 4);
	h.load_end_addr = (uint32_t)fuzz_take(&data, &len, 4);
	h.bss_end_addr = (uint32_t)fuzz_take(&data, &len, 4);
	h.entry_addr = (uint32_t)fuzz_take(&data, &len, 4);
	flen = hoff + sizeof(h) + (len < FILE_MAX - hoff - sizeof(h) ? len : FILE_MAX - hoff - sizeof(h));
	file = calloc(1, flen);             /* exactly flen: ASan sees any read past the file */
	if (!file)
		return 0;
	memcpy(file + hoff, &h, sizeof(h));
	memcpy(file + hoff + sizeof(h), data, flen - hoff - sizeof(h));
	if (mb_parse(file, flen, RAM, &elf, NULL) == 0)
		elf_load(file, &elf, mem);
	free(file);
	return 0;
}
