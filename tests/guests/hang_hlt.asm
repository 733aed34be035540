; SPDX-License-Identifier: MIT
; Hangs with IF=0 in hlt: with an in-kernel LAPIC the host never sees an exit (--timeout).
%include "pvguest.inc"
GUEST_ENTRY
	HALT_FOREVER
