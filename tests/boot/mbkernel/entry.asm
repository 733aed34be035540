; SPDX-License-Identifier: MIT
; The boot test kernel's entry: the multiboot v1 header, the BSP's 32-bit entry, the GDT it
; loads, and the AP trampoline that the BSP copies to physical page 0 (SIPI vector 0 starts an AP
; in real mode at CS=0x0000, IP=0; SDM Vol. 3A 9.4.4 "MP Initialization Example").

MB_HEADER_MAGIC equ 0x1BADB002
%ifdef AOUT                        ; the variant loaded from the header's address fields
MB_FLAGS        equ 0x00010003     ; + bit 16: the a.out kludge (Multiboot spec 3.1.3)
%else
MB_FLAGS        equ 0x00000003     ; modules page-aligned, memory information wanted
%endif
CODE_SEL        equ 0x08           ; this kernel's own GDT, not the loader's
DATA_SEL        equ 0x10
LAPIC_ID_REG    equ 0xFEE00020
BSP_STACK_SIZE  equ 16384

section .multiboot progbits alloc noexec nowrite align=4
mb_header:
	dd MB_HEADER_MAGIC, MB_FLAGS, -(MB_HEADER_MAGIC + MB_FLAGS)
%ifdef AOUT
extern __mbk_start, __mbk_load_end, _end
	dd mb_header, __mbk_start, __mbk_load_end, _end, _start ; header, load, load end, bss end, entry
%endif

section .text
bits 32
global _start, tramp_start, tramp_end, entry_state
extern kmain, cpus_online, apic_id_mask

; EAX = 0x2BADB002, EBX = multiboot info, flat CS/DS/ES/SS, paging off, IF = 0. The loader's
; GDT may live anywhere (irqlab's at 0x2000, QEMU's in its option ROM): load our own first.
_start:
	mov esp, bsp_stack + BSP_STACK_SIZE
	mov ecx, cr0                      ; record the entry state for kmain to check:
	mov [entry_state], ecx            ;   CR0, EFLAGS, GDTR and the selectors, in
	pushfd                            ;   struct entry_state's order (mbk.h)
	pop dword [entry_state + 4]
	sgdt [entry_state + 8]
	mov [entry_state + 16], cs
	mov [entry_state + 18], ds
	mov [entry_state + 20], es
	mov [entry_state + 22], ss
	lgdt [gdt_desc]
	jmp CODE_SEL:.reload
.reload:
	mov cx, DATA_SEL
	mov ds, cx
	mov es, cx
	mov fs, cx
	mov gs, cx
	mov ss, cx
	cld
	push ebx                          ; kmain(magic, info)
	push eax
	call kmain
.halt:
	cli
	hlt
	jmp .halt

; Copied to physical 0 and run there by each AP: only offsets from tramp_start are valid in it.
bits 16
tramp_start:
	cli
	xor ax, ax
	mov ds, ax
	o32 lgdt [tramp_gdtr - tramp_start] ; o32: all 32 bits of the base (SDM LGDT)
	mov eax, cr0
	or al, 1                          ; CR0.PE
	mov cr0, eax
	jmp dword CODE_SEL:ap_entry32     ; far jump: loads CS from the new GDT
tramp_gdtr:
	dw gdt_end - gdt - 1
	dd gdt
tramp_end:

; Each AP records its APIC ID, counts itself online with `lock xadd`, and parks with IF = 0.
; It needs no stack.
bits 32
ap_entry32:
	mov ax, DATA_SEL
	mov ds, ax
	mov ss, ax
	mov ecx, [LAPIC_ID_REG]
	shr ecx, 24                       ; xAPIC ID: bits 31:24
	mov ebx, ecx
	shr ebx, 5                        ; dword of the 256-bit mask
	mov edx, 1
	shl edx, cl                       ; shl masks the count to 5 bits: 1 << (id % 32)
	lock or [apic_id_mask + ebx * 4], edx
	mov eax, 1
	lock xadd [cpus_online], eax
.park:
	cli
	hlt
	jmp .park

; The waking vector: real mode as after reset (CS = vector >> 4, IP = vector & 0xF), so only
; offsets from wake_start are valid, through DS = CS.
bits 16
wake_start:
	cli
	mov ax, cs
	mov ds, ax
	o32 lgdt [wake_gdtr - wake_start]
	mov eax, cr0
	and eax, 0x9FFFFFFF               ; CD and NW clear: caches on
	or al, 1                          ; CR0.PE
	mov cr0, eax
	jmp dword CODE_SEL:wake_entry32
wake_gdtr:
	dw gdt_end - gdt - 1
	dd gdt
wake_end:
bits 32

; The waking vector's 32-bit half: a fresh stack (QEMU reloads the kernel image on the wake's
; reset, so nothing in it survives, the old stack included), then s3_resumed() (s3.c).
global wake_start, wake_end
extern s3_resumed
wake_entry32:
	mov ax, DATA_SEL
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	mov esp, bsp_stack + BSP_STACK_SIZE
	cld
	call s3_resumed
.halt:
	cli
	hlt
	jmp .halt

section .data
align 8
gdt:
	dq 0
	dq 0x00CF9B000000FFFF             ; 0x08: code, 32-bit, flat 4 GiB (accessed bit preset)
	dq 0x00CF93000000FFFF             ; 0x10: data, flat 4 GiB
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt

section .bss
align 16
entry_state:
	resb 24
bsp_stack:
	resb BSP_STACK_SIZE
