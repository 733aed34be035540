; SPDX-License-Identifier: MIT
; A well-behaved minimal guest: suite "demo" with pass_one (passes) and skip_one (skips),
; each run only if the host selected it, then DONE. The e2e tests compare its exact KTAP.
%include "pvguest.inc"
SELECTED_PAIR "demo", "pass_one", PV_PASS, 0, "skip_one", PV_SKIP, "not implemented here"
