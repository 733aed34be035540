; SPDX-License-Identifier: MIT
; A well-behaved run whose message block and test table sit at odd addresses: the guest chooses
; them, and the host must read and write them with byte copies (a typed access at an odd
; address is undefined behaviour: the ASan+UBSan build aborted on it).
bits 64
%include "pvguest.inc"
section .text
; ODD cmd, arg0, name
%macro ODD 3
	mov edi, %1
	mov esi, %2
	xor edx, edx
	mov ecx, %3
	call odd_send
%endmacro

global _start64
_start64:
	mov edi, PV_CMD_HELLO
	mov esi, suites
	mov edx, 1
	xor ecx, ecx
	call odd_send
	ODD PV_CMD_SUITE, 0, 0
	ODD PV_CMD_TEST, 0, 0
	ODD PV_CMD_RESULT, PV_PASS, t_one
	ODD PV_CMD_TEST, 1, 0
	ODD PV_CMD_RESULT, PV_PASS, t_two
	ODD PV_CMD_SUITE_END, 0, 0
	ODD PV_CMD_DONE, 0, 0
	HALT_FOREVER

; odd_send: edi = command, rsi = arg0, rdx = arg1, rcx = name (NUL-terminated) or 0; no text.
odd_send:
	mov dword [blk + MSG_MAGIC], PV_MSG_MAGIC
	mov word [blk + MSG_VERSION], PV_VERSION
	mov [blk + MSG_CMD], di
	mov [blk + MSG_ARG], rsi
	mov [blk + MSG_ARG + 8], rdx
	xor eax, eax
	test rcx, rcx
	jz .len
.copy:
	mov r8b, [rcx + rax]
	test r8b, r8b
	jz .len
	mov [blk + MSG_NAME + rax], r8b
	inc eax
	jmp .copy
.len:
	mov [blk + MSG_NAME_LEN], ax
	mov eax, blk
	mov dx, PORT_PV
	out dx, eax
	ret

section .bss
align 8
	resb 1
blk:	resb MSG_SIZE                     ; at an odd address

section .data
align 8
	db 0
suites:                                   ; struct pv_suite_desc at 8n+1
	dq s_demo, tests
	dd 2, 1
	db 0, 0
tests:                                    ; struct pv_test_desc[2] at 8n+3
	dq t_one, 0
	db 1, 0, 0, 0, 0, 0, 0, 0
	dq t_two, 0
	db 1, 0, 0, 0, 0, 0, 0, 0
s_demo: db "demo", 0
t_one:  db "one", 0
t_two:  db "two", 0
