; SPDX-License-Identifier: MIT
; Guest code of bench/kvm-ipi-floor.c: the raw KVM IPI ping-pong floor, two CPUs, both halted.
; The host loads this flat binary at 0x100000 and enters it in long mode on both vCPUs with
; RDI = vCPU index (0 BSP, 1 AP), its own stack, IF=0, and an IDT it built from the header below.
; Every guest instruction is emulated here (~1 us, docs/kvm-pvm.md): the timed path is kept to
; the IPI write, `sti; hlt`, the handlers and the TSC reads. General registers only.
bits 64
org 0x100000

DATA    equ 0x200000            ; shared with the host (struct shared in kvm-ipi-floor.c)
MODE    equ DATA + 0            ; u32, host-written: 0 xAPIC, 1 x2APIC
READY   equ DATA + 4            ; u32, the AP sets 1 once its APIC is enabled
PONGS   equ DATA + 8            ; u32, pongs seen by the BSP
COUNT   equ DATA + 12           ; u32, deltas stored
DELTAS  equ DATA + 64           ; u32[ROUNDS], TSC ticks per round trip
ROUNDS  equ 200
WARMUP  equ 20
PING    equ 0x40                ; BSP -> AP
PONG    equ 0x41                ; AP -> BSP
APIC    equ 0xFEE00000
PORT_DONE  equ 0xE0
PORT_FAULT equ 0xE1

; Read by the host: the entry point, then the handlers it puts in the IDT for each mode.
header: dq start, ping0, pong0, ping1, pong1, fault

; A fixed, physical, edge IPI: %1 mode (0 xAPIC, 1 x2APIC), %2 vector, %3 destination APIC ID.
; xAPIC: the destination is in ICR high, written once at init (SDM Vol. 3A 10.6.1).
%macro IPI 3
%if %1
        mov ecx, 0x830          ; x2APIC ICR: EDX = destination, EAX = low half (SDM 10.12.9)
        mov eax, %2
        mov edx, %3
        wrmsr
%else
        mov dword [rbx + 0x300], %2
%endif
%endmacro

%macro EOI 1
%if %1
        mov ecx, 0x80B
        xor eax, eax
        xor edx, edx
        wrmsr
%else
        mov dword [rbx + 0xB0], 0
%endif
%endmacro

start:
        mov ebx, APIC           ; a 32-bit move zero-extends; a disp32 of 0xFEE00000 would not
        cmp dword [MODE], 0
        jne run1

; One copy per mode, so the timed path never tests the mode.
%macro MODE_CODE 1
run%1:
%if %1
        mov ecx, 0x1B           ; IA32_APIC_BASE: set EXTD (EN is already set), SDM 10.12.1
        rdmsr
        or eax, 0xC00
        wrmsr
        mov ecx, 0x80F          ; SVR: software enable, spurious vector 0xFF
        mov eax, 0x1FF
        xor edx, edx
        wrmsr
%else
        mov dword [rbx + 0xF0], 0x1FF   ; SVR: software enable, spurious vector 0xFF
        mov eax, edi
        xor eax, 1              ; the peer's APIC ID (= its vCPU index)
        shl eax, 24
        mov [rbx + 0x310], eax  ; ICR high, kept for every send
%endif
        test edi, edi
        jnz %%ap
%%wait_ap:
        cmp dword [READY], 0
        je %%wait_ap
        xor r9d, r9d            ; r9 = round = pongs expected
%%round:
        inc r9d
        lfence
        rdtsc                   ; the low 32 bits: a round trip is far below 2^32 ticks
        mov r8d, eax
        IPI %1, PING, 1
%%halt:
        sti                     ; the shadow of sti covers hlt: a pong wakes it (SDM STI)
        hlt
        cli                     ; iretq restored IF=1: the next pong must wait for its hlt too
        cmp [PONGS], r9d
        jne %%halt
        lfence
        rdtsc
        sub eax, r8d
        cmp r9d, WARMUP
        jbe %%round
        mov [DELTAS - (WARMUP + 1) * 4 + r9 * 4], eax
        cmp r9d, WARMUP + ROUNDS
        jb %%round
        mov dword [COUNT], ROUNDS
        out PORT_DONE, al       ; the host reads the deltas and exits
        cli
        hlt
%%ap:
        mov dword [READY], 1
%%idle:
        sti
        hlt
        jmp %%idle

; The handlers use only registers the interrupted code does not keep live across its hlt
; (rbx = APIC base is set before and never changed).
ping%1:                         ; on the AP
        IPI %1, PONG, 0
        EOI %1
        iretq
pong%1:                         ; on the BSP
        inc dword [PONGS]
        EOI %1
        iretq
%endmacro

MODE_CODE 0
MODE_CODE 1

; Any other vector: report the first two frame words (RAX, RCX) and stop.
fault:
        mov rax, [rsp]
        mov rcx, [rsp + 8]
        out PORT_FAULT, al
        cli
        hlt
