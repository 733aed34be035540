; SPDX-License-Identifier: MIT
; An unexpected #GP inside a test, reported by the guest's own handler with PV_CMD_FAULT the
; way the real guest does (vector, error code, RIP, CR2, RSP; text = where).
%include "pvguest.inc"
%define GATE_INT64 0x8E00                 ; P, DPL0, 64-bit interrupt gate (SDM Vol. 3A 6.14.1)
%define VEC_GP 13

GUEST_ENTRY
	call install_gp_gate
	HELLO
	SEND PV_CMD_SUITE, 0, s_fault, 0
	SEND PV_CMD_TEST, 0, t_gp, 0
	mov rax, 0x8000000000000000              ; non-canonical: the load below raises #GP(0)
global fault_insn
fault_insn:
	mov rbx, [rax]
	HALT_FOREVER

install_gp_gate:
	mov rax, gp_handler
	mov [idt + VEC_GP * 16], ax
	mov word [idt + VEC_GP * 16 + 2], GDT_SEL_CODE64
	mov word [idt + VEC_GP * 16 + 4], GATE_INT64
	shr rax, 16
	mov [idt + VEC_GP * 16 + 6], ax
	shr rax, 16
	mov [idt + VEC_GP * 16 + 8], eax
	lidt [idtr]
	ret

; Stack: error code, RIP, CS, RFLAGS, RSP, SS.
gp_handler:
	mov rax, [rsp + 8]
	mov [pv_block + MSG_ARG + 16], rax       ; arg2 = RIP
	mov rax, cr2
	mov [pv_block + MSG_ARG + 24], rax       ; arg3 = CR2
	mov rax, [rsp + 32]
	mov [pv_block + MSG_ARG + 32], rax       ; arg4 = RSP
	mov edi, PV_CMD_FAULT
	mov esi, VEC_GP
	mov rdx, [rsp]                           ; arg1 = error code
	xor ecx, ecx
	mov r8d, where
	call pv_send
	HALT_FOREVER

section .data
align 8
idtr:
	dw (VEC_GP + 1) * 16 - 1
	dq idt
SUITE2 s_fault, t_gp, t_after
s_fault: db "fault", 0
t_gp:    db "gp", 0
t_after: db "after", 0
where:   db "guest_fault.asm gp_handler", 0

section .bss
align 16
idt: resb (VEC_GP + 1) * 16
