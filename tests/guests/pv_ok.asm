; SPDX-License-Identifier: MIT
; A well-behaved minimal guest: suite "demo" with pass_one (passes) and skip_one (skips),
; each run only if the host selected it, then DONE. The e2e tests compare its exact KTAP.
bits 64
%include "pvguest.inc"
section .text
global _start64
_start64:
	HELLO
	SEND PV_CMD_SUITE, 0, s_demo, 0
	cmp byte [tests + TEST_DESC_SELECTED], 0
	je .second
	SEND PV_CMD_TEST, 0, t_pass, 0
	SEND PV_CMD_RESULT, PV_PASS, t_pass, 0
.second:
	cmp byte [tests + TEST_DESC_SIZE + TEST_DESC_SELECTED], 0
	je .end
	SEND PV_CMD_TEST, 1, t_skip, 0
	SEND PV_CMD_RESULT, PV_SKIP, t_skip, why
.end:
	SEND PV_CMD_SUITE_END, 0, 0, 0
	SEND PV_CMD_DONE, 0, 0, 0
	HALT_FOREVER

section .data
SUITE2 s_demo, t_pass, t_skip
s_demo: db "demo", 0
t_pass: db "pass_one", 0
t_skip: db "skip_one", 0
why:    db "not implemented here", 0
