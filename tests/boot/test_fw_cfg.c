/* SPDX-License-Identifier: MIT */
/* fw_cfg's legacy I/O interface as a guest drives it: 16-bit selector writes to 0x510, byte
 * reads from 0x511 that walk an item and read 0 past its end. */
#include <string.h>

#include "abi/layout.h"
#include "fw_cfg.h"
#include "tap.h"

static struct fw_cfg f;

static void sel(uint16_t key)
{
	uint32_t v = key;

	fw_cfg_io(&f, PORT_FW_CFG, 1, 2, &v);
}

static uint32_t rd(int size)
{
	uint32_t v = 0xDEADBEEF;

	fw_cfg_io(&f, PORT_FW_CFG + 1, 0, size, &v);
	return v;
}

static uint64_t read_le(int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)rd(1) << (8 * i);
	return v;
}

static void test_keys(void)
{
	char sig[5] = { 0 };

	fw_cfg_init(&f, 128ull << 20, 4);
	sel(FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)rd(1);
	is_str(sig, "QEMU", "key 0x00: signature");
	ok(rd(1) == 0 && rd(1) == 0 && rd(4) == 0, "reads past the signature's end are 0");
	sel(FW_CFG_ID);
	is_int(read_le(4), 1, "key 0x01: id 1 (traditional interface, no DMA)");
	sel(FW_CFG_RAM_SIZE);
	is_int(read_le(8), 128ll << 20, "key 0x03: RAM size, u64 little-endian");
	is_int(rd(1), 0, "past the RAM size: 0");
	sel(FW_CFG_NB_CPUS);
	is_int(read_le(2), 4, "key 0x05: CPU count, u16");
	is_int(rd(1), 0, "past the CPU count: 0");
	sel(FW_CFG_MAX_CPUS);
	is_int(read_le(2), 4, "key 0x0f: max CPUs");
	sel(FW_CFG_FILE_DIR);
	is_int(read_le(4), 0, "key 0x19: file directory with 0 files");
	for (uint16_t key = 0x02; key < 0x40; key++) {
		if (key == FW_CFG_RAM_SIZE || key == FW_CFG_NB_CPUS || key == FW_CFG_MAX_CPUS ||
		    key == FW_CFG_FILE_DIR)
			continue;
		sel(key);
		if (read_le(8))
			break;
		if (key == 0x3F)
			ok(1, "keys 0x02..0x3f not listed above read as zero");
	}
	sel(0x8000);
	is_int(read_le(8), 0, "arch key 0x8000 reads as zero");
	sel(0xFFFF);
	is_int(read_le(8), 0, "key 0xffff reads as zero");
}

static void test_offsets(void)
{
	uint32_t junk = 0x41;

	fw_cfg_init(&f, 64ull << 20, 2);
	sel(FW_CFG_SIGNATURE);
	rd(1), rd(1);
	sel(FW_CFG_SIGNATURE);
	is_int(rd(1), 'Q', "selecting the same key again rewinds");
	sel(FW_CFG_NB_CPUS);
	sel(FW_CFG_SIGNATURE);
	is_int(rd(1), 'Q', "selecting another key and back starts at byte 0");
	is_int(rd(2), 'E' | 'M' << 8, "a 16-bit data read takes two bytes, little-endian");
	is_int(rd(4), 'U', "a 32-bit read across the end: the last byte, then zeros");
	sel(FW_CFG_RAM_SIZE);
	fw_cfg_io(&f, PORT_FW_CFG + 1, 1, 1, &junk);
	is_int(read_le(8), 64ll << 20, "a write to the data port changes nothing");
	for (int i = 0; i < 1000; i++)
		rd(1);
	is_int(rd(4), 0, "far past the end: still 0");
	fw_cfg_init(&f, 3ull << 30, 4096);
	sel(FW_CFG_NB_CPUS);
	is_int(read_le(2), 4096, "4096 CPUs fit the u16");
	sel(FW_CFG_RAM_SIZE);
	is_int(read_le(8), 3ll << 30, "3 GiB of RAM");
}

int main(void)
{
	test_keys();
	test_offsets();
	return done_testing();
}
