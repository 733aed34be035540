#!/usr/bin/env python3
"""timer_cal_stall.py IRQLAB IMAGE: a vCPU descheduled during the APIC timer's calibration does not
skew the rate the timer tests use.

IMAGE is guest/irqlab-guest-cal-stall.elf: the calibration's first measure stalls 4 ms inside its
second TMCCT bracket, as a vCPU descheduled there does (guest/apic_timer.c). Measured from the
midpoints, that makes the 1 GHz timer read 1.5 GHz and a 2 ms one-shot run 3.2 ms. The
calibration must measure again and not keep the stalled measure, and the timer tests must pass.
Exit 0/1, or 77 without /dev/kvm."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import SKIP, execute, kvm_usable  # noqa: E402

RATE = re.compile(r"^  # APIC timer (\d+) kHz at divide-by-1 \((\d+)-(\d+) kHz within the "
                  r"calibration's brackets, (\d+) measures?\)$", re.M)
# The stalled measure's range is ~200 % of the rate. The others' is ~1.5 % on a quiet host and
# can exceed the calibration's 4 % goal under heavy load (CI's ASan pass, with 1 ms measures:
# 4.35 % after all 8), so the test tells the two apart, not the goal.
RANGE_PCT = 25


def main(irqlab, image):
    if not kvm_usable():
        print("SKIP: /dev/kvm is not usable here")
        return SKIP
    status, out, err = execute([irqlab, "--test", "apic.timer_oneshot,apic.timer_periodic", image], 60)
    m = RATE.search(out)
    problems = []
    if status != 0:
        problems.append(f"exit status {status}, expected 0")
    if not m:
        problems.append("no 'APIC timer ... kHz' line")
    else:
        khz, lo, hi, measures = map(int, m.groups())
        print(m.group(0).strip())
        if measures < 2:
            problems.append(f"{measures} measure: the calibration did not measure again")
        if (hi - lo) * 100 > khz * RANGE_PCT:
            problems.append(f"range {lo}-{hi} kHz is wider than {RANGE_PCT} % of {khz} kHz: "
                            "the stalled measure was kept")
    if not re.search(r"^  ok \d+ timer_oneshot$", out, re.M):
        problems.append("timer_oneshot did not pass")
    if problems:
        print(f"--- stdout ---\n{out}--- stderr ---\n{err}")
        for p in problems:
            print(f"FAIL: {p}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
