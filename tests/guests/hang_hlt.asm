; SPDX-License-Identifier: MIT
; Hangs with IF=0 in hlt: with an in-kernel LAPIC the host never sees an exit (--timeout).
bits 64
%include "pvguest.inc"
section .text
global _start64
_start64:
	HALT_FOREVER
