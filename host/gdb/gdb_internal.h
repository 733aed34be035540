/* SPDX-License-Identifier: MIT */
/* The GDB stub's own parts (gdb.h is what the launcher sees). No KVM is needed by the packet
 * parser, the hex helpers, the register table or the page walk: tests/unit/test_gdb.c feeds them. */
#ifndef IRQLAB_HOST_GDB_INTERNAL_H
#define IRQLAB_HOST_GDB_INTERNAL_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

/* ---- gdb_packet.c: packet framing ($data#cs, acks, Ctrl-C) and hex ---- */
#define GDB_PKT_MAX 4096       /* we advertise PacketSize=0x1000; a longer packet is dropped */

enum gdb_rx_event {
	GDB_RX_NONE,        /* byte consumed, nothing complete */
	GDB_RX_PACKET,      /* rx->buf holds a packet with a good checksum, NUL-terminated */
	GDB_RX_BAD,         /* checksum wrong, not hex, or too long: answer '-' */
	GDB_RX_INTERRUPT,   /* 0x03 outside a packet: Ctrl-C */
	GDB_RX_ACK,         /* '+' */
	GDB_RX_NAK,         /* '-': resend the last packet */
};

struct gdb_rx {
	int state;          /* 0 idle, 1 data, 2/3 the two checksum digits */
	char buf[GDB_PKT_MAX + 1];
	size_t len;
	uint8_t sum, cs;
	bool overflow;
};

void gdb_rx_init(struct gdb_rx *rx);
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t c);

/* Hex helpers, all bounded. */
int gdb_hexval(int c);                               /* 0..15 or -1 */
/* Parse up to 16 hex digits at *p into *out, advance *p; -EINVAL if none or too many. */
int gdb_parse_hex(const char **p, uint64_t *out);
/* Decode exactly `n` bytes from 2n hex digits; -EINVAL on a non-hex digit or short input. */
int gdb_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t n);
void gdb_hex_encode(const uint8_t *in, size_t n, char *out); /* 2n chars + NUL */
/* "ADDR,LEN" at *p (advanced past it); -EINVAL if either number is missing. */
int gdb_parse_addr_len(const char **p, uint64_t *addr, uint64_t *len);

/* ---- gdb_regs.c: the register layout gdb is told about (target.xml) ---- */
/* Chosen when gdb reads target.xml, from the vCPU's mode then: long mode, protected mode, real
 * mode (i8086: i386's registers). gdb keeps it for the connection: reconnect after a mode change. */
enum gdb_arch { GDB_ARCH_AMD64, GDB_ARCH_I386, GDB_ARCH_I8086 };

struct gdb_cpu_state {
	struct kvm_regs r;
	struct kvm_sregs s;
};

int gdb_reg_count(enum gdb_arch arch);
int gdb_reg_size(enum gdb_arch arch, int n);          /* bytes, or -EINVAL */
/* Register n little-endian into out (gdb_reg_size bytes); -EINVAL for no such register. */
int gdb_reg_get(enum gdb_arch arch, int n, const struct gdb_cpu_state *st, uint8_t *out);
/* Store register n; -EPERM for one the stub keeps read-only (x87/SSE, control registers). */
int gdb_reg_set(enum gdb_arch arch, int n, struct gdb_cpu_state *st, const uint8_t *in);
/* target.xml: its length, written into buf (NUL-terminated) if it fits. */
size_t gdb_target_xml(enum gdb_arch arch, char *buf, size_t len);

/* ---- gdb_mem.c: guest virtual addresses ---- */
/* Translate linear address `va` with the paging state in `s` (CR0.PG, CR4.PAE/PSE, EFER.LMA).
 * 0 with *pa and *left (bytes to the end of the page), or -EFAULT (not mapped, tables outside
 * RAM). Page-table entries are read through mem_read() only. */
int gdb_translate(const struct guest_mem *mem, const struct kvm_sregs *s, uint64_t va,
		  uint64_t *pa, uint64_t *left);
/* Copy len bytes at guest virtual `va` out of / into guest RAM: bytes done (may be short), or
 * -EFAULT if not even the first byte is reachable. */
long gdb_mem_read(const struct guest_mem *mem, const struct kvm_sregs *s, uint64_t va, void *buf, size_t len);
long gdb_mem_write(const struct guest_mem *mem, const struct kvm_sregs *s, uint64_t va, const void *buf, size_t len);

/* ---- the stub: its state, and what its files offer each other ---- */
#define GDB_NBP 4              /* DR0-DR3: every breakpoint, Z0 and Z1 alike */

enum gdb_act { GDB_ACT_CONT, GDB_ACT_STEP, GDB_ACT_STEPOVER };

