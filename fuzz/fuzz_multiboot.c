/* SPDX-License-Identifier: MIT */
/* mb_parse on arbitrary bytes: the header search in the first 8 KiB, the required-flags check, the
 * a.out kludge or the ELF path, the ELF-magic rule; then elf_load and mb_image_end of the result. */
#include "fuzz.h"
#include "load_mb.h"

#define RAM (8ull << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct guest_mem *mem = fuzz_ram(RAM);
	struct elf_image elf;
	struct reason why = { "" };

	if (mb_parse(data, len, RAM, &elf, &why) == 0) {
		elf_load(data, &elf, mem);
		if (mb_image_end(&elf) > RAM + 0xFFF)
			abort();
	} else if (!why.text[0]) {
		abort();
	}
	return 0;
}
