; SPDX-License-Identifier: MIT
; 100,000 METRICs in one test: the host must keep a bounded number of them (the rest counted
; as dropped, in KTAP and JSON) instead of growing its array and its JSON without limit.
%include "pvguest.inc"
GUEST_ENTRY
	DEMO_FLOOD 100000, PV_CMD_METRIC, 7, m_name, m_unit

section .data
DEMO_SUITE
m_name: db "lat", 0
m_unit: db "ns", 0
