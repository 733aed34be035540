/* SPDX-License-Identifier: MIT */
/* elf_parse on arbitrary bytes (irqlab's native ELF64 guests), then elf_load of what it accepted:
 * every segment it lets through must lie inside the file and inside guest RAM. */
#include "fuzz.h"
#include "load_elf.h"

#define RAM (8ull << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct guest_mem *mem = fuzz_ram(RAM);
	struct elf_image elf;
	struct reason why = { "" };

	if (elf_parse(data, len, RAM, &elf, &why) == 0)
		elf_load(data, &elf, mem);
	else if (!why.text[0])
		abort();                      /* every refusal says why */
	return 0;
}
