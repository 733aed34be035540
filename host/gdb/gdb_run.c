/* SPDX-License-Identifier: MIT */
/*
 * All-stop for the GDB stub: when one vCPU stops (breakpoint, step) or gdb sends Ctrl-C, every
 * other vCPU is kicked out of KVM_RUN (immediate_exit + SIGUSR1, as run.c stops a run) and parks
 * in gdb_vcpu_enter() until gdb resumes. Breakpoints are DR0-DR3 execute breakpoints loaded with
 * KVM_SET_GUEST_DEBUG by each vCPU on its own thread before it enters KVM_RUN (docs/kvm-pvm.md:
 * int3 is an emulation failure here, RF is ignored, data watchpoints never fire).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <x86/msr.h>

#include "gdb.h"
#include "gdb_internal.h"
#include "kvm.h"
#include "run_ctl.h"
#include "vcpu.h"

#define PARK_POLL_NS 50000000L   /* parked vCPUs re-check the run's stop flag and serve calls */
#define DR6_BS (1u << 14)

static void deadline(struct timespec *ts, long ns)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += ns;
	ts->tv_sec += ts->tv_nsec / 1000000000L;
	ts->tv_nsec %= 1000000000L;
}

bool gdb_run_stopping(struct gdb_stub *st)
{
	/* run.c sets it when the vCPU threads start; the stub may be asked before that */
	struct run_ctl *ctl = __atomic_load_n(&st->vc[0].v->th.ctl, __ATOMIC_ACQUIRE);

	return ctl && run_stopping(ctl);
}

static bool vcpu_stopping(struct vcpu *v)
{
	struct run_ctl *ctl = __atomic_load_n(&v->th.ctl, __ATOMIC_ACQUIRE);

	return ctl && run_stopping(ctl);
}

/* The server thread polls wake[0]: a stop to report, or the end of the run. */
void gdb_wake(struct gdb_stub *st)
{
	char c = 1;

	if (write(st->wake[1], &c, 1) < 0) {
		/* the pipe is full: the server is awake anyway */
	}
}

/* Lock held. Claim the stop for `cpu` (-1: Ctrl-C, report the current thread) and kick the rest. */
void gdb_stop_all(struct gdb_stub *st, int cpu, int sig, bool hw)
{
	if (st->stopped || st->detached)
		return;
	st->stopped = true;
	st->stop_cpu = cpu >= 0 ? cpu : st->g_cpu;
	st->stop_sig = sig;
	st->stop_hw = hw;
	for (int i = 0; i < st->ncpus; i++) {
		struct vcpu *v = st->vc[i].v;

		if (i == cpu || !__atomic_load_n(&v->th.started, __ATOMIC_ACQUIRE))
			continue;
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
		pthread_kill(v->th.thread, SIGUSR1);
	}
	gdb_wake(st);
}

/* Lock held. Wait until every vCPU is parked (or the run is ending). */
void gdb_wait_parked(struct gdb_stub *st)
{
	struct timespec ts;

	for (;;) {
		int i;

		for (i = 0; i < st->ncpus && st->vc[i].parked; i++)
			;
		if (i == st->ncpus || gdb_run_stopping(st))
			return;
		deadline(&ts, PARK_POLL_NS);
		pthread_cond_timedwait(&st->parked_cond, &st->lock, &ts);
	}
}

/* Resume: step `step_cpu` alone (the others stay parked: a step is one instruction), or, with
 * -1, continue every vCPU; a vCPU that stopped on a breakpoint first steps over it with the
 * breakpoints off (RF does not work here). */
void gdb_resume(struct gdb_stub *st, int step_cpu)
{
	pthread_mutex_lock(&st->lock);
	for (int i = 0; i < st->ncpus; i++)
		st->vc[i].act = GDB_ACT_CONT;
	if (step_cpu >= 0 && step_cpu < st->ncpus) {
		st->vc[step_cpu].act = GDB_ACT_STEP;
	} else if (st->stop_hw && st->stop_cpu >= 0 && st->stop_cpu < st->ncpus) {
		struct gdb_cpu_state s;

		if (gdb_get_state(st, st->stop_cpu, &s) == 0) {
			uint64_t pc = (s.s.efer & EFER_LMA) ? s.r.rip : s.s.cs.base + s.r.rip;

			for (int b = 0; b < GDB_NBP; b++)
				if (st->bp_used[b] && st->bp_addr[b] == pc)
					st->vc[st->stop_cpu].act = GDB_ACT_STEPOVER;
		}
	}
	st->running = !st->detached;
	st->stop_hw = false;
	st->stopped = false;
	if (step_cpu >= 0)                      /* the others stay parked for the step */
		st->stopped = true;
	st->stop_cpu = step_cpu;
	pthread_cond_broadcast(&st->park_cond);
	pthread_mutex_unlock(&st->lock);
}

