; SPDX-License-Identifier: MIT
; Suite `ipi`, round trip (tests/test_ipi_storm.c): the timed path of the halted ping-pong in as
; few instructions as bench/ipi-floor.asm, since every guest instruction is emulated here (~1 us,
; docs/kvm-pvm.md).
;
; Initiator: ipi_fast_round_<mode>() reads the TSC, sends a fixed IPI (ping) to the responder,
; waits in `sti; hlt; cli` until its pong counter reaches the target and reads the TSC again;
; its raw entry for the pong vector counts the pong and sends the EOI.
; Responder: ipi_fast_respond_<mode>() (run by on_cpu_async) waits in `sti; hlt` with the pong's
; ICR operands ready in registers; its raw entry for the ping vector sends the fixed IPI back
; (pong) and the EOI. The test installs the entries as IDT gates only while it measures.
;
; The entries take only the CPU's frame (no isr.asm stub, no C). Where the frame's RIP is the
; resume point of their own wait loop, whose register use is fixed below, they use its
; registers; anywhere else they save what they use. ICR2 (xAPIC destination) is written before
; the ICR low half that sends (SDM Vol. 3A 11.6.1): by the initiator before it starts the clock,
; by the responder once per loop, as only its ping entry sends meanwhile. No delivery-status poll
; is needed: each side's previous IPI was taken by the other side before this send was caused.
bits 64
default rel
%include "abi.inc"

%define XAPIC_EOI       0xB0            ; xAPIC register offsets, SDM Vol. 3A table 11-1
%define XAPIC_ICR       0x300
%define XAPIC_ICR2      0x310
%define X2APIC_EOI_MSR  0x80B           ; x2APIC MSRs, SDM Vol. 3A table 11-6
%define X2APIC_ICR_MSR  0x830           ; EDX = destination, EAX = low half (11.12.9)

section .bss
align 16
global ipi_fast_ping_icr, ipi_fast_ping_dest, ipi_fast_pong_icr, ipi_fast_pong_dest
global ipi_fast_pongs, ipi_fast_halts, ipi_fast_wakeups, ipi_fast_stop
; dest: the destination APIC ID in x2APIC mode, the whole ICR2 value (ID << 24) in xAPIC mode.
ipi_fast_ping_icr:      resd 1          ; initiator -> responder: ICR low (delivery mode, vector)
ipi_fast_ping_dest:     resd 1
ipi_fast_pong_icr:      resd 1          ; responder -> initiator
ipi_fast_pong_dest:     resd 1
ipi_fast_pongs:         resd 1          ; pongs the initiator took
ipi_fast_halts:         resd 1          ; responder: hlts entered; halted while
ipi_fast_wakeups:       resd 1          ; ... halts = wakeups + 1 (a stray interrupt wakes it too)
ipi_fast_stop:          resd 1          ; nonzero: the responder's loop returns at its next wakeup

section .text

; An xAPIC register store without a base register: with the address-size prefix the absolute
; disp32 is zero-extended (SDM Vol. 1 3.3.7); without it 0xFEE00000 would sign-extend.
%macro XAPIC_STORE 2
	a32 mov [abs LAYOUT_LAPIC_BASE + XAPIC_%1], %2
%endmacro

; x2APIC EOI: a write of 0 to MSR 0x80B (SDM Vol. 3A 11.12.1). Clobbers eax, ecx, edx.
%macro X2APIC_EOI 0
	mov ecx, X2APIC_EOI_MSR
	xor eax, eax
	xor edx, edx
	wrmsr
%endmacro

; --- initiator ----------------------------------------------------------------------------------
; uint32_t ipi_fast_round_<mode>(uint32_t pongs, uint64_t deadline_tsc), SysV ABI, IF=0 on entry
; and on return: one round trip. Returns its TSC ticks (low 32 bits: far below 2^32), or 0 if the
; pong counter has not reached `pongs` (edi) by deadline_tsc (rsi); the caller arms a timer that
; ends the hlt by then (smp_halt_arm()). At .resume, eax/ecx/edx hold nothing (pong entry).
%macro ROUND 1
global ipi_fast_round_%1
ipi_fast_round_%1:
	mov r10d, [ipi_fast_ping_icr]
	mov r11d, [ipi_fast_ping_dest]
