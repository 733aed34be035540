; SPDX-License-Identifier: MIT
; The kernel irqlab-guest.efi boots: the guest ELF itself, byte for byte (guest/efi/loader.h).
; PAYLOAD is its path, given by guest/efi/meson.build.
section .rodata
global payload_start, payload_end
align 16
payload_start:
	incbin PAYLOAD
payload_end:

section .note.GNU-stack noalloc noexec nowrite progbits ; no executable stack
