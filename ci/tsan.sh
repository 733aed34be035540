#!/usr/bin/env bash
# The host under ThreadSanitizer: a third build directory (build-tsan, or $1) with
# -Db_sanitize=thread, then the host's tests (unit, e2e, badguest) there. Every vCPU has its
# own thread and port messages are handled on the sender's thread, so a data race between
# vCPUs, the watchdog and the injector is a bug; any report is fatal (halt_on_error,
# exitcode 66, which no test expects). The 64- and 300-vCPU runs (suite `large`) are left out:
# under TSan their APs miss the guest's bring-up deadline, and they add no thread kinds the
# 2-8 vCPU runs lack. Extra arguments go to `meson test`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-tsan}
[ $# -gt 0 ] && shift

if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" -Db_sanitize=thread -Db_lundef=false >/dev/null
fi
ninja -C "$dir" >/dev/null

export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1"
exec meson test -C "$dir" --print-errorlogs --suite unit --suite e2e --suite badguest --no-suite large "$@"
