; SPDX-License-Identifier: MIT
; A guest that hangs inside a test: suite "hang" runs `first` (passes), then begins `stuck` and
; halts for good; suite "later" never starts. For the interrupted-run tests (tests/e2e/
; interrupt.py): a signal ends `stuck` as interrupted, `later.never` as not run.
%include "pvguest.inc"
GUEST_ENTRY
	HELLO 2                           ; two suites
	SEND PV_CMD_SUITE, 0, s_hang, 0
	SEND PV_CMD_TEST, 0, t_first, 0
	SEND PV_CMD_RESULT, PV_PASS, t_first, 0
	SEND PV_CMD_TEST, 1, t_stuck, 0
	SEND PV_CMD_PRINT, 0, 0, m_hang       ; "stuck" has started: a signal now interrupts it
	HALT_FOREVER

section .data
align 8
suites:
	dq s_hang, tests_hang
	dd 2, 1                           ; ntests, min_cpus
	dq s_later, tests_later
	dd 1, 1
tests_hang:
	dq t_first, 0
	db 1, 0, 0, 0, 0, 0, 0, 0
	dq t_stuck, 0
	db 1, 0, 0, 0, 0, 0, 0, 0
tests_later:
	dq t_never, 0
	db 1, 0, 0, 0, 0, 0, 0, 0
s_hang:  db "hang", 0
s_later: db "later", 0
t_first: db "first", 0
t_stuck: db "stuck", 0
t_never: db "never", 0
m_hang: db "hanging in stuck", 0
