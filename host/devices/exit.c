/* SPDX-License-Identifier: MIT */
#include "exit.h"

#include <string.h>

#include "abi/layout.h"
#include "offcpu_port.h"
#include "pm_timer.h"
#include "timer_probe.h"
#include "session.h"
#include "util.h"

typedef enum exit_verdict (*pio_fn)(struct exit_ctx *ctx, uint16_t port, int is_write,
				    int size, uint32_t *val);

struct pio_handler {
	uint16_t first, last;
	pio_fn fn;
};

static enum exit_verdict pio_pv(struct exit_ctx *ctx, uint16_t port, int is_write, int size,
				uint32_t *val)
{
	return session_port_io(ctx->session, ctx->cpu, is_write, size, val) == PV_STOP ? EXITV_STOP
											 : EXITV_CONTINUE;
}

static enum exit_verdict pio_com1(struct exit_ctx *ctx, uint16_t port, int is_write, int size,
				  uint32_t *val)
{
	uint8_t b = (uint8_t)*val;

	serial_io(ctx->serial, port - PORT_COM1, is_write, &b);
	if (!is_write)
		*val = b;
	return EXITV_CONTINUE;
}

/* Absent devices read as all-ones and ignore writes, as on a PC. */
static enum exit_verdict pio_absent(uint32_t *val, int is_write)
{
	if (!is_write)
		*val = 0xFFFFFFFFu;
	return EXITV_CONTINUE;
}

/* A port no device claims: absent, and counted for --stats. */
static enum exit_verdict pio_unclaimed(struct exit_ctx *ctx, uint32_t *val, int is_write)
{
	if (ctx->unclaimed)
		ctx->unclaimed->pio++;
	return pio_absent(val, is_write);
}

/* QEMU's isa-debug-exit: a guest written for QEMU ends the run with the value it writes. */
static enum exit_verdict pio_debug_exit(struct exit_ctx *ctx, uint16_t port, int is_write,
					int size, uint32_t *val)
{
	if (!is_write || !ctx->mexit)
		return pio_absent(val, is_write);
	return debug_exit_write(ctx->mexit, *val) ? EXITV_STOP : EXITV_CONTINUE;
}

static enum exit_verdict pio_shutdown(struct exit_ctx *ctx, uint16_t port, int is_write,
				      int size, uint32_t *val)
{
	if (!is_write || !ctx->mexit)
		return pio_absent(val, is_write);
	return shutdown_port_write(ctx->mexit, (uint8_t)*val) ? EXITV_STOP : EXITV_CONTINUE;
}

static enum exit_verdict pio_fw_cfg(struct exit_ctx *ctx, uint16_t port, int is_write,
				    int size, uint32_t *val)
{
	if (!ctx->fw_cfg)
		return pio_absent(val, is_write);
	fw_cfg_io(ctx->fw_cfg, port, is_write, size, val);
	return EXITV_CONTINUE;
}

static enum exit_verdict pio_pm_timer(struct exit_ctx *ctx, uint16_t port, int is_write,
				      int size, uint32_t *val)
{
	pm_timer_io(port, is_write, size, val);
	return EXITV_CONTINUE;
}

static enum exit_verdict pio_offcpu(struct exit_ctx *ctx, uint16_t port, int is_write,
				    int size, uint32_t *val)
{
	offcpu_port_io(is_write, size, val);
	return EXITV_CONTINUE;
}

static enum exit_verdict pio_timer_probe(struct exit_ctx *ctx, uint16_t port, int is_write,
					 int size, uint32_t *val)
{
	timer_probe_io(ctx->timer_probe, is_write, size, val);
	return EXITV_CONTINUE;
}

static enum exit_verdict pio_rtc(struct exit_ctx *ctx, uint16_t port, int is_write, int size,
				 uint32_t *val)
{
	if (!ctx->rtc)
		return pio_unclaimed(ctx, val, is_write);
	rtc_io(ctx->rtc, port, is_write, val);
	return EXITV_CONTINUE;
}

/* A write that asks for S3 stops this vCPU's exit handling here: the rest of a string I/O
 * instruction is not carried out, as the machine sleeps at once. */
static enum exit_verdict pio_pm1(struct exit_ctx *ctx, uint16_t port, int is_write, int size,
				 uint32_t *val)
{
	if (!ctx->pm1)
		return pio_unclaimed(ctx, val, is_write);
	return pm1_io(ctx->pm1, port, is_write, size, val) == PM1_SLEEP_S3 ? EXITV_SLEEP_S3 : EXITV_CONTINUE;
}

static enum exit_verdict pio_testdev(struct exit_ctx *ctx, uint16_t port, int is_write, int size,
				     uint32_t *val)
{
	if (!ctx->testdev)
		return pio_unclaimed(ctx, val, is_write);
	pc_testdev_pio(ctx->testdev, port, is_write, size, val);
	return EXITV_CONTINUE;
}

