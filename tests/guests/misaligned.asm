; SPDX-License-Identifier: MIT
; A well-behaved run whose message block and test table sit at odd addresses: the guest chooses
; them, and the host must read and write them with byte copies (a typed access at an odd
; address is undefined behaviour: the ASan+UBSan build aborted on it).
%include "pvguest.inc"

; ODD cmd, arg0, arg1, name: a message without text through blk, at an odd address.
%macro ODD 4
	SEND_AT blk, %1, %2, %3, %4, 0
%endmacro

GUEST_ENTRY
	ODD PV_CMD_HELLO, suites, 1, 0
	ODD PV_CMD_SUITE, 0, 0, 0
	ODD PV_CMD_TEST, 0, 0, 0
	ODD PV_CMD_RESULT, PV_PASS, 0, t_one
	ODD PV_CMD_TEST, 1, 0, 0
	ODD PV_CMD_RESULT, PV_PASS, 0, t_two
	ODD PV_CMD_SUITE_END, 0, 0, 0
	ODD PV_CMD_DONE, 0, 0, 0
	HALT_FOREVER

section .bss
align 8
	resb 1
blk:	resb MSG_SIZE                     ; at an odd address

section .data
align 8
	db 0
suites:                                   ; struct pv_suite_desc at 8n+1
	dq s_demo, tests
	dd 2, 1
	db 0, 0
tests:                                    ; struct pv_test_desc[2] at 8n+3
	dq t_one, 0
	db 1, 0, 0, 0, 0, 0, 0, 0
	dq t_two, 0
	db 1, 0, 0, 0, 0, 0, 0, 0
s_demo: db "demo", 0
t_one:  db "one", 0
t_two:  db "two", 0