%ifidn %1, xapic
	mov r8d, LAYOUT_LAPIC_BASE      ; a 32-bit move zero-extends
	mov [r8 + XAPIC_ICR2], r11d
	lfence
	rdtsc
	mov r9d, eax
	mov [r8 + XAPIC_ICR], r10d      ; sends
%else
	lfence
	rdtsc
	mov r9d, eax
	mov ecx, X2APIC_ICR_MSR
	mov eax, r10d
	mov edx, r11d
	wrmsr                           ; sends
%endif
.halt:
	sti                             ; STI's shadow covers hlt: a pong that came first ends it
	hlt
.resume:
	cli
	cmp [ipi_fast_pongs], edi
	jb .late
	lfence
	rdtsc
	sub eax, r9d
	ret
.late:                                  ; woken by something else (the timer): out of time?
	rdtsc
	shl rdx, 32
	or rax, rdx
	cmp rax, rsi
	jb .halt
	xor eax, eax
	ret
%endmacro

ROUND xapic
ROUND x2apic

global ipi_fast_pong_xapic
ipi_fast_pong_xapic:
	inc dword [ipi_fast_pongs]
	XAPIC_STORE EOI, dword 0
	iretq

global ipi_fast_pong_x2apic
ipi_fast_pong_x2apic:
	cmp qword [rsp], ipi_fast_round_x2apic.resume   ; the frame's RIP (SDM Vol. 3A 6.14.2)
	jne .save
	inc dword [ipi_fast_pongs]
	X2APIC_EOI
	iretq
.save:
	push rax
	push rcx
	push rdx
	inc dword [ipi_fast_pongs]
	X2APIC_EOI
	pop rdx
	pop rcx
	pop rax
	iretq

; --- responder ----------------------------------------------------------------------------------
; PONG_OPERANDS mode: the pong's ICR operands as the responder's loop keeps them: xAPIC, ICR2
; written and eax = the ICR low half; x2APIC, ecx/eax/edx = the wrmsr operands.
%macro PONG_OPERANDS 1
%ifidn %1, xapic
	mov eax, [ipi_fast_pong_dest]
	XAPIC_STORE ICR2, eax
	mov eax, [ipi_fast_pong_icr]
%else
	mov ecx, X2APIC_ICR_MSR
	mov eax, [ipi_fast_pong_icr]
	mov edx, [ipi_fast_pong_dest]
%endif
%endmacro

; uint64_t ipi_fast_respond_<mode>(void *unused), by on_cpu_async() on the responder, IF=0:
; counts its hlts and wakeups and returns 0 once it wakes up with ipi_fast_stop set.
; At .resume: xAPIC, eax = the pong's ICR low half; x2APIC, ecx/eax/edx = the pong's wrmsr
; operands. The ping entry leaves them so (it may interrupt the loop again right after iretq).
%macro RESPOND 1
global ipi_fast_respond_%1
ipi_fast_respond_%1:
	PONG_OPERANDS %1
.halt:
	inc dword [ipi_fast_halts]
	sti
	hlt
.resume:
	cli
	inc dword [ipi_fast_wakeups]
	cmp dword [ipi_fast_stop], 0
	je .halt
	xor eax, eax
	ret
%endmacro

RESPOND xapic
RESPOND x2apic

global ipi_fast_ping_xapic
ipi_fast_ping_xapic:
	cmp qword [rsp], ipi_fast_respond_xapic.resume
	jne .save
	XAPIC_STORE ICR, eax            ; pong
	XAPIC_STORE EOI, dword 0
	iretq
.save:
	push rax
	PONG_OPERANDS xapic
	XAPIC_STORE ICR, eax
	XAPIC_STORE EOI, dword 0
	pop rax
	iretq

global ipi_fast_ping_x2apic
ipi_fast_ping_x2apic:
	cmp qword [rsp], ipi_fast_respond_x2apic.resume
	jne .save
	wrmsr                           ; pong
	X2APIC_EOI
	PONG_OPERANDS x2apic            ; the loop's registers as they were
	iretq
.save:
	push rax
	push rcx
	push rdx
	PONG_OPERANDS x2apic
	wrmsr
	X2APIC_EOI
	pop rdx
	pop rcx
	pop rax
	iretq
