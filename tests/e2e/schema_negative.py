#!/usr/bin/env python3
"""schema_negative.py IRQLAB SCHEMA: docs/results.schema.json rejects malformed documents.

Takes a valid document (`irqlab --list --format json`: the image's table, no VM needed) and a
synthetic run document built from it, checks both are accepted, then that each mutation (a
missing or unknown field, a wrong type, an unknown outcome, a relative image path, a list
carrying a run's fields, a start time that is not RFC 3339 UTC, totals that do not add up) is
rejected. Prints TAP.
"""
import copy
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import results_schema  # noqa: E402


def run_doc(listed):
    doc = copy.deepcopy(listed)
    doc["kind"] = "run"
    doc.update({"exit_status": 0, "crash": None, "interrupted": None, "metrics": [],
                "dropped": {"log_bytes": 0, "metrics": 0}})
    doc["suites"] = [{"name": s["name"], "tests": [{"name": t, "result": "pass", "duration_us": 1}
                                                   for t in s["tests"]]} for s in listed["suites"]]
    doc["totals"] = dict(doc["totals"], **{"pass": doc["totals"]["tests"]})
    return doc


def mutations(listed, run):
    def m(base, f):
        d = copy.deepcopy(base)
        f(d)
        return d
    return [
        ("list without totals", m(listed, lambda d: d.pop("totals"))),
        ("list without the platform", m(listed, lambda d: d.pop("platform"))),
        ("list with an unknown field", m(listed, lambda d: d.update(surprise=1))),
        ("list with a run's exit_status", m(listed, lambda d: d.update(exit_status=0))),
        ("list with a relative image", m(listed, lambda d: d.update(image="guest.elf"))),
        ("list with a test name holding a space", m(listed, lambda d: d["suites"][0]["tests"].append("a b"))),
        ("list whose totals miss a test", m(listed, lambda d: d["totals"].update(tests=d["totals"]["tests"] + 1))),
        ("start_time not UTC", m(listed, lambda d: d.update(start_time="2026-01-01T00:00:00+01:00"))),
        ("start_time not a time", m(listed, lambda d: d.update(start_time="yesterday"))),
        ("wrong format", m(listed, lambda d: d.update(format="irqlab"))),
        ("unknown kind", m(listed, lambda d: d.update(kind="bench"))),
        ("irqchip not kernel or split", m(listed, lambda d: d["options"].update(irqchip="pic"))),
        ("cpus as a string", m(listed, lambda d: d["options"].update(cpus="2"))),
        ("run without exit_status", m(run, lambda d: d.pop("exit_status"))),
        ("run with an unknown outcome", m(run, lambda d: d["suites"][0]["tests"][0].update(result="passed"))),
        ("run with a negative duration", m(run, lambda d: d["suites"][0]["tests"][0].update(duration_us=-1))),
        ("run with a list's suites", m(run, lambda d: d.update(suites=listed["suites"]))),
        ("run whose totals do not count its results", m(run, lambda d: d["totals"].update(fail=1))),
        ("run interrupted by SIGKILL", m(run, lambda d: d.update(interrupted="SIGKILL"))),
    ]


def main(argv):
    irqlab, schema = argv[1], argv[2]
    proc = subprocess.run([irqlab, "--list", "--format", "json"] + argv[3:], capture_output=True,
                          text=True, timeout=60)
    if proc.returncode != 0:
        print(f"Bail out! irqlab --list --format json: exit {proc.returncode}: {proc.stderr}")
        return 1
    listed = json.loads(proc.stdout)
    run = run_doc(listed)
    cases = [("irqlab --list --format json is valid", results_schema.problems(listed, schema) == []),
             ("a run document built from it is valid", results_schema.problems(run, schema) == [])]
    cases += [(f"rejects: {what}", results_schema.problems(doc, schema) != [])
              for what, doc in mutations(listed, run)]
    print(f"1..{len(cases)}")
    for i, (what, ok) in enumerate(cases, 1):
        print(f"{'ok' if ok else 'not ok'} {i} {what}")
    return 0 if all(ok for _, ok in cases) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
