; SPDX-License-Identifier: MIT
; The AP trampoline of the test image irqlab-guest-broken-ap.elf: every AP counts itself in the
; parameter block, then halts forever without reaching ap_main(). The BSP must report each of
; them by APIC ID instead of hanging (the e2e test "a guest whose AP never reports").
%define IRQLAB_BROKEN_TRAMPOLINE
%include "trampoline.asm"
