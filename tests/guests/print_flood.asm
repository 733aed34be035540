; SPDX-License-Identifier: MIT
; 60,000 PRINTs of 1,000 characters inside one test (60 MB of text): the host must keep its
; per-test log bounded (capped, with a "truncated" line) and append in linear time. The block
; is filled once and re-sent, so the guest itself costs one `out` per message.
bits 64
%include "pvguest.inc"
%define FLOOD 60000
section .text
global _start64
_start64:
	HELLO
	SEND PV_CMD_SUITE, 0, s_demo, 0
	SEND PV_CMD_TEST, 0, t_one, 0
	SEND PV_CMD_PRINT, 0, 0, line         ; fills the block with one 1,000-character line
	RESEND FLOOD
	DEMO_FINISH

section .data
DEMO_SUITE
line:   times 1000 db 'x'
	db 0
