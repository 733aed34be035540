/* SPDX-License-Identifier: MIT */
#include "load_mb.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "abi/layout.h"
#include "abi/multiboot.h"
#include "util.h"

long mb_find_header(const uint8_t *img, size_t len)
{
	size_t end = len < MB_SEARCH_BYTES ? len : MB_SEARCH_BYTES;

	for (size_t off = 0; off + 12 <= end; off += 4) {
		struct mb_header h;

		memcpy(&h, img + off, 12);
		if (h.magic == MB_HEADER_MAGIC && (uint32_t)(h.magic + h.flags + h.checksum) == 0)
			return (long)off;
	}
	return -1;
}

/* The a.out kludge: [load_addr, load_end_addr) comes from the file at the header's offset
 * minus (header_addr - load_addr); bss runs to bss_end_addr (Multiboot spec 3.1.3). */
static int parse_aout(const uint8_t *img, size_t len, size_t hoff, uint64_t mem_size,
		      struct elf_image *out, struct reason *why)
{
	struct mb_header h;
	uint64_t start, filesz, memsz;

	if (hoff + sizeof(h) > len)
		return failf(why, -EINVAL, "multiboot header: address fields truncated");
	memcpy(&h, img + hoff, sizeof(h));
	if (h.header_addr < h.load_addr || h.header_addr - h.load_addr > hoff)
		return failf(why, -EINVAL, "multiboot header: header_addr/load_addr inconsistent");
	start = hoff - (h.header_addr - h.load_addr);
	if (h.load_end_addr && h.load_end_addr < h.load_addr)
		return failf(why, -EINVAL, "multiboot header: load_end_addr below load_addr");
	filesz = h.load_end_addr ? h.load_end_addr - h.load_addr : len - start;
	if (filesz > len - start)
		return failf(why, -EINVAL, "multiboot header: load_end_addr past the end of the file");
	if (h.bss_end_addr && h.bss_end_addr < h.load_addr + filesz)
		return failf(why, -EINVAL, "multiboot header: bss_end_addr below the loaded image");
	memsz = h.bss_end_addr ? h.bss_end_addr - h.load_addr : filesz;
	if (h.load_addr < LAYOUT_KERNEL_BASE || h.load_addr + memsz > mem_size)
		return failf(why, -EINVAL, "multiboot image 0x%x+0x%llx outside guest RAM above 1 MiB (try --mem)",
			    h.load_addr, (unsigned long long)memsz);
	if (h.entry_addr < h.load_addr || h.entry_addr >= h.load_addr + memsz)
		return failf(why, -EINVAL, "multiboot entry 0x%x outside the loaded image", h.entry_addr);
	memset(out, 0, sizeof(*out));
	out->seg[0] = (struct elf_segment){ start, filesz, h.load_addr, memsz, h.load_addr };
	out->nseg = 1;
	out->entry = h.entry_addr;
	out->is32 = 1;
	return 0;
}

int mb_parse(const uint8_t *img, size_t len, uint64_t mem_size, struct elf_image *out,
	     struct reason *why)
{
	long hoff = mb_find_header(img, len);
	struct mb_header h;

	if (hoff < 0)
		return failf(why, -EINVAL, "no multiboot header in the first %d bytes", MB_SEARCH_BYTES);
	memcpy(&h, img + hoff, 12);
	if (h.flags & 0xFFFF & ~MB_FLAGS_KNOWN_REQUIRED)
		return failf(why, -EINVAL, "multiboot header requires features irqlab lacks (flags 0x%x)", h.flags);
	if ((h.flags & MB_FLAG_AOUT_KLUDGE) && elf_has_magic(img, len)) {
		int rc = elf_check_header(img, len, 1, why);  /* a damaged ELF is refused */

		if (rc)
			return rc;
	}
	if (h.flags & MB_FLAG_AOUT_KLUDGE)
		return parse_aout(img, len, (size_t)hoff, mem_size, out, why);
	return elf_parse_class(img, len, mem_size, 1, out, why);
}

uint64_t mb_image_end(const struct elf_image *img)
{
	uint64_t end = 0;

	for (int i = 0; i < img->nseg; i++)
		if (img->seg[i].paddr + img->seg[i].memsz > end)
			end = img->seg[i].paddr + img->seg[i].memsz;
	return (end + 0xFFF) & ~0xFFFull;
}
