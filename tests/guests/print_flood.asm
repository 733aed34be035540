; SPDX-License-Identifier: MIT
; 60,000 PRINTs of 1,000 characters inside one test (60 MB of text): the host must keep its
; per-test log bounded (capped, with a "truncated" line) and append in linear time. The block
; is filled once and re-sent, so the guest itself costs one `out` per message.
%include "pvguest.inc"
GUEST_ENTRY
	DEMO_FLOOD 60000, PV_CMD_PRINT, 0, 0, line

section .data
DEMO_SUITE
line:   times 1000 db 'x'
	db 0