void gdb_detach(struct gdb_stub *st)
{
	pthread_mutex_lock(&st->lock);
	__atomic_store_n(&st->detached, true, __ATOMIC_RELEASE);   /* gdb_vcpu_exit() reads it unlocked */
	st->gen++;
	pthread_mutex_unlock(&st->lock);
	gdb_resume(st, -1);
}

/* Lock held (vCPU thread): may this vCPU run now? */
static bool may_run(struct gdb_stub *st, struct gdb_vcpu *gv, int id)
{
	if (st->detached)
		return true;
	if (!st->stopped)
		return true;
	/* stepping one vCPU: stopped stays set for the others, stop_cpu names the stepper */
	return st->running && st->stop_cpu == id && gv->act == GDB_ACT_STEP;
}

static int load_debug(struct gdb_stub *st, struct gdb_vcpu *gv, struct vcpu *v)
{
	struct kvm_guest_debug dbg;
	bool step = gv->act != GDB_ACT_CONT && !st->detached;

	if (gv->debug_loaded && gv->gen == st->gen && gv->loaded_step == step)
		return 0;
	memset(&dbg, 0, sizeof(dbg));
	if (!st->detached) {
		dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
		if (step)
			dbg.control |= KVM_GUESTDBG_SINGLESTEP;   /* breakpoints off while stepping */
		else
			for (int b = 0; b < GDB_NBP; b++)
				if (st->bp_used[b]) {
					dbg.arch.debugreg[b] = st->bp_addr[b];
					dbg.arch.debugreg[7] |= 2ull << (2 * b);   /* Gn, R/W=00 execute, LEN=00 */
				}
	}
	if (__kvm_ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		return -EIO;
	gv->debug_loaded = true;
	gv->gen = st->gen;
	gv->loaded_step = step;
	return 0;
}

/* A step that ended in an I/O exit: KVM completes the I/O on the next entry and then runs one
 * more instruction before the debug exit; entering once with immediate_exit instead leaves RIP
 * on the next instruction, not yet run (docs/kvm-pvm.md). */
static void finish_io_step(struct vcpu *v)
{
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
	ioctl(v->fd, KVM_RUN, 0);
	__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_RELEASE);
}

static void step_done(struct gdb_stub *st, struct gdb_vcpu *gv, int id)
{
	if (gv->act == GDB_ACT_STEPOVER) {
		gv->act = GDB_ACT_CONT;         /* past the breakpoint: on with them loaded */
		return;
	}
	gv->act = GDB_ACT_CONT;
	st->stopped = false;                    /* let gdb_stop_all claim it */
	gdb_stop_all(st, id, 5, false);
}

int gdb_vcpu_enter(struct gdb_stub *st, struct vcpu *v)
{
	struct gdb_vcpu *gv = &st->vc[v->id];
	struct timespec ts;
	int r = 0;

	pthread_mutex_lock(&st->lock);
	if (gv->step_io) {
		gv->step_io = false;
		finish_io_step(v);
		if (gv->act != GDB_ACT_CONT)
			step_done(st, gv, v->id);
	}
	while (!may_run(st, gv, v->id) && !vcpu_stopping(v)) {
		if (!gv->parked) {
			gv->parked = true;
			pthread_cond_broadcast(&st->parked_cond);
		}
		deadline(&ts, PARK_POLL_NS);
		pthread_cond_timedwait(&st->park_cond, &st->lock, &ts);
		pthread_mutex_unlock(&st->lock);
		vcpu_serve_calls(&v->th);       /* MCE injections and other calls still get served */
		pthread_mutex_lock(&st->lock);
	}
	gv->parked = false;
	if (vcpu_stopping(v))
		r = 1;
	else if (load_debug(st, gv, v) < 0)
		r = 0;                          /* runs on without the debug state; gdb sees no stop */
	pthread_mutex_unlock(&st->lock);
	return r;
}

