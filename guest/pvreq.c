// SPDX-License-Identifier: MIT
/* Typed wrappers around pv_request(): one PV message each. */
#include <abi/layout.h>

#include "pv.h"
#include "pvreq.h"

const struct pv_boot *pvreq_boot(void)
{
	const struct pv_boot *b = (const struct pv_boot *)(uintptr_t)LAYOUT_BOOT_PARAMS;

	return b->magic == PV_BOOT_MAGIC && b->version == PV_VERSION ? b : 0;
}

int pvreq_nop(void)
{
	uint64_t a[PV_ARGS] = { PV_REQ_NOP };

	return pv_request(a);
}

int pvreq_mce(uint32_t cpu, uint32_t bank, uint64_t status, uint64_t addr, uint64_t misc,
	      uint64_t mcg_status, uint32_t *banks)
{
	uint64_t a[PV_ARGS] = { PV_REQ_MCE_INJECT, cpu | (uint64_t)bank << 32, status, addr, misc,
				mcg_status };
	int r = pv_request(a);

	if (banks)
		*banks = r ? 0 : (uint32_t)a[1];
	return r;
}

int pvreq_msi_signal(uint64_t addr, uint32_t data, int64_t *delivered)
{
	uint64_t a[PV_ARGS] = { PV_REQ_MSI_SIGNAL, addr, data };
	int r = pv_request(a);

	if (delivered)
		*delivered = r ? 0 : (int64_t)a[1];
	return r;
}

int pvreq_msi_route(uint32_t gsi, uint64_t addr, uint32_t data)
{
	uint64_t a[PV_ARGS] = { PV_REQ_MSI_ROUTE, gsi, addr, data };

	return pv_request(a);
}

int pvreq_irq_line(uint32_t gsi, int level, int64_t *status)
{
	uint64_t a[PV_ARGS] = { PV_REQ_IRQ_LINE, gsi, (uint64_t)level };
	int r = pv_request(a);

	if (status)
		*status = r ? 0 : (int64_t)a[1];
	return r;
}

int pvreq_irqfd(uint32_t gsi)
{
	uint64_t a[PV_ARGS] = { PV_REQ_IRQFD, gsi };

	return pv_request(a);
}

int pvreq_run_delay(uint64_t *delay_ns, uint64_t *cpu_ns, uint64_t *host_ns)
{
	uint64_t a[PV_ARGS] = { PV_REQ_RUN_DELAY };
	int r = pv_request(a);

	*delay_ns = r ? 0 : a[1];
	*cpu_ns = r ? 0 : a[2];
	*host_ns = r ? 0 : a[3];
	return r;
}
