; SPDX-License-Identifier: MIT
; BSP entry in 64-bit mode. The host (or a future multiboot stub) has already set up long mode:
; CS = GDT_SEL_CODE64, data selectors = GDT_SEL_DATA, identity paging 0..4 GiB, IF = 0,
; RSP = LAYOUT_BOOT_STACK_TOP, RDI = struct pv_boot * (or 0 when there are no irqlab boot params).
; The host zeroes .bss: do not clear it here (a guest rep stos costs ~1 us per iteration).

bits 64
%include "abi.inc"

section .text
global _start64
extern kmain

_start64:
	mov rsp, LAYOUT_BOOT_STACK_TOP    ; 16-byte aligned: kmain sees the ABI's rsp+8 alignment
	xor ebp, ebp                      ; terminate frame-pointer backtraces
	cld                               ; the SysV ABI expects DF = 0
	call kmain                        ; kmain(struct pv_boot *boot): RDI passes through
.halt:
	cli
	hlt
	jmp .halt
