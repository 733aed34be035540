/* SPDX-License-Identifier: MIT */
/* mb_info_write: the input chooses the RAM size (4 MiB to 8 MiB, as small as --mem allows), where
 * the kernel ends, the command line and the module; everything written must stay in RAM and
 * below 4 GiB, and the block must describe what was placed. */
#include "abi/layout.h"
#include "abi/multiboot.h"
#include "fuzz.h"
#include "mb_info.h"

#define RAM_MAX (8ull << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct guest_mem *full = fuzz_ram(RAM_MAX), mem;
	uint64_t ram = (4ull << 20) + (fuzz_take(&data, &len, 2) << 12) % (4ull << 20);
	uint64_t free_start = fuzz_take(&data, &len, 4) % (RAM_MAX + 0x10000);
	size_t cmd_len = fuzz_take(&data, &len, 2) % (MB_CMDLINE_MAX + 16);
	uint8_t flags = (uint8_t)fuzz_take(&data, &len, 1);
	char *cmdline = calloc(1, cmd_len + 1);
	struct mb_args a = { 0 };

	if (!cmdline)
		return 0;
	cmd_len = cmd_len < len ? cmd_len : len;
	memcpy(cmdline, data, cmd_len);         /* stops at the first NUL, as a C string would */
	data += cmd_len, len -= cmd_len;
	mem = (struct guest_mem){ full->hva, ram };
	a.cmdline = flags & 1 ? cmdline : NULL;
	a.module = flags & 2 ? data : NULL;
	a.module_len = flags & 2 ? len : 0;
	a.module_name = flags & 4 ? cmdline : NULL;
	if (mb_info_write(&mem, free_start, &a, NULL) == 0) {
		const struct mb_info *info = mem_ptr(&mem, LAYOUT_MB_INFO, sizeof(*info));

		if (!info || ((info->flags & MB_INFO_MODS) && !a.module) ||
		    ((info->flags & MB_INFO_CMDLINE) && !a.cmdline))
			abort();
	}
	free(cmdline);
	return 0;
}
