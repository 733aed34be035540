/* SPDX-License-Identifier: MIT */
/* Least privilege for the run (docs/security.md): once the VM is built and every output is open,
 * drop all capabilities, set no_new_privs and install a seccomp allowlist (libseccomp) on every
 * thread of the process. A forbidden system call ends the process: one line on stderr, exit 3. */
#ifndef IRQLAB_HOST_SANDBOX_H
#define IRQLAB_HOST_SANDBOX_H

#include <stdbool.h>

/* Exit status of a process killed by the filter (as for a guest that broke irqlab). */
#define SANDBOX_EXIT_STATUS 3

/* First thing in main(), before any thread exists: keep glibc's malloc from opening files once
 * the filter is in. */
void sandbox_prepare(void);

/* Enter the sandbox for the rest of the process's life; dies with exit 2 if it cannot. `gdb`:
 * the --gdb stub's listening socket exists and may accept and talk to one debugger. */
void sandbox_enter(bool gdb);

/* Test builds only (docs/security.md): make a system call the filter forbids. */
void sandbox_forbidden_call(void);

#endif
