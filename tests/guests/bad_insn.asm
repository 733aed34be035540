; SPDX-License-Identifier: MIT
; popcnt (f3 48 0f b8 c3): the instruction emulator here rejects it with
; KVM_EXIT_INTERNAL_ERROR, suberror 1 (docs/kvm-pvm.md).
bits 64
section .text
global _start64
_start64:
	popcnt rax, rbx
	jmp $
