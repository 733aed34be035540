#!/usr/bin/env python3
"""Print one closing line for CI from meson's test logs: 'irqlab: N passed, N failed, N skipped'.

Usage: summary.py BUILDDIR...   (reads BUILDDIR/meson-logs/testlog.json of each; exit 1 if any failed)
"""
import json
import os
import sys


def count(builddir):
    passed = failed = skipped = 0
    with open(os.path.join(builddir, "meson-logs", "testlog.json")) as f:
        for line in f:
            result = json.loads(line).get("result", "")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
    return passed, failed, skipped


def main(dirs):
    totals = [sum(c) for c in zip(*(count(d) for d in dirs))] if dirs else [0, 0, 0]
    print(f"irqlab: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 1 if totals[1] or not totals[0] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