static const struct pio_handler pio_table[] = {
	{ PORT_PV, PORT_PV, pio_pv },
	{ PORT_PV_OFFCPU, PORT_PV_OFFCPU, pio_offcpu },
	{ PORT_PV_TIMER_PROBE, PORT_PV_TIMER_PROBE, pio_timer_probe },
	{ PORT_COM1, PORT_COM1_LAST, pio_com1 },
	{ PORT_DEBUG_EXIT, PORT_DEBUG_EXIT, pio_debug_exit },
	{ PORT_BOCHS_SHUTDOWN, PORT_BOCHS_SHUTDOWN, pio_shutdown },
	{ PORT_FW_CFG, PORT_FW_CFG_LAST, pio_fw_cfg },
	{ PORT_ACPI_PM1_EVT, PORT_ACPI_PM1_LAST, pio_pm1 },
	{ PORT_ACPI_PM_TMR, PORT_ACPI_PM_TMR_LAST, pio_pm_timer },
	{ RTC_PORT_INDEX, RTC_PORT_DATA, pio_rtc },
	{ PC_TESTDEV_PORT_DATA, PC_TESTDEV_PORT_DATA_BYTE + 3, pio_testdev },
	{ PC_TESTDEV_PORT_IRQ, PC_TESTDEV_PORT_IRQ + PC_TESTDEV_IRQ_LINES - 1, pio_testdev },
};

enum exit_verdict exit_pio(struct exit_ctx *ctx, uint16_t port, int is_write, int size, uint32_t *val)
{
	for (size_t k = 0; k < ARRAY_SIZE(pio_table); k++)
		if (port >= pio_table[k].first && port <= pio_table[k].last)
			return pio_table[k].fn(ctx, port, is_write, size, val);
	return pio_unclaimed(ctx, val, is_write);
}

static enum exit_verdict handle_io(struct exit_ctx *ctx, struct kvm_run *run)
{
	const uint32_t size = run->io.size, count = run->io.count;
	const int is_write = run->io.direction == KVM_EXIT_IO_OUT;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	enum exit_verdict v = EXITV_CONTINUE;

	if ((size != 1 && size != 2 && size != 4) || run->io.data_offset < sizeof(*run) ||
	    run->io.data_offset > ctx->run_size ||
	    (uint64_t)size * count > ctx->run_size - run->io.data_offset)  /* no wrap-around */
		return EXITV_UNEXPECTED;
	for (uint32_t i = 0; i < count && v == EXITV_CONTINUE; i++, data += size) {
		uint32_t val = 0;

		if (is_write)
			memcpy(&val, data, size);
		v = exit_pio(ctx, run->io.port, is_write, (int)size, &val);
		if (!is_write)
			memcpy(data, &val, size);
	}
	return v;
}

/* The userspace IOAPIC (32-bit accesses only, as the 82093AA); every other address reads
 * all-ones and ignores writes. */
static enum exit_verdict handle_mmio(struct exit_ctx *ctx, struct kvm_run *run)
{
	uint64_t off = run->mmio.phys_addr - LAYOUT_IOAPIC_BASE;
	uint32_t val = 0xFFFFFFFFu;

	if (ctx->testdev && run->mmio.phys_addr - PC_TESTDEV_IOMEM_BASE < PC_TESTDEV_IOMEM_SIZE) {
		pc_testdev_mmio(ctx->testdev, run->mmio.phys_addr - PC_TESTDEV_IOMEM_BASE,
				run->mmio.is_write, run->mmio.data, run->mmio.len);
		return EXITV_CONTINUE;
	}
	if (ctx->unclaimed && !(ctx->ioapic && off < IOAPIC_MMIO_SIZE))
		ctx->unclaimed->mmio++;
	if (ctx->ioapic && run->mmio.phys_addr >= LAYOUT_IOAPIC_BASE && off < IOAPIC_MMIO_SIZE &&
	    run->mmio.len == 4) {
		if (run->mmio.is_write)
			memcpy(&val, run->mmio.data, 4);
		ioapic_mmio(ctx->ioapic, off, run->mmio.is_write, &val);
	}
	if (!run->mmio.is_write) {
		memset(run->mmio.data, 0xFF, sizeof(run->mmio.data));
		memcpy(run->mmio.data, &val, 4);
	}
	return EXITV_CONTINUE;
}

enum exit_verdict exit_dispatch(struct exit_ctx *ctx, struct kvm_run *run)
{
	switch (run->exit_reason) {
	case KVM_EXIT_IO:             return handle_io(ctx, run);
	case KVM_EXIT_MMIO:           return handle_mmio(ctx, run);
	case KVM_EXIT_INTR:           return EXITV_CONTINUE;
	case KVM_EXIT_IOAPIC_EOI:
		if (ctx->ioapic)
			ioapic_eoi(ctx->ioapic, run->eoi.vector);
		return EXITV_CONTINUE;
	case KVM_EXIT_SHUTDOWN:       return EXITV_SHUTDOWN;
	case KVM_EXIT_INTERNAL_ERROR: return EXITV_EMULATION;
	case KVM_EXIT_FAIL_ENTRY:     return EXITV_ENTRY_FAILED;
	case KVM_EXIT_HLT:            return EXITV_HLT;
	default:                      return EXITV_UNEXPECTED;
	}
}

const char *exit_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN", [KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
		[KVM_EXIT_IO] = "KVM_EXIT_IO", [KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
		[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG", [KVM_EXIT_HLT] = "KVM_EXIT_HLT",
		[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO", [KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN", [KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
		[KVM_EXIT_INTR] = "KVM_EXIT_INTR", [KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
		[KVM_EXIT_IOAPIC_EOI] = "KVM_EXIT_IOAPIC_EOI",
	};
	return reason < ARRAY_SIZE(names) && names[reason] ? names[reason] : "unknown exit";
}
