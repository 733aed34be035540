; SPDX-License-Identifier: MIT
; A hostile check suite: test "*" fails and test "pass" passes. irqlab check runs each check
; alone; had it selected "*" by pattern, both would run and the last result would hide the
; failure. Each test runs only if the host selected it, then DONE.
bits 64
%include "pvguest.inc"
section .text
global _start64
_start64:
	HELLO
	SEND PV_CMD_SUITE, 0, s_check, 0
	cmp byte [tests + TEST_DESC_SELECTED], 0
	je .second
	SEND PV_CMD_TEST, 0, t_star, 0
	SEND PV_CMD_RESULT, PV_FAIL, t_star, why
.second:
	cmp byte [tests + TEST_DESC_SIZE + TEST_DESC_SELECTED], 0
	je .end
	SEND PV_CMD_TEST, 1, t_pass, 0
	SEND PV_CMD_RESULT, PV_PASS, t_pass, 0
.end:
	SEND PV_CMD_SUITE_END, 0, 0, 0
	SEND PV_CMD_DONE, 0, 0, 0
	HALT_FOREVER

section .data
SUITE2 s_check, t_star, t_pass
s_check: db "check", 0
t_star:  db "*", 0
t_pass:  db "pass", 0
why:     db "the check named * failed", 0
