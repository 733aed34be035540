; SPDX-License-Identifier: MIT
; The port protocol client of the test guests: one message block, one send routine.
bits 64
%define PVLIB
%include "pvguest.inc"

section .bss
align 8
global pv_block
pv_block: resb MSG_SIZE

section .text
; pv_send: edi = command, rsi = arg0, rdx = arg1, rcx = name, r8 = text (NUL-terminated or 0).
; arg2..arg5 keep whatever the caller stored in pv_block. Clobbers rax, rcx, rdx, rsi, rdi.
global pv_send
pv_send:
	mov dword [pv_block + MSG_MAGIC], PV_MSG_MAGIC
	mov word [pv_block + MSG_VERSION], PV_VERSION
	mov [pv_block + MSG_CMD], di
	mov [pv_block + MSG_ARG], rsi
	mov [pv_block + MSG_ARG + 8], rdx
	mov rsi, rcx
	mov edi, pv_block + MSG_NAME
	call copy_str
	mov [pv_block + MSG_NAME_LEN], ax
	mov rsi, r8
	mov edi, pv_block + MSG_TEXT
	call copy_str
	mov [pv_block + MSG_TEXT_LEN], ax
	mov eax, pv_block
	mov dx, PORT_PV
	out dx, eax                       ; synchronous: the reply is in the block now
	ret

; copy_str: rdi = destination, rsi = NUL-terminated source or 0; eax = bytes copied.
copy_str:
	xor eax, eax
	test rsi, rsi
	jz .done
.next:
	mov cl, [rsi + rax]
	test cl, cl
	jz .done
	mov [rdi + rax], cl
	inc eax
	jmp .next
.done:
	ret
