; SPDX-License-Identifier: MIT
; Sends a block whose magic is wrong (everything else valid: a PRINT).
%include "pvguest.inc"
GUEST_ENTRY
	SEND PV_CMD_PRINT, 0, 0, text     ; a valid message first: it must be accepted
	mov dword [pv_block + MSG_MAGIC], 0xDEADBEEF
	mov eax, pv_block
	mov dx, PORT_PV
	out dx, eax
	HALT_FOREVER

section .data
text: db "valid before the bad one", 0
