/* SPDX-License-Identifier: MIT */
#include "offcpu_port.h"

#include "util.h"

void offcpu_port_io(int is_write, int size, uint32_t *val)
{
	if (is_write)
		return;
	*val = size == 4 ? (uint32_t)(now_ns() - thread_cpu_ns()) : 0xFFFFFFFFu;
}