bool gdb_vcpu_exit(struct gdb_stub *st, struct vcpu *v, int r)
{
	struct gdb_vcpu *gv = &st->vc[v->id];
	uint32_t reason = v->run->exit_reason;
	bool mine = r == 0 && reason == KVM_EXIT_DEBUG;

	if (r < 0 || __atomic_load_n(&st->detached, __ATOMIC_ACQUIRE))
		return mine;
	pthread_mutex_lock(&st->lock);
	if (mine) {
		uint64_t dr6 = v->run->debug.arch.dr6;

		if (gv->act != GDB_ACT_CONT && (dr6 & DR6_BS || !(dr6 & 15)))
			step_done(st, gv, v->id);
		else
			gdb_stop_all(st, v->id, 5, (dr6 & 15) != 0);
	} else if (gv->act != GDB_ACT_CONT && (reason == KVM_EXIT_IO || reason == KVM_EXIT_MMIO)) {
		gv->step_io = true;             /* finished in gdb_vcpu_enter, after the I/O is handled */
	}
	pthread_mutex_unlock(&st->lock);
	return mine;
}

int gdb_get_state(struct gdb_stub *st, int cpu, struct gdb_cpu_state *out)
{
	struct vcpu *v;

	if (cpu < 0 || cpu >= st->ncpus)
		return -EINVAL;
	v = st->vc[cpu].v;
	if (__kvm_ioctl(v->fd, KVM_GET_REGS, &out->r) < 0 || __kvm_ioctl(v->fd, KVM_GET_SREGS, &out->s) < 0)
		return -EIO;
	return 0;
}

int gdb_put_state(struct gdb_stub *st, int cpu, const struct gdb_cpu_state *in)
{
	struct vcpu *v;

	if (cpu < 0 || cpu >= st->ncpus)
		return -EINVAL;
	v = st->vc[cpu].v;
	if (__kvm_ioctl(v->fd, KVM_SET_REGS, (void *)&in->r) < 0 ||
	    __kvm_ioctl(v->fd, KVM_SET_SREGS, (void *)&in->s) < 0)
		return -EIO;
	return 0;
}

/* A vCPU becomes a gdb thread once it has left the wait-for-INIT state; it stays one. */
void gdb_update_listed(struct gdb_stub *st)
{
	for (int i = 0; i < st->ncpus; i++) {
		struct kvm_mp_state mp = { 0 };

		if (st->vc[i].listed)
			continue;
		if (__kvm_ioctl(st->vc[i].v->fd, KVM_GET_MP_STATE, &mp) == 0 &&
		    mp.mp_state != KVM_MP_STATE_UNINITIALIZED)
			st->vc[i].listed = true;
	}
}

int gdb_tid(int cpu)
{
	return cpu + 1;                 /* gdb thread ids are positive: vCPU N is thread N+1 */
}

int gdb_parse_tid(struct gdb_stub *st, const char *p)
{
	uint64_t t;

	if (!strcmp(p, "-1") || !strcmp(p, "0"))
		return -1;
	if (gdb_parse_hex(&p, &t) < 0 || *p || t == 0 || t > (uint64_t)st->ncpus || !st->vc[t - 1].listed)
		return -2;
	return (int)t - 1;
}

/* Ctrl-C: stop every vCPU; during a step that does not end (a HLT, an AP waiting for INIT), stop
 * the stepping vCPU too and report SIGINT on it. */
void gdb_interrupt(struct gdb_stub *st)
{
	pthread_mutex_lock(&st->lock);
	if (st->running && !st->stopped) {
		gdb_stop_all(st, -1, 2, false);
	} else if (st->running && st->stop_cpu >= 0 && st->stop_cpu < st->ncpus &&
		   st->vc[st->stop_cpu].act == GDB_ACT_STEP) {
		struct vcpu *v = st->vc[st->stop_cpu].v;

		st->vc[st->stop_cpu].act = GDB_ACT_CONT;   /* parks instead of entering again */
		st->stop_sig = 2;
		st->stop_hw = false;
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
		pthread_kill(v->th.thread, SIGUSR1);
		gdb_wake(st);
	}
	pthread_mutex_unlock(&st->lock);
}

void gdb_kill(struct gdb_stub *st)
{
	struct run_ctl *ctl = st->vc[0].v->th.ctl;

	if (ctl)
		run_request_stop(ctl);
	pthread_mutex_lock(&st->lock);
	pthread_cond_broadcast(&st->park_cond);
	pthread_mutex_unlock(&st->lock);
}
