/* SPDX-License-Identifier: MIT */
/*
 * QEMU's pc-testdev (`-device pc-testdev`), the ISA device kvm-unit-tests' x86 tests use:
 *   0xE0-0xE3     a 32-bit register, any access width at any offset within it
 *   0xE4          a 32-bit write of a guest-physical address drops the host mappings of that
 *                 page (mprotect off and on), so KVM must fault it in again
 *   0xE8-0xEB     the same register as 0xE0, byte by byte
 *   0x2000-0x2017 a byte write of v sets ISA/IOAPIC line (port - 0x2000) to !!v
 *   0xFF000000    64 KiB of scratch MMIO: reads return what was written
 */
#ifndef IRQLAB_HOST_PC_TESTDEV_H
#define IRQLAB_HOST_PC_TESTDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define PC_TESTDEV_PORT_DATA      0xE0
#define PC_TESTDEV_PORT_FLUSH     0xE4
#define PC_TESTDEV_PORT_DATA_BYTE 0xE8
#define PC_TESTDEV_PORT_IRQ       0x2000
#define PC_TESTDEV_IRQ_LINES      24
#define PC_TESTDEV_IOMEM_BASE     0xFF000000ull
#define PC_TESTDEV_IOMEM_SIZE     0x10000u

struct guest_mem;
struct ioapic;
struct irq_routes;

struct pc_testdev {
	pthread_mutex_t lock;
	struct guest_mem *mem;    /* the flushed page */
	struct ioapic *ioapic;    /* --irqchip split: irqlab's IOAPIC takes the IRQ lines */
	struct irq_routes *irq;   /* else KVM's PIC and IOAPIC */
	uint32_t data;
	uint8_t iomem[PC_TESTDEV_IOMEM_SIZE];
};

void pc_testdev_init(struct pc_testdev *t, struct guest_mem *mem, struct ioapic *ioapic,
		     struct irq_routes *irq);

/* A port access in 0xE0-0xEB or 0x2000-0x2017; other ports read all-ones. */
void pc_testdev_pio(struct pc_testdev *t, uint16_t port, bool is_write, int size, uint32_t *val);

/* An MMIO access (1-8 bytes at `data`) at `offset` into the iomem window. */
void pc_testdev_mmio(struct pc_testdev *t, uint64_t offset, bool is_write, uint8_t *data, uint32_t len);

#endif
