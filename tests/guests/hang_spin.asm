; SPDX-License-Identifier: MIT
; Hangs spinning: every iteration is emulated, no exit ever reaches the host (--timeout).
bits 64
section .text
global _start64
_start64:
	jmp $
