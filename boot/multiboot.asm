; SPDX-License-Identifier: MIT
; Multiboot v1 entry: the same image that irqlab enters at _start64 also boots as
; `qemu-system-x86_64 -kernel irqlab-guest.elf` (or from GRUB, or `irqlab boot`).
;
; QEMU 7.2 refuses ELF64 multiboot images unless the header's address fields (flag bit 16, the
; "a.out kludge", Multiboot spec 3.1.3) say where the bytes go: then it copies
; [load_addr, load_end_addr) from the file and zeroes up to bss_end_addr, ignoring the ELF
; headers. linker/guest.ld keeps file offset - address constant, so the copy is the image.
;
; _start32 is entered in 32-bit protected mode, paging off, flat segments, IF = 0,
; EAX = 0x2BADB002, EBX = multiboot info (Multiboot spec 3.2). It rebuilds the state irqlab's
; host sets up (docs/memory-map.md: GDT at LAYOUT_GDT, identity map with the MMIO hole UC, CR0/CR4/EFER)
; and jumps to _start64 with RDI = 0: "no irqlab boot parameters" (guest/platform.c probes).
; Every instruction costs ~1 us under the KVM here (docs/kvm-pvm.md): the page tables live in .bss,
; which every multiboot loader zeroes, so only present entries are written.

%include "abi.inc"

%define CR0_LONG    0x80050033            ; PG|AM|WP|NE|ET|MP|PE, as the host sets (boot64.c)
%define CR4_PAE     (1 << 5)
%define EFER_SCE    (1 << 0)
%define EFER_LME    (1 << 8)
%define EFER_NXE    (1 << 11)
%define CPUID_EXT_NX      (1 << 20)       ; CPUID.80000001H:EDX
%define CPUID_EXT_1GPAGE  (1 << 26)       ;   pdpe1gb
%define CPUID_EXT_LM      (1 << 29)
%define PTE_PW      0x03                  ; present, writable
%define PTE_PS      0x80                  ; large page (1 GiB in a PDPTE, 2 MiB in a PDE)
%define PTE_UC      0x18                  ; PCD|PWT: uncached (SDM Vol. 3A 11.12.3)
%define MMIO_2M     (LAYOUT_IOAPIC_BASE >> 21) ; first 2 MiB page of the MMIO hole
%define EXIT_CRASH  2                     ; isa-debug-exit value: QEMU exits with 5

%define MB_FLAGS    MB_FLAG_AOUT_KLUDGE

section .multiboot
align 4
mb_header:
	dd MB_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MB_HEADER_MAGIC + MB_FLAGS)
	dd mb_header                      ; header_addr
	dd __image_start                  ; load_addr: the file from the header's page on
	dd __load_end                     ; load_end_addr: end of .data
	dd __bss_end                      ; bss_end_addr: the loader zeroes up to here
	dd _start32                       ; entry_addr

section .rodata
align 8
gdt_template:                             ; host/image/boot64.c's four entries (layout.h selectors)
	dq 0                              ; GDT_SEL_NULL
	dq 0x00AF9A000000FFFF             ; GDT_SEL_CODE64: L=1
	dq 0x00CF92000000FFFF             ; GDT_SEL_DATA
	dq 0x00CF9A000000FFFF             ; GDT_SEL_CODE32
gdt_ptr:
	dw GDT_ENTRIES * 8 - 1
	dd LAYOUT_GDT

section .bss nobits alloc write align=4096
alignb 4096
mb_pml4: resb 4096
mb_pdpt: resb 4096
mb_pd0:  resb 4096                        ; 0..1 GiB in 2 MiB pages (no 1 GiB pages)
mb_pd3:  resb 4096                        ; 3..4 GiB: only the MMIO hole, uncached

section .text
bits 32
global _start32
extern _start64, __image_start, __load_end, __bss_end

_start32:
	mov esp, LAYOUT_BOOT_STACK_TOP    ; the loader leaves ESP undefined (Multiboot spec 3.2)
	cld
	mov edi, LAYOUT_GDT               ; the GDT where irqlab's host puts it (APs may reuse it)
	mov esi, gdt_template
	mov ecx, GDT_ENTRIES * 2
	rep movsd
	lgdt [gdt_ptr]
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, CPUID_EXT_LM
	jz no_long_mode
	mov esi, edx                      ; keep the feature bits for NX below
	mov dword [mb_pml4], mb_pdpt + PTE_PW
	test edx, CPUID_EXT_1GPAGE
	jz .map_2m
	; 0..4 GiB in four 1 GiB pages; the last one (with the MMIO hole) uncached
	mov dword [mb_pdpt], 0x00000000 + PTE_PS + PTE_PW
	mov dword [mb_pdpt + 8], 0x40000000 + PTE_PS + PTE_PW
	mov dword [mb_pdpt + 16], 0x80000000 + PTE_PS + PTE_PW
	mov dword [mb_pdpt + 24], 0xC0000000 + PTE_PS + PTE_UC + PTE_PW
	jmp .long_mode
.map_2m:
	; 0..1 GiB in 2 MiB pages, eight per iteration; then 0xFEC00000..4 GiB uncached
	mov dword [mb_pdpt], mb_pd0 + PTE_PW
	mov dword [mb_pdpt + 24], mb_pd3 + PTE_PW
	mov edi, mb_pd0
	mov eax, PTE_PS + PTE_PW
.fill:
%assign i 0
%rep 8
	mov [edi + i * 8], eax
	add eax, 0x200000
%assign i i + 1
%endrep
	add edi, 64
	cmp edi, mb_pd0 + 4096
	jb .fill
	mov edi, mb_pd3 + (MMIO_2M & 511) * 8
	mov eax, (MMIO_2M << 21) + PTE_PS + PTE_UC + PTE_PW
.fill_mmio:
	mov [edi], eax
	add edi, 8
	add eax, 0x200000
	cmp edi, mb_pd3 + 4096
	jb .fill_mmio
.long_mode:
	; SDM Vol. 3A 10.8.5: PAE, CR3, EFER.LME, then CR0.PG activates IA-32e mode
	mov eax, CR4_PAE
	mov cr4, eax
	mov eax, mb_pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_SCE | EFER_LME
	test esi, CPUID_EXT_NX
	jz .no_nx
	or eax, EFER_NXE
.no_nx:
	wrmsr
	mov eax, CR0_LONG
	mov cr0, eax
	push GDT_SEL_CODE64               ; a far return: `jmp far` has no 64-bit decoding, and
	push entry64                      ; the lint tools disassemble this code as 64-bit
	retf

no_long_mode:
	mov esi, no_lm_msg
.putc:
	mov dx, PORT_COM1 + 5             ; 16550 LSR: wait for THRE before each byte
.thre:
	in al, dx
	test al, 0x20
	jz .thre
	lodsb
	test al, al
	jz .exit
	mov dx, PORT_COM1
	out dx, al
	jmp .putc
.exit:
	mov al, EXIT_CRASH
	out PORT_DEBUG_EXIT, al
.halt:
	hlt
	jmp .halt

bits 64
entry64:
	mov eax, GDT_SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
	xor edi, edi                      ; RDI = 0: no struct pv_boot from a host
	jmp _start64

section .rodata
no_lm_msg: db "irqlab-guest: this CPU has no long mode (CPUID.80000001H:EDX[29])", 10, 0
