/* SPDX-License-Identifier: MIT */
/* The progress line (progress.h). One mutex guards the text and the terminal writes; nothing
 * holds it across other work, so a vCPU thread that waits on another never waits on it. */
#include "progress.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pv_decode.h"
#include "report.h"
#include "util.h"

#define TICK_US 200000

bool progress_active;

static struct {
	pthread_mutex_t lock;
	pthread_t ticker;
	bool stop, shown, stdout_tty;
	uint64_t drawn;           /* when the line was last drawn */
	int hidden;               /* writers currently hiding the line */
	uint64_t t0;
	char what[64], text[160];
	int tests_done;
} P = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Under the lock. */
static void draw(void)
{
	uint64_t ms = (now_ns() - P.t0) / 1000000;

	if (P.hidden)
		return;
	fprintf(stderr, "\r\033[K%s: %s%s%llu.%llu s", P.what, P.text, *P.text ? ", " : "",
		(unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000 / 100));
	fflush(stderr);
	P.shown = true;
	P.drawn = now_ns();
}

static void erase(void)
{
	if (P.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		P.shown = false;
	}
}

static void *tick(void *arg)
{
	for (;;) {
		usleep(TICK_US);
		pthread_mutex_lock(&P.lock);
		if (P.stop) {
			pthread_mutex_unlock(&P.lock);
			return NULL;
		}
		draw();
		pthread_mutex_unlock(&P.lock);
	}
}

void progress_start(enum progress_mode mode, const char *what)
{
	if (progress_active || mode == PROGRESS_OFF || (mode == PROGRESS_AUTO && !isatty(STDERR_FILENO)))
		return;
	P.t0 = now_ns();
	P.stop = false;
	P.stdout_tty = isatty(STDOUT_FILENO);
	snprintf(P.what, sizeof(P.what), "%s", what);
	P.text[0] = '\0';
	if (pthread_create(&P.ticker, NULL, tick, NULL))
		return;
	progress_active = true;
	pthread_mutex_lock(&P.lock);
	draw();
	pthread_mutex_unlock(&P.lock);
}

void progress_stop(void)
{
	if (!progress_active)
		return;
	pthread_mutex_lock(&P.lock);
	P.stop = true;
	pthread_mutex_unlock(&P.lock);
	pthread_join(P.ticker, NULL);
	pthread_mutex_lock(&P.lock);
	erase();
	pthread_mutex_unlock(&P.lock);
	progress_active = false;
}

void progress_hide(void)
{
	pthread_mutex_lock(&P.lock);
	P.hidden++;
	if (P.stdout_tty)          /* the line would be in the way of what is written */
		erase();
	pthread_mutex_unlock(&P.lock);
}

void progress_show(void)
{
	pthread_mutex_lock(&P.lock);
	if (P.hidden)
		P.hidden--;
	if (!P.shown || now_ns() - P.drawn > TICK_US * 1000ull / 4)
		draw();
	pthread_mutex_unlock(&P.lock);
}

void progress_port_msg(struct report *r, const struct pv_event *ev)
{
	const struct plan *p = &r->plan;
	int cur, nth = 0, total = 0;
	char text[sizeof(P.text)] = "";

	if (ev->cmd == PV_CMD_RESULT)
		__atomic_add_fetch(&P.tests_done, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&r->lock);           /* the plan arrives at HELLO, from any vCPU */
	cur = r->cur_suite;
	for (int i = 0; i < p->nsuites && p->suites; i++) {
		total += p->suites[i].nselected;
		nth += i <= cur && p->suites[i].nselected > 0;
	}
	if (cur >= 0 && cur < p->nsuites && p->suites)
		snprintf(text, sizeof(text), "suite %d of %d (%s), %d of %d tests", nth, p->nselected,
			 p->suites[cur].name, P.tests_done, total);
	else if (p->nsuites)
		snprintf(text, sizeof(text), "%d of %d tests", P.tests_done, total);
	pthread_mutex_unlock(&r->lock);
	pthread_mutex_lock(&P.lock);
	if (*text)
		memcpy(P.text, text, sizeof(text));
	pthread_mutex_unlock(&P.lock);
}

void progress_count(const char *what, int done, int total)
{
	pthread_mutex_lock(&P.lock);
	snprintf(P.text, sizeof(P.text), "%d of %d %s", done, total, what);
	draw();
	pthread_mutex_unlock(&P.lock);
}
