; SPDX-License-Identifier: MIT
; The last steps of irqlab-guest.efi (guest/efi/loader.h). Position-independent: the loader is
; a relocated PE image. Nothing here calls the firmware: boot services are gone.
bits 64
default rel
%include "abi.inc"

%define CR0_LONG    0x80050033            ; PG|AM|WP|NE|ET|MP|PE, as irqlab's host (boot64.c)
%define CR4_PAE     (1 << 5)
%define APIC_EOI    0xB0
%define X2APIC_EOI  0x80B                 ; 0x800 + (APIC_EOI >> 4)
%define APICBASE_EXTD (1 << 10)

section .text
global handoff, drain_interrupts, drain_stub, halt_stub

; void handoff(uint64_t entry, uint64_t boot_params, uint64_t efer): the state irqlab's host
; gives the kernel (docs/memory-map.md): its GDT and identity map, CR0/CR4/EFER, no IDT, IF = 0,
; RSP = LAYOUT_BOOT_STACK_TOP, RDI = struct pv_boot. machine.c wrote the tables; this code
; and the firmware's stack lie below 4 GiB (loader.c checks), so they stay mapped across CR3.
handoff:
	cli
	mov r8, rdi
	mov r9, rsi
	mov ecx, MSR_EFER
	mov eax, edx
	shr rdx, 32
	wrmsr                             ; LME and LMA stay set: only SCE/NXE change
	lgdt [gdt_ptr]
	mov eax, LAYOUT_PML4
	mov cr3, rax
	mov eax, CR4_PAE                  ; PGE, OSFXSR... off: CR4 as the host sets it
	mov cr4, rax
	mov eax, CR0_LONG
	mov cr0, rax
	lidt [null_idt]                   ; the kernel's idt_init() loads its own
	mov rsp, LAYOUT_BOOT_STACK_TOP
	push GDT_SEL_CODE64
	lea rax, [.reload]
	push rax
	o64 retf                          ; CS = GDT_SEL_CODE64 from the new GDT
.reload:
	mov eax, GDT_SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
	push 2                            ; RFLAGS: IF = 0, DF = 0
	popfq
	mov rdi, r9
	xor ebp, ebp
	jmp r8                            ; _start64(struct pv_boot *)

; void drain_interrupts(const void *idtr): with every source masked, let interrupts already
; requested arrive at drain_stub (which EOIs them), then put the firmware's IDT back.
drain_interrupts:
	sub rsp, 16
	sidt [rsp]
	lidt [rdi]
	sti
	mov ecx, 10000
.wait:
	pause
	dec ecx
	jnz .wait
	cli
	lidt [rsp]
	add rsp, 16
	ret

align 16
drain_stub:
	push rax
	push rcx
	push rdx
	mov ecx, MSR_IA32_APICBASE
	rdmsr
	test eax, APICBASE_EXTD
	jnz .x2apic
	mov eax, LAYOUT_LAPIC_BASE + APIC_EOI ; a 32-bit constant: never a sign-extended disp32
	mov dword [rax], 0
	jmp .done
.x2apic:
	mov ecx, X2APIC_EOI
	xor eax, eax
	xor edx, edx
	wrmsr
.done:
	pop rdx
	pop rcx
	pop rax
	iretq

align 16
halt_stub:                                ; an exception while draining: a loader bug, stop here
	cli
	hlt
	jmp halt_stub

section .rodata
align 16
gdt_ptr:
	dw GDT_ENTRIES * 8 - 1
	dq LAYOUT_GDT
null_idt:
	dw 0
	dq 0

section .note.GNU-stack noalloc noexec nowrite progbits ; no executable stack
