#!/usr/bin/env bash
# fuzz/run.sh SECONDS [TARGET...]: build the libFuzzer targets (clang, ASan+UBSan, in build-fuzz or
# $FUZZ_BUILD) and run each for SECONDS, $FUZZ_JOBS at a time (default: the number of CPUs).
# Seeds come from fuzz/corpus/TARGET (committed, read only); what the fuzzer finds goes to
# BUILD/corpus/TARGET, crashes to BUILD/crashes/TARGET-*. Exit 1 if any target found a crash.
# One line per target: executions, exec/s and the end of libFuzzer's log (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}; shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(elf64 elf32 multiboot aout mb_info acpi pvport)
dir=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc)}

if [ ! -f "$dir/build.ninja" ]; then
  CC=clang meson setup "$dir" -Dfuzz=true >/dev/null
fi
ninja -C "$dir" fuzz >/dev/null

run_one() {
  local t=$1 log="$dir/fuzz-$1.log"
  mkdir -p "$dir/corpus/$t" "$dir/crashes"
  if "$dir/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$dir/crashes/$t-" "$dir/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
    echo "fuzz_$t: ok, $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') executions," \
         "$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$') exec/s"
  else
    echo "fuzz_$t: FAILED (log: $log)"; grep -m3 -E 'ERROR|SUMMARY|crash-|leak-|timeout-' "$log" || true
    return 1
  fi
}

status=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" & pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
