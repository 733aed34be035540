; SPDX-License-Identifier: MIT
; Interrupt and exception entry: 256 stubs from one macro, one common path, idt_dispatch() in C.
;
; Every stub leaves the same frame (struct frame in guest/idt.h, low address first):
;   r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax | vector error | rip cs rflags rsp ss
; The CPU pushes ss..rip (and the error code for some exceptions); the stub pushes a 0 error code
; where the CPU does not (SDM Vol. 3A 6.13, table 6-1), then the vector. idt.h asserts the same
; offsets on the C side and the link checks both agree (linker/guest.ld).

bits 64
%include "abi.inc"

%define FRAME_GPRS       15                      ; pushed by isr_common
%define FRAME_OFF_VECTOR (FRAME_GPRS * 8)        ; 120
%define FRAME_OFF_RIP    (FRAME_OFF_VECTOR + 16) ; 136
%define FRAME_SIZE       (FRAME_OFF_RIP + 40)    ; 176: a multiple of 16, so calls stay aligned

%if FRAME_SIZE % 16
%error "struct frame must keep the stack 16-byte aligned"
%endif

section .text
extern idt_dispatch

; Vectors whose exception pushes an error code: #DF 8, #TS..#PF 10-14, #AC 17, #CP 21, #VC 29, #SX 30.
%macro ISR_STUB 1
align 16
isr_stub_%1:
%if !((%1 == 8) || (%1 >= 10 && %1 <= 14) || (%1 == 17) || (%1 == 21) || (%1 == 29) || (%1 == 30))
	push 0                            ; no CPU error code: keep the frame uniform
%endif
	push %1                           ; vector (imm32 for >= 128: sign extension keeps it positive)
	jmp isr_common
%endmacro

%assign v 0
%rep 256
ISR_STUB v
%assign v v + 1
%endrep

align 16
isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rdi, rsp                      ; struct frame *
	cld
	call idt_dispatch                 ; may rewrite frame->rip (fixups) and GPRs
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16                       ; vector and error code
	iretq

; Stub addresses for idt.c: const uint64_t isr_stub_table[256].
section .rodata
align 8
global isr_stub_table
isr_stub_table:
%assign v 0
%rep 256
	dq isr_stub_ %+ v
%assign v v + 1
%endrep

; Absolute symbols: linker/guest.ld asserts they equal idt.c's (from struct frame), so the asm and
; C layouts cannot drift apart silently.
global isr_frame_size, isr_frame_off_vector, isr_frame_off_rip
isr_frame_size       equ FRAME_SIZE
isr_frame_off_vector equ FRAME_OFF_VECTOR
isr_frame_off_rip    equ FRAME_OFF_RIP
