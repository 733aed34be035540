; SPDX-License-Identifier: MIT
; HELLO twice: a protocol error in every mode. (With --list the first HELLO already stops this
; vCPU: the list is printed once; a second vCPU's HELLO is covered by test_pvport_order.)
%include "pvguest.inc"
GUEST_ENTRY
	HELLO
	HELLO
	SEND PV_CMD_DONE, 0, 0, 0
	HALT_FOREVER

section .data
DEMO_SUITE
