/* SPDX-License-Identifier: MIT */
/* QEMU's fw_cfg through its legacy I/O ports (QEMU docs/specs/fw_cfg.rst): a 16-bit selector
 * write, then byte reads that walk the item and read 0 past its end. */
#include "mbk.h"

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_RAM_SIZE  0x03
#define FW_CFG_NB_CPUS   0x05
#define FW_CFG_MAX_CPUS  0x0F

static void select_key(uint16_t key)
{
	outw(FW_CFG_SEL, key);
}

/* n bytes, little-endian (every numeric item is) */
static uint64_t read_le(int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)inb(FW_CFG_DATA) << (8 * i);
	return v;
}

void fwcfg_read(struct fwcfg *fw)
{
	select_key(FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		fw->sig[i] = (char)inb(FW_CFG_DATA);
	fw->past_end_zero = inb(FW_CFG_DATA) == 0;
	select_key(FW_CFG_SIGNATURE);
	fw->reselect_rewinds = inb(FW_CFG_DATA) == 'Q';
	select_key(FW_CFG_RAM_SIZE);
	fw->ram_size = read_le(8);
	select_key(FW_CFG_NB_CPUS);
	fw->ncpus = (uint32_t)read_le(2);
	select_key(FW_CFG_MAX_CPUS);
	fw->max_cpus = (uint32_t)read_le(2);
}

void check_fwcfg(const struct boot *b)
{
	const struct fwcfg *fw = &b->fw;
	bool sig = fw->sig[0] == 'Q' && fw->sig[1] == 'E' && fw->sig[2] == 'M' && fw->sig[3] == 'U';

	if (!tap_ok(sig && fw->past_end_zero && fw->reselect_rewinds && fw->ram_size >= 4u * 1024 * 1024 &&
		    !(fw->ram_size & 0xFFF), "fw_cfg")) {
		puts("# signature ");
		put_n(fw->sig, 4);
		puts(fw->past_end_zero ? "" : ", past the end is not 0");
		puts(fw->reselect_rewinds ? "" : ", reselect does not rewind");
		puts(", RAM ");
		put_hex(fw->ram_size);
		putc('\n');
	}
}

void check_fwcfg_cpus(const struct boot *b)
{
	const struct fwcfg *fw = &b->fw;

	if (!tap_ok(fw->ncpus >= 1 && fw->ncpus <= 255 && fw->max_cpus >= fw->ncpus, "fw_cfg cpus")) {
		puts("# cpus=");
		put_u32(fw->ncpus);
		puts(" max=");
		put_u32(fw->max_cpus);
		putc('\n');
	}
}
