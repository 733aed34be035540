; SPDX-License-Identifier: MIT
; 100,000 METRICs in one test: the host must keep a bounded number of them (the rest counted
; as dropped, in KTAP and JSON) instead of growing its array and its JSON without limit.
bits 64
%include "pvguest.inc"
%define FLOOD 100000
section .text
global _start64
_start64:
	HELLO
	SEND PV_CMD_SUITE, 0, s_demo, 0
	SEND PV_CMD_TEST, 0, t_one, 0
	SEND PV_CMD_METRIC, 7, m_name, m_unit ; fills the block once
	mov ebx, FLOOD - 1
	mov dx, PORT_PV
.again:
	mov eax, pv_block
	out dx, eax
	dec ebx
	jnz .again
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
m_name: db "lat", 0
m_unit: db "ns", 0
