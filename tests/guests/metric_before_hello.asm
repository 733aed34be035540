; SPDX-License-Identifier: MIT
; A METRIC before HELLO, then a passing run: the metric must survive HELLO (it was kept in the
; plan, which HELLO replaced: lost from the JSON and leaked).
%include "pvguest.inc"
GUEST_ENTRY
	SEND PV_CMD_METRIC, 42, m_name, m_unit
	DEMO_START
	DEMO_FINISH

section .data
DEMO_SUITE
m_name: db "boot_cycles", 0
m_unit: db "cycles", 0
