; SPDX-License-Identifier: MIT
; Sends a "message block" address far outside guest RAM.
%include "pvguest.inc"
GUEST_ENTRY
	mov eax, 0xFFFF0000
	mov dx, PORT_PV
	out dx, eax
	HALT_FOREVER
