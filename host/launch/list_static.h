/* SPDX-License-Identifier: MIT */
/* irqlab --list without a VM: the image's `.irqlab.suites` table read from the file
 * (image_suites.h), selected with --test and printed as the KVM path prints it. */
#ifndef IRQLAB_HOST_LIST_STATIC_H
#define IRQLAB_HOST_LIST_STATIC_H

#include <stdio.h>

struct opts;

/* The exit status of --list (0; 2 for a --test that selects nothing or a malformed table, with
 * one line on stderr), or -1 when the image has no table to read (no such section, a multiboot
 * kernel, `boot`): the caller runs the guest to learn it at HELLO. */
int list_static(const struct opts *o, FILE *out);

#endif
