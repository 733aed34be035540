/* SPDX-License-Identifier: MIT */
/* elf_parse_class with ELF32 allowed (multiboot kernels), then elf_load of what it accepted. */
#include "fuzz.h"
#include "load_elf.h"

#define RAM (8ull << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct guest_mem *mem = fuzz_ram(RAM);
	struct elf_image elf;
	struct reason why = { "" };

	if (elf_parse_class(data, len, RAM, 1, &elf, &why) == 0)
		elf_load(data, &elf, mem);
	else if (!why.text[0])
		abort();
	return 0;
}
