/* SPDX-License-Identifier: MIT */
/*
 * The progress line: when a person is watching (stderr is a terminal, or --progress), one line
 * on stderr redrawn in place ("\r" + erase): suite i of n, tests done, elapsed. Nothing when
 * stderr is not a terminal (CI logs stay clean) or with --quiet. Output that shares the terminal
 * (KTAP on stdout, serial lines) hides the line while it is written: progress_hide() /
 * progress_show() around it.
 */
#ifndef IRQLAB_HOST_PROGRESS_H
#define IRQLAB_HOST_PROGRESS_H

#include <stdbool.h>

struct report;
struct pv_event;

enum progress_mode { PROGRESS_AUTO, PROGRESS_ON, PROGRESS_OFF };

extern bool progress_active;

/* Decide from the mode and isatty(2); when on, start redrawing (a ticker keeps "elapsed" live). */
void progress_start(enum progress_mode mode, const char *what);
void progress_stop(void);      /* erase the line */

void progress_hide(void);
void progress_show(void);

/* A port message was handled: the report's plan and position give suite i of n, tests done. */
void progress_port_msg(struct report *r, const struct pv_event *ev);
/* irqlab check: `done` of `total` checks finished. */
void progress_count(const char *what, int done, int total);

#endif
