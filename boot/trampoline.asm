; SPDX-License-Identifier: MIT
; AP trampoline: real mode -> 32-bit protected mode -> long mode -> ap_main(apic_id) in C.
; guest/smp.c copies trampoline_start..trampoline_end to LAYOUT_TRAMPOLINE and fills the parameter
; block (struct trampoline_params, include/abi/trampoline.h) before sending INIT-SIPI-SIPI. A SIPI
; with vector LAYOUT_TRAMPOLINE_VEC starts the AP in real mode at CS = vector << 8, IP = 0, IF = 0
; (SDM Vol. 3A 9.4.4, 11.6.1). Every instruction here is emulated (~1 us): keep the path short.
;
; Code that runs after the copy may only use addresses made from LAYOUT_TRAMPOLINE plus label
; differences (position-independent), never a label's link-time address.

%include "abi.inc"

%define TP        (LAYOUT_TRAMPOLINE + TRAMPOLINE_PARAMS_OFF)  ; flat address of the block
%define AT(label) (LAYOUT_TRAMPOLINE + (label) - trampoline_start)

section .rodata                       ; data to the kernel: copied, never executed in place
global trampoline_start, trampoline_end

bits 16
trampoline_start:
	jmp short tramp_real
	times TRAMPOLINE_PARAMS_OFF - ($ - trampoline_start) db 0 ; negative: the build fails
tramp_params:
	times TP_SIZE db 0                ; struct trampoline_params, written by the BSP
tramp_gdtr:                           ; the host's GDT at LAYOUT_GDT, shared with the BSP
	dw GDT_ENTRIES * 8 - 1
	dd LAYOUT_GDT

tramp_real:                           ; CS base = LAYOUT_TRAMPOLINE, DS unknown: use cs:
	lock inc dword [cs:TRAMPOLINE_PARAMS_OFF + TP_ENTERED]
%ifdef IRQLAB_BROKEN_TRAMPOLINE
.broken:                              ; test image (irqlab-guest-broken-ap.elf): never reports
	hlt
	jmp .broken
%endif
	o32 lgdt [cs:tramp_gdtr - trampoline_start]
	mov eax, cr0
	or al, 1                          ; CR0.PE
	mov cr0, eax
	jmp dword GDT_SEL_CODE32:AT(tramp_pm32)

bits 32
tramp_pm32:
	mov eax, GDT_SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov eax, [TP + TP_CR4]            ; PAE before paging (SDM Vol. 3A 10.8.5)
	mov cr4, eax
	mov eax, [TP + TP_CR3]
	mov cr3, eax
	mov ecx, MSR_EFER
	mov eax, [TP + TP_EFER]           ; LME (and NX, SCE as on the BSP)
	xor edx, edx
	wrmsr
	mov eax, [TP + TP_CR0]            ; PG with LME set: IA-32e mode, compatibility submode
	mov cr0, eax
	jmp GDT_SEL_CODE64:AT(tramp_lm64)

bits 64
tramp_lm64:
	mov eax, [TP + TP_ID_LEAF]
	xor ecx, ecx
	cpuid                             ; leaf 0xB: EDX = x2APIC ID
	cmp dword [TP + TP_ID_LEAF], 1
	jne .have_id
	mov edx, ebx                      ; leaf 1: EBX[31:24] = initial APIC ID
	shr edx, 24
.have_id:
	cmp edx, [TP + TP_NSLOTS]
	jae .park                         ; no stack for this APIC ID: never report online
	lea eax, [rdx + 1]
	imul eax, [TP + TP_STACK_SIZE]
	add rax, [TP + TP_STACK_BASE]
	mov rsp, rax
	mov edi, edx                      ; ap_main(apic_id)
	xor ebp, ebp
	call [TP + TP_ENTRY]
.park:
	cli
	hlt
	jmp .park
trampoline_end:
