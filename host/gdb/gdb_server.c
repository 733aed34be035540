/* SPDX-License-Identifier: MIT */
/* The GDB stub's server (gdb.h): the listening socket, one connection at a time, and the
 * server thread that reads gdb's bytes (framed by gdb_packet.c, handled by gdb_cmds.c) and
 * reports stops once every vCPU is parked (gdb_run.c wakes it). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb.h"
#include "gdb_internal.h"
#include "vcpu.h"
#include "vm.h"

int gdb_parse_addr(const char *spec, char *host, size_t hostlen, int *port, struct reason *why)
{
	const char *colon = strrchr(spec, ':');
	const char *p = colon ? colon + 1 : spec;
	size_t hl = colon ? (size_t)(colon - spec) : 0;
	struct in_addr a;
	char *end;
	long v;

	errno = 0;
	v = strtol(p, &end, 10);
	if (!*p || *end || errno || v < 0 || v > 65535)
		return failf(why, -EINVAL, "--gdb: '%s' is not [HOST:]PORT with a port from 0 to 65535", spec);
	if (hl >= hostlen)
		return failf(why, -EINVAL, "--gdb: '%s': host name too long", spec);
	snprintf(host, hostlen, "%.*s", (int)hl, spec);
	if (!hl || !strcmp(host, "localhost"))
		snprintf(host, hostlen, "127.0.0.1");
	if (inet_pton(AF_INET, host, &a) != 1)
		return failf(why, -EINVAL, "--gdb: '%s' is not an IPv4 address (e.g. 127.0.0.1:1234)", host);
	*port = (int)v;
	return 0;
}

static void drop_client(struct gdb_stub *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}

/* gdb went away without 'D' or 'k': detach (the guest runs on without breakpoints). */
static void client_gone(struct gdb_stub *st)
{
	drop_client(st);
	gdb_detach(st);
}

/* Bytes from gdb: acks, packets, Ctrl-C. */
static void on_input(struct gdb_stub *st, const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n && st->fd >= 0; i++) {
		switch (gdb_rx_feed(&st->rx, buf[i])) {
		case GDB_RX_NONE:
		case GDB_RX_ACK:
			break;
		case GDB_RX_NAK:
			gdb_resend(st);
			break;
		case GDB_RX_BAD:
			gdb_ack(st, false);
			break;
		case GDB_RX_INTERRUPT:
			gdb_interrupt(st);
			break;
		case GDB_RX_PACKET:
			gdb_ack(st, true);
			if (!st->running)             /* all-stop: nothing but Ctrl-C while it runs */
				gdb_handle_packet(st, st->rx.buf);
			break;
		}
	}
}

/* A stop claimed by a vCPU or Ctrl-C: once every vCPU is parked, tell gdb. */
static void check_stop(struct gdb_stub *st)
{
	bool report;

	pthread_mutex_lock(&st->lock);
	report = st->running && st->stopped;
	if (report) {
		gdb_wait_parked(st);
		st->running = false;
	}
	pthread_mutex_unlock(&st->lock);
	if (report && !gdb_run_stopping(st)) {
		gdb_update_listed(st);
		gdb_send_stop_reply(st);
	}
}

/* A connection: the first, or one after a detach, which stops the guest where it is. */
static void attach(struct gdb_stub *st)
{
	int one = 1;

	setsockopt(st->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	gdb_rx_init(&st->rx);
	st->noack = false;
	pthread_mutex_lock(&st->lock);
	if (st->detached) {
		__atomic_store_n(&st->detached, false, __ATOMIC_RELEASE);
		st->gen++;
		gdb_stop_all(st, -1, 5, false);   /* '?' waits for them to park */
	}
	pthread_mutex_unlock(&st->lock);
}

static void *server_thread(void *arg)
{
	struct gdb_stub *st = arg;
	uint8_t buf[4096];

	for (;;) {
		struct pollfd p[2] = { { st->wake[0], POLLIN, 0 },
				       { st->fd >= 0 ? st->fd : st->listen_fd, POLLIN, 0 } };
		int n = poll(p, 2, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (p[0].revents) {
			while (read(st->wake[0], buf, sizeof(buf)) == (ssize_t)sizeof(buf))
				;
			if (__atomic_load_n(&st->ended, __ATOMIC_ACQUIRE))
				break;
			check_stop(st);
		}
		if (st->fd < 0 && (p[1].revents & POLLIN)) {
			st->fd = accept(st->listen_fd, NULL, NULL);
			if (st->fd >= 0)
				attach(st);
			continue;
		}
		if (st->fd >= 0 && p[1].revents) {
			ssize_t r = read(st->fd, buf, sizeof(buf));

			if (r <= 0 && !(r < 0 && errno == EINTR))
				client_gone(st);
			else if (r > 0)
				on_input(st, buf, (size_t)r);
		}
	}
	return NULL;
}

struct gdb_stub *gdb_stub_start(struct vm *vm, const char *spec, bool i386)
{
	struct gdb_stub *st = xcalloc(1, sizeof(*st));
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t salen = sizeof(sa);
	struct reason why;
	char host[64];
	int port, one = 1, err;

	if (gdb_parse_addr(spec, host, sizeof(host), &port, &why) < 0)
		die(EXIT_USAGE, "%s", why.text);
	st->vm = vm;
	st->ncpus = vm->ncpus;
	st->vc = xcalloc((size_t)vm->ncpus, sizeof(*st->vc));
	st->arch = i386 ? GDB_ARCH_I386 : GDB_ARCH_AMD64;
	st->stopped = true;          /* the vCPUs wait for gdb before their first instruction */
	st->stop_sig = 5;
	st->fd = -1;
	st->g_cpu = 0;
	gdb_rx_init(&st->rx);
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->park_cond, NULL);
	pthread_cond_init(&st->parked_cond, NULL);
	for (int i = 0; i < vm->ncpus; i++) {
		st->vc[i].v = &vm->vcpus[i];
		st->vc[i].listed = i == 0;
		vm->vcpus[i].gdb = st;
	}
	inet_pton(AF_INET, host, &sa.sin_addr);
	sa.sin_port = htons((uint16_t)port);
	st->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (st->listen_fd < 0)
		die_errno(EXIT_USAGE, "--gdb: socket");
	setsockopt(st->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(st->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(st->listen_fd, 1) < 0)
		die_errno(EXIT_USAGE, "--gdb %s", spec);
	getsockname(st->listen_fd, (struct sockaddr *)&sa, &salen);
	if (pipe2(st->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		die_errno(EXIT_USAGE, "--gdb: pipe");
	fprintf(stderr, "irqlab: waiting for gdb on %s:%u\n", host, ntohs(sa.sin_port));
	fflush(stderr);
	err = pthread_create(&st->thread, NULL, server_thread, st);
	if (err) {
		errno = err;
		die_errno(EXIT_USAGE, "--gdb: cannot start its thread");
	}
	return st;
}

void gdb_stub_finish(struct gdb_stub *st, int status)
{
	char w[8];

	if (!st)
		return;
	__atomic_store_n(&st->ended, true, __ATOMIC_RELEASE);
	gdb_wake(st);
	pthread_join(st->thread, NULL);
	if (st->fd >= 0) {                   /* the guest ended: W with irqlab's exit status */
		snprintf(w, sizeof(w), "W%02x", status & 0xff);
		gdb_send(st, w);
	}
	drop_client(st);
	close(st->listen_fd);
	close(st->wake[0]);
	close(st->wake[1]);
	for (int i = 0; i < st->ncpus; i++)
		st->vc[i].v->gdb = NULL;
	free(st->last);
	free(st->vc);
	free(st);
}
