#!/usr/bin/env bash
# The host under AddressSanitizer + UndefinedBehaviorSanitizer: a second build directory
# (build-asan, or $1) with -Db_sanitize=address,undefined, then every test (unit, e2e,
# badguest) there. Any sanitizer report is fatal (halt_on_error, abort_on_error) and leaks
# count (detect_leaks). The guests are built by clang/nasm through their own rules and are
# unaffected by b_sanitize. Extra arguments go to `meson test`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-asan}
[ $# -gt 0 ] && shift

if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$dir" >/dev/null

# abort_on_error: a report kills the process with SIGABRT, which no test can mistake for a
# pass or for an expected exit status such as 2 or 3.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="report_objects=1"
exec meson test -C "$dir" --print-errorlogs --suite unit --suite e2e --suite badguest "$@"
