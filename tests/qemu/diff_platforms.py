#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Differential report: the irqlab guest's verdicts on every platform, test by test.

usage: python3 tests/qemu/diff_platforms.py BUILD [--smp N] [--timeout SEC]
                                            [--platforms irqlab,qemu-tcg,qemu-kvm,ovmf-tcg]

Runs BUILD/guest/irqlab-guest.elf under irqlab (BUILD/host/irqlab, this machine's KVM), QEMU/TCG
(the reference) and QEMU/KVM (qboot), and BUILD/guest/efi/irqlab-guest.efi under OVMF/TCG when
it was built; prints one row per test and then every divergence (a test whose verdict is not
the same everywhere it ran) with its explanation: the expectation line (tests/qemu/qemu.expect
for QEMU, irqlab's XFAIL reason from platforms/*.expect) or UNEXPLAINED. docs/platforms.md
discusses each known divergence. Exit status: 0 all explained, 1 an unexplained divergence or
a run that crashed, 77 nothing could run.
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import ktap  # noqa: E402
import qemu_run  # noqa: E402

LABELS = {"irqlab": "irqlab/KVM", "qemu-tcg": "QEMU/TCG", "qemu-kvm": "QEMU/KVM",
          "ovmf-tcg": "OVMF/TCG"}


class Column:
    def __init__(self, platform):
        self.platform, self.report, self.note, self.expect = platform, None, "", []
        self.seconds = 0.0


def run_irqlab(build, smp, timeout, col):
    exe, image = os.path.join(build, "host", "irqlab"), os.path.join(build, "guest", "irqlab-guest.elf")
    start = time.monotonic()
    try:
        p = subprocess.run([exe, "--cpus", str(smp), "--timeout", str(int(timeout)), image],
                           capture_output=True, text=True, timeout=timeout + 10)
    except (OSError, subprocess.TimeoutExpired) as e:
        col.note = f"not run: {e}"
        return
    col.seconds = time.monotonic() - start
    if p.returncode == 77:
        col.note = "skipped: " + (p.stdout + p.stderr).strip().splitlines()[-1]
        return
    col.report = ktap.parse_ktap(p.stdout)
    if p.returncode not in (0, 1):
        col.note = f"irqlab exit {p.returncode}: " + (p.stderr.strip().splitlines() or [""])[-1]


def run_qemu(build, platform, smp, timeout, col, expect):
    image = os.path.join(build, "guest", "efi" if platform == "ovmf-tcg" else "",
                         "irqlab-guest.efi" if platform == "ovmf-tcg" else "irqlab-guest.elf")
    why = qemu_run.missing(platform) or (None if os.path.exists(image) else f"{image} not built")
    if why:
        col.note = f"skipped: {why}"
        return
    run = qemu_run.run_qemu(platform, image, smp, timeout)
    status, col.report, lines = harness.evaluate(run, platform, smp, expect)
    col.seconds = run.seconds
    col.expect = ktap.load_expectations(expect, platform)
    if status in (harness.EXIT_USAGE, harness.EXIT_CRASH):
        col.note = lines[0]


def explain(col, name, smp):
    """(accounted for?, why): a QEMU verdict must be the expected one, irqlab's pass or XFAIL."""
    r = col.report.results[name]
    if col.platform == "irqlab":                # no expectations file: its own XFAILs and skips
        if r.verdict in ("pass", "xfail", "skip"):
            return True, r.reason and f"irqlab {r.verdict.upper()}: {r.reason}"
        return False, f"{r.verdict}: {r.reason}" if r.reason else r.verdict
    want, e = ktap.expected_verdict(col.expect, name, smp)
    if ktap.matches(r.verdict, want):
        return True, e and f"{os.path.basename(e.where)}: {e.reason}"
    return False, f"expected {want}" + (f": {r.reason}" if r.reason else "")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--platforms", default="irqlab,qemu-tcg,qemu-kvm,ovmf-tcg")
    ap.add_argument("--expect", default=harness.DEFAULT_EXPECT)
    a = ap.parse_args(argv)
    cols = [Column(p) for p in a.platforms.split(",")]
    for col in cols:
        if col.platform == "irqlab":
            run_irqlab(a.build, a.smp, a.timeout, col)
        else:
            run_qemu(a.build, col.platform, a.smp, a.timeout, col, a.expect)
    ran = [c for c in cols if c.report]
    if not ran:
        print("diff_platforms: nothing could run: " + "; ".join(c.note for c in cols))
        return 77
    names = []
    for c in ran:
        names += [n for n in c.report.results if n not in names]
    width = max([len(n) for n in names] + [24]) + 2
    print(f"irqlab guest, {a.smp} CPUs".ljust(width) + "".join(LABELS[c.platform].ljust(12) for c in cols))
    divergent = []
    for n in names:
        got = [c.report.results[n].verdict if c.report and n in c.report.results else "-" for c in cols]
        ran_here = [g for g in got if g != "-"]
        mark = "  <>" if len(set(ran_here)) > 1 else ""
        print(n.ljust(width) + "".join(g.ljust(12) for g in got) + mark)
        if mark:
            divergent.append(n)
    print("time".ljust(width) + "".join((f"{c.seconds:.2f} s" if c.report else "-").ljust(12) for c in cols))
    unexplained, groups = 0, {}     # (platforms, explanation) -> tests
    for n in divergent:
        for c in (c for c in ran if n in c.report.results):
            ok, why = explain(c, n, a.smp)
            if why or not ok:
                text = why if ok else f"UNEXPLAINED {c.report.results[n].verdict} ({why})"
                groups.setdefault(text, {}).setdefault(n, []).append(LABELS[c.platform])
            unexplained += not ok
    print(f"\n{len(divergent)} divergence(s), by explanation" + (":" if divergent else ""))
    for text, tests in sorted(groups.items(), key=lambda g: not g[0].startswith("UNEXPLAINED")):
        where = sorted({", ".join(p) for p in tests.values()})
        print(f"  [{'; '.join(where)}] {text}")
        print("      " + ", ".join(tests))
    for c in cols:
        if c.note:
            print(f"  {LABELS[c.platform]}: {c.note}")
            unexplained += not c.note.startswith("skipped")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
