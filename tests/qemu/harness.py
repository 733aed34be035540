#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the irqlab guest under QEMU and check every verdict against the expectations file.

usage: harness.py [--platform qemu-tcg|qemu-kvm|ovmf-tcg] [--smp N] [--timeout SEC]
                  [--cpu MODEL] [--expect FILE] [--serial-log FILE] [--json FILE] IMAGE

IMAGE is guest/irqlab-guest.elf (multiboot: qemu-tcg, qemu-kvm with qboot) or
guest/efi/irqlab-guest.efi (ovmf-tcg). The guest's KTAP is echoed on stdout, then a summary.
Exit status: 0 every verdict as expected, 1 an unexpected verdict (or a stale expectation),
2 usage error or QEMU failed to start (or QEMU or the firmware is missing under CI: CI=true or
IRQLAB_REQUIRE_QEMU=1), 3 the guest crashed, hung or broke KTAP, 77 QEMU, the firmware or
/dev/kvm is missing. python3 standard library only.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402
import qemu_run  # noqa: E402

DEFAULT_EXPECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qemu.expect")
EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, EXIT_CRASH, EXIT_SKIP = 0, 1, 2, 3, 77


def crash_reason(run, report):
    """Why the run is not a complete KTAP report with a debug-exit value of 0 or 1, or None."""
    v = run.debug_exit()
    if run.timed_out:
        return f"TIMEOUT: no isa-debug-exit within {run.seconds:.0f} s"
    if v == 2:
        last = [d for d in report.diag + [""] if "ERROR" in d or "ABORT" in d]
        return "the guest crashed: " + (last[0] if last else "isa-debug-exit 2")
    if v is None:
        return (f"QEMU exited with status {run.status} without isa-debug-exit "
                "(a triple fault resets, and -no-reboot ends QEMU)")
    if v not in (0, 1):
        return f"unknown isa-debug-exit value {v}"
    if not report.complete():
        return "malformed KTAP: " + "; ".join(report.problems)
    failed = any(r.verdict in ("fail", "error", "timeout") for r in report.results.values())
    if failed != (v == 1):
        return f"isa-debug-exit {v} disagrees with the KTAP ({'a' if failed else 'no'} failure)"
    return None


def evaluate(run, platform, smp, expect_path):
    """(exit status, report, summary lines) for a finished run."""
    report = ktap.parse_ktap(run.serial)
    if not report.started and not run.timed_out and run.status == 1 and run.stderr.strip():
        return EXIT_USAGE, report, [f"QEMU failed: {run.stderr.strip()}"]   # not the guest's 0
    crash = crash_reason(run, report)
    if crash:
        return EXIT_CRASH, report, [crash]
    expectations = ktap.load_expectations(expect_path, platform)
    bad = ktap.compare(report, expectations, smp)
    known = [(n, ktap.expected_verdict(expectations, n, smp)[1]) for n in report.results]
    lines = [f"UNEXPECTED {b}" for b in bad]
    lines += [f"known {e.verdict}: {n} ({e.reason})" for n, e in known if e]
    return (EXIT_UNEXPECTED if bad else EXIT_OK), report, lines


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image")
    ap.add_argument("--platform", default="qemu-tcg", choices=("qemu-tcg", "qemu-kvm", "ovmf-tcg"))
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--cpu", help="QEMU CPU model instead of the platform's default")
    ap.add_argument("--expect", default=DEFAULT_EXPECT)
    ap.add_argument("--serial-log", help="write COM1's whole output here")
    ap.add_argument("--json", help="write verdicts as JSON here")
    a = ap.parse_args(argv)
    gone = qemu_run.unavailable(a.platform)
    if gone and gone[1] == EXIT_SKIP:
        print(f"1..0 # SKIP {gone[0]}")
        return EXIT_SKIP
    if gone:
        print(f"harness: {gone[0]}: required under CI (CI=true or IRQLAB_REQUIRE_QEMU=1)",
              file=sys.stderr)
        return EXIT_USAGE
    if not os.path.exists(a.image):
        print(f"harness: {a.image}: no such file", file=sys.stderr)
        return EXIT_USAGE
    try:
        ktap.load_expectations(a.expect, a.platform)
    except (OSError, ValueError) as e:
        print(f"harness: {e}", file=sys.stderr)
        return EXIT_USAGE
    run = qemu_run.run_qemu(a.platform, os.path.abspath(a.image), a.smp, a.timeout, a.cpu)
    status, report, lines = evaluate(run, a.platform, a.smp, a.expect)
    start = run.serial.find("KTAP version 1")
    sys.stdout.write(run.serial[start:] if start >= 0 else run.serial)
    for note in run.notes:
        print(f"# harness: {note}")
    for line in lines:
        print(f"# harness: {line}")
    print(f"# harness: {a.platform} -smp {a.smp}: {len(report.results)} tests, "
          f"{run.seconds:.2f} s, QEMU status {run.status}, exit {status}")
    if a.serial_log:
        with open(a.serial_log, "w") as f:
            f.write(run.serial)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"platform": a.platform, "smp": a.smp, "exit": status, "summary": lines,
                       "results": {n: [r.verdict, r.reason] for n, r in report.results.items()}},
                      f, indent=1)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
