#!/usr/bin/env bash
# Soak: run irqlab's default suite many times under the load that used to produce false failures
# (docs/verdicts.md), and count failures by test name, per mode.
#
#   ci/soak.sh [-n RUNS] [-t MAX_SECONDS] [-j PARALLEL] [-b BUILDDIR] [-m MODE]... [-k KEEPDIR]
#
# Modes: "cpus2" (--cpus 2) and "split4" (--cpus 4 --irqchip split); both by default. For each
# mode the script starts, by PID, PARALLEL (default 3) workers that each run `irqlab <mode>` in a
# loop (every run counts), one loop of the *other* mode's irqlab as a further KVM guest (not
# counted), and one CPU hog (`yes`), then ends them all by PID. RUNS (default 200) runs per mode,
# shared by the workers; MAX_SECONDS (default 600) bounds the whole soak: a mode stops starting
# runs when its share of the time is used up and reports the runs it did.
# Output per mode: runs, failures, the failing tests by name with counts, the first diagnostic
# of each (-k KEEPDIR keeps every failed run's KTAP and stderr); last line: "soak: N passed, N failed". Exit status 1 on any failure (or no run at all).
set -uo pipefail
cd "$(dirname "$0")/.."

runs=200 max_s=600 par=3 build=build modes=() keep=
while getopts "n:t:j:b:m:k:h" o; do
	case $o in
	n) runs=$OPTARG ;;
	t) max_s=$OPTARG ;;
	j) par=$OPTARG ;;
	b) build=$OPTARG ;;
	m) modes+=("$OPTARG") ;;
	k) keep=$OPTARG ;;
	*) sed -n '2,15p' "$0"; exit 2 ;;
	esac
done
[ ${#modes[@]} -gt 0 ] || modes=(cpus2 split4)
irqlab=$build/host/irqlab
[ -x "$irqlab" ] || { echo "soak: $irqlab not built (ninja -C $build)" >&2; exit 2; }

mode_args() {
	case $1 in
	cpus2) echo "--cpus 2" ;;
	split4) echo "--cpus 4 --irqchip split" ;;
	*) echo "soak: unknown mode $1" >&2; exit 2 ;;
	esac
}

tmp=$(mktemp -d)
pids=()
stop_all() {  # end every process this script started, by PID, and reap them
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}
trap 'stop_all; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# A background irqlab loop; on TERM it ends its current run (by PID) and exits.
load_loop() {
	local child=
	trap '[ -n "$child" ] && kill "$child" 2>/dev/null; wait; exit 0' TERM
	while :; do
		"$irqlab" "$@" --serial none >/dev/null 2>&1 &
		child=$!
		wait "$child"
		child=
	done
}

# Worker k of a mode: runs number k, k+par, ... below $runs, until the deadline. One result line
# per run: "pass" or "fail <status> <suite.test>..." and the diagnostics in <dir>/run<N>.log.
worker() {
	local k=$1 deadline=$2 dir=$3; shift 3
	local i out st names child=
	trap '[ -n "$child" ] && kill "$child" 2>/dev/null; wait; exit 0' TERM
	for ((i = k; i < runs; i += par)); do
		[ "$(date +%s)" -lt "$deadline" ] || break
		out=$dir/run$i.ktap
		"$irqlab" "$@" --serial none >"$out" 2>"$dir/run$i.err" &
		child=$!
		wait "$child"
		st=$?
		child=
		if [ $st -eq 0 ]; then
			echo pass >>"$dir/results.$k"
			rm -f "$out" "$dir/run$i.err"
		else
			names=$(awk '/^ *# Subtest: /{suite=$3} /^ +not ok [0-9]+ /{print suite "." $4}' "$out" | tr '\n' ' ')
			# no failing test named (a crash before HELLO, a launch error): one word for the tally,
			# stderr's first line for the reader
			echo "fail $st ${names:-no-test-named:exit-$st}" >>"$dir/results.$k"
			[ -n "$names" ] || echo "no-test-named:exit-$st: $(head -n 1 "$dir/run$i.err")" >>"$dir/launch.$k"
		fi
	done
}

total_pass=0 total_fail=0
start=$(date +%s)
nmodes=${#modes[@]}
for ((m = 0; m < nmodes; m++)); do
	mode=${modes[m]}
	read -ra args <<<"$(mode_args "$mode")"
	other=cpus2; [ "$mode" = cpus2 ] && other=split4
	read -ra oargs <<<"$(mode_args "$other")"
	now=$(date +%s)
	deadline=$((now + (start + max_s - now) / (nmodes - m)))
	dir=$tmp/$mode; mkdir -p "$dir"

	load_loop "${oargs[@]}" & pids+=($!)
	yes >/dev/null & pids+=($!)
	wpids=()
	for ((k = 0; k < par; k++)); do
		worker "$k" "$deadline" "$dir" "${args[@]}" & wpids+=($!); pids+=($!)
	done
	for p in "${wpids[@]}"; do wait "$p"; done
	stop_all

	cat "$dir"/results.* 2>/dev/null >"$dir/all" || true
	if [ -n "$keep" ]; then mkdir -p "$keep/$mode" && cp "$dir"/run* "$keep/$mode/" 2>/dev/null; fi
	pass=$(grep -c '^pass' "$dir/all"); fail=$(grep -c '^fail' "$dir/all")
	total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
	echo "soak $mode (irqlab ${args[*]}, $par at once + irqlab ${oargs[*]} + yes): $((pass + fail)) runs, $fail failed, $(( $(date +%s) - now )) s"
	if [ "$fail" -gt 0 ]; then
		grep '^fail' "$dir/all" | cut -d' ' -f3- | tr ' ' '\n' | grep -v '^$' | sort | uniq -c |
			sort -rn | while read -r n name; do
				echo "  $name: failed $n time(s)"
			done
		cat "$dir"/launch.* 2>/dev/null | sort | uniq -c | sed 's/^/  /'
		# the diagnostic before each failed test, for the reader (and the logs)
		awk '/^ *# .*:[0-9]+: /{d=$0} /^ +not ok [0-9]+ /{if (d != "") print d; d=""}' \
			"$dir"/run*.ktap 2>/dev/null | sed 's/^ *# */    /' | sort | uniq -c | sort -rn | head -20
	fi
done
echo "soak: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
