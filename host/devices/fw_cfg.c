/* SPDX-License-Identifier: MIT */
#include "fw_cfg.h"

#include <string.h>

#include "abi/layout.h"

void fw_cfg_init(struct fw_cfg *f, uint64_t ram_size, int ncpus)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->ram_size = ram_size;
	f->ncpus = (uint16_t)ncpus;
}

/* Item `key` as little-endian bytes; unknown keys are empty (read as zero). The file
 * directory is a big-endian count of 0: no files. */
static int item(const struct fw_cfg *f, uint16_t key, uint8_t buf[8])
{
	memset(buf, 0, 8);
	switch (key) {
	case FW_CFG_SIGNATURE: memcpy(buf, "QEMU", 4); return 4;
	case FW_CFG_ID:        buf[0] = 1; return 4;   /* traditional interface, no DMA */
	case FW_CFG_RAM_SIZE:  memcpy(buf, &f->ram_size, 8); return 8;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:  memcpy(buf, &f->ncpus, 2); return 2;
	case FW_CFG_FILE_DIR:  return 4;
	default:               return 0;
	}
}

static uint8_t read_byte(struct fw_cfg *f)
{
	uint8_t buf[8];
	int len = item(f, f->key, buf);

	return f->offset < (uint32_t)len ? buf[f->offset++] : 0;
}

void fw_cfg_io(struct fw_cfg *f, uint16_t port, int is_write, int size, uint32_t *val)
{
	pthread_mutex_lock(&f->lock);
	if (port == PORT_FW_CFG && is_write && size == 2) {
		f->key = (uint16_t)*val;
		f->offset = 0;
	} else if (port == PORT_FW_CFG + 1 && !is_write) {
		*val = 0;
		for (int i = 0; i < size; i++)
			*val |= (uint32_t)read_byte(f) << (8 * i);
	} else if (!is_write) {
		*val = 0xFFFFFFFFu;
	}
	pthread_mutex_unlock(&f->lock);
}