struct gdb_vcpu {
	struct vcpu *v;
	bool parked;            /* waiting in gdb_vcpu_enter() */
	bool listed;            /* started once (not in KVM_MP_STATE_UNINITIALIZED): a gdb thread */
	enum gdb_act act;       /* what the next KVM_RUN does */
	bool step_io;           /* a step ended in an I/O exit: finish it (docs/kvm-pvm.md quirk) */
	unsigned gen;           /* the breakpoint generation loaded into this vCPU */
	bool loaded_step;       /* the guest-debug state loaded: stepping or not */
	bool debug_loaded;
};

struct gdb_stub {
	struct vm *vm;
	int ncpus;
	struct gdb_vcpu *vc;
	enum gdb_arch arch;
	pthread_mutex_t lock;
	pthread_cond_t park_cond;   /* vCPUs wait here while stopped */
	pthread_cond_t parked_cond; /* the server waits here for them to park */
	bool stopped;               /* all-stop: every vCPU parks */
	bool detached;              /* gdb left: no breakpoints, no stops (written atomically) */
	bool running;               /* gdb waits for a stop reply */
	int stop_cpu, stop_sig;
	bool stop_hw;               /* the stop was a breakpoint hit */
	uint64_t bp_addr[GDB_NBP];
	bool bp_used[GDB_NBP];
	unsigned gen;               /* bumped whenever the breakpoints change */
	int g_cpu;                  /* Hg: whose registers and memory */
	/* server side */
	int listen_fd, fd, wake[2];
	bool noack, ended;
	int exit_status;
	pthread_t thread;
	struct gdb_rx rx;
	char *last;                 /* the last packet sent (for '-') */
};

/* gdb_packet.c: sending, on the server thread. */
int gdb_send(struct gdb_stub *st, const char *payload);  /* frame and send one packet: 0 or -EPIPE */
/* A packet's answer: a broken connection shows as the server's next read failing. */
void gdb_reply(struct gdb_stub *st, const char *payload);
void gdb_reply_error(struct gdb_stub *st, int code);     /* "Ecode" */
void gdb_ack(struct gdb_stub *st, bool good);             /* '+' or '-', unless in no-ack mode */
void gdb_resend(struct gdb_stub *st);                     /* the last packet again, for a '-' */

/* gdb_run.c: all-stop, for the server and the packet handlers */
void gdb_wake(struct gdb_stub *st);                                  /* the server: look again */
void gdb_stop_all(struct gdb_stub *st, int cpu, int sig, bool hw); /* lock held */
void gdb_wait_parked(struct gdb_stub *st);                           /* lock held */
void gdb_resume(struct gdb_stub *st, int step_cpu);                  /* -1: continue all */
void gdb_detach(struct gdb_stub *st);       /* gdb left: no breakpoints, no stops, all resume */
int gdb_get_state(struct gdb_stub *st, int cpu, struct gdb_cpu_state *out);
int gdb_put_state(struct gdb_stub *st, int cpu, const struct gdb_cpu_state *in);
void gdb_update_listed(struct gdb_stub *st);
int gdb_tid(int cpu);                                                /* vCPU -> gdb thread id */
/* "-1", "0" (any) or a hex thread id -> vCPU index, -1 for any/all, -2 if malformed/unknown. */
int gdb_parse_tid(struct gdb_stub *st, const char *p);
bool gdb_run_stopping(struct gdb_stub *st);
void gdb_kill(struct gdb_stub *st);
void gdb_interrupt(struct gdb_stub *st);                             /* Ctrl-C */

/* gdb_cmds.c: handle one packet (NUL-terminated). */
void gdb_handle_packet(struct gdb_stub *st, char *pkt);

/* gdb_cmds_regmem.c: g, G, p, P, m, M on the vCPU Hg chose (st->g_cpu). */
void gdb_cmd_regs_read(struct gdb_stub *st);
void gdb_cmd_regs_write(struct gdb_stub *st, const char *hex);
void gdb_cmd_reg_read(struct gdb_stub *st, const char *args);
void gdb_cmd_reg_write(struct gdb_stub *st, const char *args);
void gdb_cmd_mem_read(struct gdb_stub *st, const char *args);
void gdb_cmd_mem_write(struct gdb_stub *st, const char *args);

/* gdb_cmds_run.c: stops, breakpoints, continue and step. */
void gdb_send_stop_reply(struct gdb_stub *st);
void gdb_cmd_stop_reason(struct gdb_stub *st);                  /* '?' */
void gdb_cmd_break(struct gdb_stub *st, const char *pkt);       /* Z, z */
void gdb_cmd_resume(struct gdb_stub *st, char what, int cpu);   /* c, C, s, S; cpu -1: Hg's */
void gdb_cmd_vcont(struct gdb_stub *st, char *args);

/* gdb_cmds_query.c */
void gdb_cmd_xfer_features(struct gdb_stub *st, const char *args);  /* qXfer:features:read: */
void gdb_cmd_threads(struct gdb_stub *st);                          /* qfThreadInfo */
void gdb_cmd_extra_info(struct gdb_stub *st, const char *args);     /* qThreadExtraInfo, */
void gdb_cmd_rcmd(struct gdb_stub *st, const char *hex);            /* qRcmd, */

#endif
