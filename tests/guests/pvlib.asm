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
; pv_send: edi = command, rsi = arg0, rdx = arg1, rcx = name, r8 = text (NUL-terminated or 0),
; through pv_block. pv_send_at: the same through the block at r9 (any address, even an odd one).
; arg2..arg5 keep whatever the caller stored in the block. Clobbers rax, rcx, rdx, rsi, rdi, r9.
global pv_send, pv_send_at
pv_send:
	mov r9d, pv_block
pv_send_at:
	mov dword [r9 + MSG_MAGIC], PV_MSG_MAGIC
	mov word [r9 + MSG_VERSION], PV_VERSION
	mov [r9 + MSG_CMD], di
	mov [r9 + MSG_ARG], rsi
	mov [r9 + MSG_ARG + 8], rdx
	mov rsi, rcx
	lea rdi, [r9 + MSG_NAME]
	call copy_str
	mov [r9 + MSG_NAME_LEN], ax
	mov rsi, r8
	lea rdi, [r9 + MSG_TEXT]
	call copy_str
	mov [r9 + MSG_TEXT_LEN], ax
	mov eax, r9d
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
