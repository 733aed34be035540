/* SPDX-License-Identifier: MIT */
#include "coalesced.h"

#include <string.h>
#include <unistd.h>

#include "abi/layout.h"
#include "exit.h"
#include "kvm.h"

void coalesced_setup(int vm_fd, struct coalesced *c, void *ring_page)
{
	struct kvm_coalesced_mmio_zone zone = { .addr = PORT_COM1, .size = 1, .pio = 1 };

	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	if (!ring_page || !kvm_cap(vm_fd, KVM_CAP_COALESCED_PIO))
		return;
	if (__kvm_ioctl(vm_fd, KVM_REGISTER_COALESCED_MMIO, &zone) < 0)
		return;
	c->ring = ring_page;
	c->max = (unsigned)((sysconf(_SC_PAGESIZE) - sizeof(*c->ring)) / sizeof(c->ring->coalesced_mmio[0]));
}

void coalesced_drain(struct coalesced *c, struct exit_ctx *ctx)
{
	struct kvm_coalesced_mmio_ring *ring = c ? c->ring : NULL;

	if (!c || !ring || __atomic_load_n(&ring->first, __ATOMIC_ACQUIRE) == __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&c->lock);
	while (ring->first != __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE) && ring->first < c->max) {
		const struct kvm_coalesced_mmio *m = &ring->coalesced_mmio[ring->first];
		uint32_t val = 0;

		if (m->pio && m->len >= 1 && m->len <= 4) {
			memcpy(&val, m->data, m->len);
			exit_pio(ctx, (uint16_t)m->phys_addr, 1, (int)m->len, &val);
		}
		__atomic_store_n(&ring->first, (ring->first + 1) % c->max, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&c->lock);
}
