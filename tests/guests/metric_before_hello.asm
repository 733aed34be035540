; SPDX-License-Identifier: MIT
; A METRIC before HELLO, then a passing run: the metric must survive HELLO (it was kept in the
; plan, which HELLO replaced: lost from the JSON and leaked).
bits 64
%include "pvguest.inc"
section .text
global _start64
_start64:
	SEND PV_CMD_METRIC, 42, m_name, m_unit
	HELLO
	SEND PV_CMD_SUITE, 0, s_demo, 0
	SEND PV_CMD_TEST, 0, t_one, 0
	DEMO_FINISH

section .data
DEMO_SUITE
m_name: db "boot_cycles", 0
m_unit: db "cycles", 0
