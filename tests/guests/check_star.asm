; SPDX-License-Identifier: MIT
; A hostile check suite: test "*" fails and test "pass" passes. irqlab check runs each check
; alone; had it selected "*" by pattern, both would run and the last result would hide the
; failure. Each test runs only if the host selected it, then DONE.
%include "pvguest.inc"
SELECTED_PAIR "check", "*", PV_FAIL, "the check named * failed", "pass", PV_PASS, 0
