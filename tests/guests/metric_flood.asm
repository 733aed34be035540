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
	RESEND FLOOD
	DEMO_FINISH

section .data
DEMO_SUITE
m_name: db "lat", 0
m_unit: db "ns", 0
