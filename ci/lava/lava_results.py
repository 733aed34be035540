#!/usr/bin/env python3
"""lava_results.py RESULTS.json: report an irqlab run's tests as LAVA test cases.

Each suite becomes a LAVA test set and each test a test case (`lava-test-case NAME --result R`);
one more case, `irqlab-run`, carries the run's exit status. Outside LAVA (no lava-test-case on
PATH) the same results are printed as `NAME: RESULT` lines, so the script can be tried anywhere.
A missing or unreadable results file is itself a failed `irqlab-run`.
"""
import json
import shutil
import subprocess
import sys

# irqlab's results (docs/cli.md) -> LAVA's pass/fail/skip/unknown. An XFAIL is a known defect of
# this platform, expected: a pass for LAVA (the reason is in the log and in the JSON).
RESULT = {"pass": "pass", "xfail": "pass", "skip": "skip", "not_run": "skip",
          "fail": "fail", "error": "fail", "timeout": "fail"}
# irqlab's exit statuses: 0 passed, 77 skipped, anything else failed.
RUN = {0: "pass", 77: "skip"}


def helper(args):
    """Call a LAVA helper, or print what it would record."""
    if shutil.which(args[0]):
        subprocess.run(args, check=False)
    elif args[0] == "lava-test-case":
        print(f"{args[1]}: {args[3]}", flush=True)


def report(doc):
    for suite in doc.get("suites", []):
        helper(["lava-test-set", "start", suite["name"]])
        for test in suite.get("tests", []):
            name = f"{suite['name']}.{test['name']}"
            helper(["lava-test-case", name, "--result", RESULT.get(test.get("result"), "unknown")])
        helper(["lava-test-set", "stop"])
    helper(["lava-test-case", "irqlab-run", "--result", RUN.get(doc.get("exit_status"), "fail")])


def main(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"lava_results.py: {path}: {e}", file=sys.stderr)
        helper(["lava-test-case", "irqlab-run", "--result", "fail"])
        return 0
    report(doc)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[0])
    sys.exit(main(sys.argv[1]))
