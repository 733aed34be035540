; SPDX-License-Identifier: MIT
; Sends a "message block" address far outside guest RAM.
bits 64
%include "pvguest.inc"
section .text
global _start64
_start64:
	mov eax, 0xFFFF0000
	mov dx, PORT_PV
	out dx, eax
	HALT_FOREVER
