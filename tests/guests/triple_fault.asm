; SPDX-License-Identifier: MIT
; Triple fault before HELLO: with an IDT limit of 0 the #UD cannot be delivered, neither can
; the #GP nor the #DF that follow (SDM Vol. 3A 6.15, interrupt 8): KVM_EXIT_SHUTDOWN.
bits 64
section .text
global _start64
_start64:
	lidt [idtr_empty]
	ud2

section .data
idtr_empty:
	dw 0
	dq 0
