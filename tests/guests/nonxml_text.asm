; SPDX-License-Identifier: MIT
; Guest text that breaks naive output: U+FFFE and U+FFFF (no XML 1.0 characters: the JUnit
; file was invalid XML) and NEL, LS, PS (line breaks for Unicode-aware readers: they split a
; KTAP line). In a diagnostic, a failure's message and a SKIP reason; exit 1 (one failure).
%include "pvguest.inc"
GUEST_ENTRY
	DEMO_START
	SEND PV_CMD_PRINT, 0, 0, nasty
	SEND PV_CMD_RESULT, PV_FAIL, t_one, nasty2
	SEND PV_CMD_TEST, 1, t_two, 0
	SEND PV_CMD_RESULT, PV_SKIP, t_two, nasty
	RUN_END 1

section .data
DEMO_SUITE
nasty:  db "nonchar ", 0xEF, 0xBF, 0xBE, " ", 0xEF, 0xBF, 0xBF, " nel ", 0xC2, 0x85, " ls ", 0xE2, 0x80, 0xA8
	db " ps ", 0xE2, 0x80, 0xA9, " end", 0
nasty2: db "failed: ", 0xEF, 0xBF, 0xBF, 0xC2, 0x85, "second", 0
