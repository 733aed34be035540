#!/usr/bin/env python3
"""selection.py IRQLAB IMAGE: --test selection on an image whose test names are not known in
advance. Lists the tests, runs only the first one (`--test suite.test`), and checks that the
KTAP holds exactly one suite with exactly that one test. Exit 0/1, or 77 without /dev/kvm."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import SKIP, execute, kvm_usable  # noqa: E402
import ktap_check  # noqa: E402


def fail(msg, out="", err=""):
    print(f"{msg}\n--- stdout ---\n{out}--- stderr ---\n{err}")
    return 1


def main(irqlab, image):
    if not kvm_usable():
        print("SKIP: /dev/kvm is not usable here")
        return SKIP
    status, out, err = execute([irqlab, "--list", image], 120)
    names = out.split()
    if status != 0 or not names or not all(re.fullmatch(r"[!-~]+\.[!-~]+", n) for n in names):
        return fail(f"--list: status {status}, expected suite.test lines", out, err)
    suite, test = names[0].split(".", 1)
    status, out, err = execute([irqlab, "--test", names[0], image], 120)
    if status not in (0, 77):
        return fail(f"--test {names[0]}: status {status}", out, err)
    problems = ktap_check.check(out)
    if problems:
        return fail("KTAP: " + "; ".join(problems), out, err)
    body = "".join(line for line in out.splitlines(True) if not line.startswith("# "))  # top-level diagnostics
    if not re.search(rf"^1\.\.1\n  KTAP version 1\n  # Subtest: {re.escape(suite)}\n  1\.\.1\n"
                     rf"  (not )?ok 1 {re.escape(test)}( #|$)", body, re.M):
        return fail(f"--test {names[0]}: expected one suite with only {test}", out, err)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[0])
    sys.exit(main(sys.argv[1], sys.argv[2]))
