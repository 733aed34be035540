#!/usr/bin/env python3
"""run.py [CHECKS] -- COMMAND...: run COMMAND with a time limit and check what it did.

Exit 0 when every check holds, 1 otherwise (printing the command, its output and what failed),
77 when --needs-kvm is given and /dev/kvm is not usable. Tokens: @TMP@ in COMMAND and in
--junit becomes a fresh temporary directory; @IMAGE@ becomes the image made by --image (in
regexes and --stderr-is it is matched literally).
"""
import argparse
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import badimage  # noqa: E402
import ktap_check  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from irqlab_test import execute, kvm_usable, parse_junit  # noqa: E402
import results_schema  # noqa: E402

SKIP = 77



def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--expect-status", type=int, default=0)
    p.add_argument("--stdout-re", action="append", default=[], help="regex that must match stdout")
    p.add_argument("--stderr-re", action="append", default=[], help="regex that must match stderr")
    p.add_argument("--stdout-not-re", action="append", default=[], help="regex that must not match")
    p.add_argument("--stdout-is", help="exact stdout (after --drop-re)")
    p.add_argument("--drop-re", action="append", default=[],
                   help="drop stdout lines matching this before --stdout-is (host-specific lines)")
    p.add_argument("--stderr-is", help="exact stderr")
    p.add_argument("--stderr-max", action="append", default=[], metavar="KEY=N",
                   help="stderr must say KEY=value with value <= N (e.g. --stats' rss_kib)")
    p.add_argument("--ktap", action="store_true", help="stdout must be valid KTAP")
    p.add_argument("--json", action="store_true", help="stdout must be one JSON document")
    p.add_argument("--json-suite", action="append", default=[], help="with --json: a suite of this name")
    p.add_argument("--json-schema", metavar="PATH",
                   help="with --json: stdout must be valid against this schema (docs/results.schema.json)")
    p.add_argument("--junit", help="this file must be JUnit XML afterwards")
    p.add_argument("--image", metavar="KIND[:SRC]", help="make a malformed image (badimage.py)")
    p.add_argument("--stdout-to", metavar="FILE", help="send stdout to FILE (e.g. /dev/full)")
    p.add_argument("--needs-kvm", action="store_true")
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("command", nargs="+")
    return p.parse_args(argv)


def check_json(out, status, suites, problems, schema=None):
    try:
        doc = json.loads(out)
    except json.JSONDecodeError as e:
        problems.append(f"stdout is not JSON: {e}")
        return
    if schema:
        problems += [f"JSON {p}" for p in results_schema.problems(doc, schema)]
    listed = doc.get("kind") == "list"  # a list carries no exit_status (docs/results.md)
    if "format" in doc and (doc["format"] != "irqlab-results" or not listed and doc.get("exit_status") != status):
        problems.append(f"JSON format/exit_status: {doc.get('format')!r}/{doc.get('exit_status')!r}")
    if not isinstance(doc.get("suites"), list):
        problems.append("JSON has no 'suites' list")
        return
    names = [s.get("name") for s in doc["suites"] if isinstance(s, dict)]
    problems += [f"JSON has no suite {n!r} (has {names})" for n in suites if n not in names]


def check_junit(path, problems):
    root = parse_junit(path, problems)
    if root is None:
        return
    for suite in root.findall("testsuite"):
        if int(suite.get("tests", -1)) != len(suite.findall("testcase")):
            problems.append(f"JUnit suite {suite.get('name')}: tests= does not count its testcases")


def check(args, status, out, err, image):
    lit = (lambda s: s.replace("@IMAGE@", image)) if image else (lambda s: s)
    rex = (lambda s: s.replace("@IMAGE@", re.escape(image))) if image else (lambda s: s)
    problems = []
    if status != args.expect_status:
        problems.append(f"exit status {status}, expected {args.expect_status}")
    for r in args.stdout_re:
        if not re.search(rex(r), out, re.M):
            problems.append(f"stdout does not match /{rex(r)}/")
    for r in args.stdout_not_re:
        if re.search(rex(r), out, re.M):
            problems.append(f"stdout matches /{rex(r)}/")
    for r in args.stderr_re:
        if not re.search(rex(r), err, re.M):
            problems.append(f"stderr does not match /{rex(r)}/")
    for limit in args.stderr_max:
        key, _, most = limit.partition("=")
        m = re.search(rf"\b{re.escape(key)}=(\d+)", err)
        if not m or int(m.group(1)) > int(most):
            problems.append(f"stderr: {key}={m.group(1) if m else '(missing)'}, expected at most {most}")
    kept = "".join(line for line in out.splitlines(True) if not any(re.search(d, line) for d in args.drop_re))
    if args.stdout_is is not None and kept != lit(args.stdout_is):
        problems.append(f"stdout is not exactly {lit(args.stdout_is)!r}")
    if args.stderr_is is not None and err != lit(args.stderr_is):
        problems.append(f"stderr is not exactly {lit(args.stderr_is)!r}")
    if args.ktap:
        problems += [f"KTAP: {e}" for e in ktap_check.check(out)]
    if args.json:
        check_json(out, status, args.json_suite, problems, args.json_schema)
    if args.junit:
        check_junit(args.junit, problems)
    return problems


def main(argv):
    args = parse_args(argv)
    if args.needs_kvm and not kvm_usable():
        print("SKIP: /dev/kvm is not usable here")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="irqlab-e2e-") as tmp:
        image = None
        if args.image:
            kind, _, src = args.image.partition(":")
            image = badimage.make(kind, src, tmp)
        cmd = [a.replace("@TMP@", tmp).replace("@IMAGE@", image or "@IMAGE@") for a in args.command]
        args.junit = args.junit.replace("@TMP@", tmp) if args.junit else None
        status, out, err = execute(cmd, args.timeout, args.stdout_to)
        problems = check(args, status, out, err, image)
    if problems:
        print("command: " + " ".join(cmd))
        print(f"exit status: {status}\n--- stdout ---\n{out}--- stderr ---\n{err}--- problems ---")
        print("\n".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
