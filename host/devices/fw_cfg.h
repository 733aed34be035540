/* SPDX-License-Identifier: MIT */
/* QEMU's fw_cfg, legacy I/O interface: a 16-bit selector write to 0x510, byte reads from 0x511.
 * Multiboot test kernels read the CPU count from it and wait for that many CPUs. */
#ifndef IRQLAB_HOST_FW_CFG_H
#define IRQLAB_HOST_FW_CFG_H

#include <pthread.h>
#include <stdint.h>

#define FW_CFG_SIGNATURE  0x00
#define FW_CFG_ID         0x01
#define FW_CFG_RAM_SIZE   0x03
#define FW_CFG_NB_CPUS    0x05
#define FW_CFG_MAX_CPUS   0x0F
#define FW_CFG_FILE_DIR   0x19

struct fw_cfg {
	pthread_mutex_t lock;
	uint16_t key;
	uint32_t offset;
	uint64_t ram_size;
	uint16_t ncpus;
};

void fw_cfg_init(struct fw_cfg *f, uint64_t ram_size, int ncpus);
/* Port `port` (PORT_FW_CFG or +1), `size` bytes; reads fill *val. */
void fw_cfg_io(struct fw_cfg *f, uint16_t port, int is_write, int size, uint32_t *val);

#endif
