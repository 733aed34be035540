#!/usr/bin/env python3
"""irqlab launch benchmark: irqlab's built-in suite beside the raw KVM floor, runs interleaved.

Usage: bench.py BUILDDIR [--runs N] [--cpus N]
Prints a table of medians (milliseconds, KiB) and the ratios the goals are stated in:
  overhead = wall time to exit - time the BSP spent inside KVM_RUN - time spent doing what the
  guest requested (MSIs, routes, machine checks: KVM's work, not the launcher's) = launch,
  loading, exits handled in userspace, teardown; goal: irqlab's overhead - the floor's <= 2 ms.
  host RSS beyond guest = max RSS - guest RAM pages resident; goal: <= 8 MiB.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot  # noqa: E402
from progress import Progress  # noqa: E402


def run_once(cmd):
    """Wall ns to the first stdout line and to exit, plus the key=value stats on stderr."""
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.readline()
    t_first = time.perf_counter_ns() - t0
    out, err = p.communicate()
    t_exit = time.perf_counter_ns() - t0
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {p.returncode}: {err.decode()[-400:]}")
    stats = dict(re.findall(r"(\w+)=(-?\d+)", err.decode()))
    return {"first": t_first / 1e6, "exit": t_exit / 1e6, **{k: int(v) for k, v in stats.items()}}


def median(rows, key, scale=1.0):
    return statistics.median(r[key] * scale for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("builddir")
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--out", help="where the CSV and SVG files go (default BUILDDIR/bench-results)")
    a = ap.parse_args()
    out = a.out or os.path.join(a.builddir, "bench-results")
    floor_cmd = [os.path.join(a.builddir, "bench", "kvm-floor")]
    irqlab = [os.path.join(a.builddir, "host", "irqlab"), "--stats", "--serial", "none",
              "--cpus", str(a.cpus)]
    cases = {"kvm floor": floor_cmd, "irqlab suite": irqlab,
             "irqlab 1 test": irqlab + ["--test", "apic.version"]}
    rows = {k: [] for k in cases}
    progress = Progress("bench", a.runs * len(cases))
    for _ in range(a.runs):                     # interleaved: machine noise hits all alike
        for name, cmd in cases.items():
            rows[name].append(run_once(cmd))
            progress.step(name)
    progress.done()
    floor = rows["kvm floor"]
    floor_over = median(floor, "exit") - median(floor, "kvm_run_ns", 1e-6)
    print(f"irqlab launch benchmark: {a.runs} runs each, interleaved, medians ({a.cpus} vCPU)\n")
    print(f"{'case':<16}{'first report ms':>16}{'exit ms':>10}{'in KVM_RUN ms':>15}"
          f"{'overhead ms':>13}{'vs floor':>10}{'RSS-guest KiB':>15}")
    for name, r in rows.items():
        in_run = median(r, "kvm_run_ns", 1e-6) if name == "kvm floor" else median(r, "bsp_kvm_run_us", 1e-3)
        requested = 0 if name == "kvm floor" else median(r, "request_us", 1e-3)
        over = median(r, "exit") - in_run - requested
        rss = "-" if name == "kvm floor" else f"{median(r, 'rss_kib') - median(r, 'guest_kib'):.0f}"
        print(f"{name:<16}{median(r, 'first'):>16.2f}{median(r, 'exit'):>10.2f}{in_run:>15.2f}"
              f"{over:>13.2f}{over - floor_over:>+10.2f}{rss:>15}")
    print("\ngoals: overhead vs floor <= +2.00 ms; RSS beyond guest RAM <= 8192 KiB")
    csv_path = os.path.join(out, "launch.csv")
    plot.write_csv(csv_path, ["case", "run", "first_ms", "exit_ms"],
                   [(name, i, r["first"], r["exit"]) for name, rs in rows.items() for i, r in enumerate(rs)])
    files = plot.render([("launch", csv_path, os.path.join(out, "launch.svg"))])
    print(f"\ndata: {csv_path}" + (f"; plot: {', '.join(files)}" if files else ""))


if __name__ == "__main__":
    main()
