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
	SEND PV_CMD_RESULT, PV_PASS, t_one, 0
	SEND PV_CMD_TEST, 1, t_two, 0
	SEND PV_CMD_RESULT, PV_PASS, t_two, 0
	SEND PV_CMD_SUITE_END, 0, 0, 0
	SEND PV_CMD_DONE, 0, 0, 0
	HALT_FOREVER

section .data
SUITE2 s_demo, t_one, t_two
s_demo: db "demo", 0
t_one:  db "one", 0
t_two:  db "two", 0
m_name: db "boot_cycles", 0
m_unit: db "cycles", 0
