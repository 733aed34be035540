/* SPDX-License-Identifier: MIT */
#include "request.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "ioapic.h"
#include "irq.h"
#include "mce.h"
#include "vcpu.h"
#include "vm.h"

typedef int (*req_fn)(struct vm *vm, struct vcpu *self, uint64_t arg[PV_ARGS], struct reason *why);

/* A refused request: -PV_EINVAL, and why as "<what>: <reason>" (the session prints it as
 * "# host: refused <what>: <reason>"). reason NULL: a check already wrote it into `why`. */
static int refuse(struct reason *why, const char *what, const char *reason)
{
	struct reason r = { "" };

	if (!reason && why)
		r = *why;
	failf(why, -EINVAL, "%s: %s", what, reason ? reason : r.text);
	return -PV_EINVAL;
}

/* KVM's -errno as the protocol's code: refused input stays EINVAL, anything else is EIO. */
static int kvm_result(int r)
{
	if (r >= 0)
		return 0;
	return r == -EINVAL ? -PV_EINVAL : r == -ETIMEDOUT ? -PV_ETIMEDOUT : -PV_EIO;
}

static int req_mce(struct vm *vm, struct vcpu *self, uint64_t arg[PV_ARGS],
			  struct reason *why)
{
	struct mce_inject m = {
		.cpu = (uint32_t)arg[1], .bank = (uint32_t)(arg[1] >> 32), .status = arg[2],
		.addr = arg[3], .misc = arg[4], .mcg_status = arg[5],
	};
	if (mce_check(vm, &m, why) < 0)
		return refuse(why, "MCE injection", NULL);
	arg[1] = (uint64_t)vm->mce_banks;
	return kvm_result(mce_inject(vm, self, &m));
}

static int req_msi_signal(struct vm *vm, struct vcpu *self, uint64_t arg[PV_ARGS],
			  struct reason *why)
{
	int r;

	if (irq_msi_check(arg[1], (uint32_t)arg[2], why) < 0)
		return refuse(why, "MSI", NULL);
	if (arg[2] > 0xFFFF)
		return refuse(why, "MSI", "data wider than 16 bits");
	r = irq_signal_msi(vm->irq, arg[1], (uint32_t)arg[2]);
	arg[1] = (uint64_t)(r < 0 ? 0 : r);
	return kvm_result(r);
}

static int req_msi_route(struct vm *vm, struct vcpu *self, uint64_t arg[PV_ARGS],
			  struct reason *why)
{
	if (arg[1] < PV_GSI_MSI_BASE || arg[1] >= PV_GSI_MAX)
		return refuse(why, "MSI route", "GSI outside 24..255 (0-23 are IOAPIC pins)");
	if (irq_msi_check(arg[2], (uint32_t)arg[3], why) < 0)
		return refuse(why, "MSI route", NULL);
	if (arg[3] > 0xFFFF)
		return refuse(why, "MSI route", "data wider than 16 bits");
	return kvm_result(irq_set_msi_route(vm->irq, (uint32_t)arg[1], arg[2], (uint32_t)arg[3]));
}

static int req_irq_line(struct vm *vm, struct vcpu *self, uint64_t arg[PV_ARGS],
			  struct reason *why)
{
	int status = 0, r;

	if (arg[1] >= PV_GSI_MAX || arg[2] > 1)
		return refuse(why, "IRQ line", "GSI above 255 or level not 0/1");
	if (vm->ioapic && arg[1] < PV_GSI_IOAPIC_PINS)
		r = status = ioapic_set_irq(vm->ioapic, (unsigned)arg[1], (int)arg[2]);
	else
		r = irq_line(vm->irq, (uint32_t)arg[1], (int)arg[2], &status);
	arg[1] = (uint64_t)(int64_t)status;
	return kvm_result(r);
}

static int req_irqfd(struct vm *vm, struct vcpu *self, uint64_t arg[PV_ARGS],
			  struct reason *why)
{
	if (arg[1] >= PV_GSI_MAX)
		return refuse(why, "irqfd", "GSI above 255");
	return kvm_result(irq_irqfd_kick(vm->irq, (uint32_t)arg[1]));
}

/* Runs on the calling vCPU's own thread, so the thread CPU clock and the schedstat file its thread
 * opened (vcpu.c: before the sandbox) are its own. */
static int req_run_delay(struct vm *vm, struct vcpu *self, uint64_t arg[PV_ARGS],
			 struct reason *why)
{
	unsigned long long exec_ns, delay_ns;
	char text[96];
	ssize_t len = self && self->schedstat_fd >= 0 ?
		      pread(self->schedstat_fd, text, sizeof(text) - 1, 0) : -1;
	int n = len > 0 ? (text[len] = '\0', sscanf(text, "%llu %llu", &exec_ns, &delay_ns)) : 0;

	arg[1] = n == 2 ? delay_ns : 0;		/* 0 without schedstat (CONFIG_SCHED_INFO off) */
	arg[2] = thread_cpu_ns();
	arg[3] = now_ns();
	return 0;
}

static const req_fn requests[PV_REQ_COUNT] = {
	[PV_REQ_MCE_INJECT] = req_mce,       [PV_REQ_MSI_SIGNAL] = req_msi_signal,
	[PV_REQ_MSI_ROUTE] = req_msi_route,  [PV_REQ_IRQ_LINE] = req_irq_line,
	[PV_REQ_IRQFD] = req_irqfd,          [PV_REQ_RUN_DELAY] = req_run_delay,
};

int req_serve(void *opaque, uint32_t cpu, uint64_t arg[PV_ARGS], struct reason *why)
{
	struct vm *vm = opaque;
	struct vcpu *self;

	if (arg[0] == PV_REQ_NOP)
		return 0;
	if (arg[0] >= PV_REQ_COUNT || !requests[arg[0]] || !vm)
		return -PV_ENOSYS;
	self = cpu < (uint32_t)vm->ncpus ? &vm->vcpus[cpu] : NULL;
	return requests[arg[0]](vm, self, arg, why);
}

const struct session_req_ops req_ops = { .serve = req_serve };
