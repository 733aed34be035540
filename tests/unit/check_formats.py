#!/usr/bin/env python3
"""check_formats.py REPORT_DUMP: run each report_dump scenario and check that its --format json
output and its --junit file parse (json, xml.etree) and carry the right structure and counts.
Prints TAP."""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import results_schema  # noqa: E402

NASTY_START = 'quote " backslash \\ lt < amp &'
results = []


def check(cond, what):
    results.append((bool(cond), what))


def run(dump, scenario, tmp):
    junit = os.path.join(tmp, scenario + ".xml")
    proc = subprocess.run([dump, scenario, junit], capture_output=True, timeout=60)
    check(proc.returncode == 0, f"{scenario}: report_dump exits 0 (stderr: {proc.stderr[-300:]!r})")
    try:
        doc = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        check(False, f"{scenario}: JSON parses ({e})")
        doc = None
    if doc is not None:
        found = results_schema.problems(doc)
        check(not found, f"{scenario}: JSON valid against docs/results.schema.json {found[:3]}")
    try:
        xml = ET.parse(junit).getroot()
    except (ET.ParseError, OSError) as e:
        check(False, f"{scenario}: JUnit parses ({e})")
        xml = None
    return doc, xml


def results_of(doc):
    return {s["name"]: [t["result"] for t in s["tests"]] for s in doc["suites"]}


def counts(xml):
    return {s.get("name"): tuple(int(s.get(k)) for k in ("tests", "failures", "errors", "skipped"))
            for s in xml.findall("testsuite")}


KEYS = ("tests", "pass", "fail", "xfail", "xpass", "skip", "error", "timeout", "not_run")


def check_totals(name, doc, xml, want):
    """The same totals in JSON ("totals") and JUnit (<testsuites> attributes, each suite's time)."""
    want = {k: want.get(k if k != "pass" else "pass_", 0) for k in KEYS}
    if doc:
        check(doc.get("totals") == want, f"{name}: json totals {doc.get('totals')} == {want}")
    if xml is not None:
        got = tuple(int(xml.get(k, -1)) for k in ("tests", "failures", "errors", "skipped"))
        check(got == (want["tests"], want["fail"] + want["xpass"], want["error"], want["skip"] + want["xfail"]),
              f"{name}: junit <testsuites> tests/failures/errors/skipped {got}")
        check(float(xml.get("time", "-1")) >= 0, f"{name}: junit <testsuites time>")
        check(all(float(s.get("time", "-1")) >= 0 and len(s.get("timestamp", "")) == 19
                  for s in xml.findall("testsuite")), f"{name}: each junit <testsuite> has time and timestamp")


def check_mixed(doc, xml):
    if doc:
        check(doc["format"] == "irqlab-results" and doc["version"] == 1, "mixed: json header")
        check(doc["exit_status"] == 1 and doc["crash"] is None, "mixed: exit_status 1, no crash")
        check(results_of(doc) == {"alpha": ["pass", "fail"], "beta": ["skip"]}, "mixed: json results")
        two = doc["suites"][0]["tests"][1]
        check(two["reason"].startswith(NASTY_START) and "newline \n utf8 \xb5s" in two["reason"],
              "mixed: failure reason survives escaping (quotes, newline, UTF-8)")
        check("log" in doc["suites"][0]["tests"][0], "mixed: PRINT inside a test is its log")
        check([(m["name"], m["value"], m["unit"], m["test"]) for m in doc["metrics"]] ==
              [("ipi_rtt", -170, "ns", "one")], "mixed: metric")
    if xml is not None:
        check(xml.tag == "testsuites", "mixed: junit root <testsuites>")
        check(counts(xml) == {"alpha": (2, 1, 0, 0), "beta": (1, 0, 0, 1)}, "mixed: junit counts")
        fail = xml.find("testsuite/testcase[@name='two']/failure")
        check(fail is not None and fail.get("message", "").startswith(NASTY_START), "mixed: junit failure message")
        check(xml.find("testsuite/testcase[@name='one']/system-out") is not None, "mixed: junit system-out")
    check_totals("mixed", doc, xml, dict(tests=3, pass_=1, fail=1, skip=1))


def check_crash(doc, xml):
    if doc:
        check(doc["exit_status"] == 3 and doc["crash"].startswith("triple fault"), "crash: exit_status 3, crash")
        check(results_of(doc) == {"alpha": ["error", "not_run"], "beta": ["not_run"]}, "crash: json results")
    if xml is not None:
        check(counts(xml) == {"alpha": (2, 0, 2, 0), "beta": (1, 0, 1, 0)}, "crash: junit counts (not run is an error)")
        err = xml.find("testsuite/testcase[@name='two']/error")
        check(err is not None and err.get("type") == "not_run" and err.get("message", "").startswith("not run: "),
              "crash: a test the crash kept from running is <error type=not_run>")
    check_totals("crash", doc, xml, dict(tests=3, error=3, not_run=2))


def check_boot(doc, xml):
    if doc:
        check(doc["exit_status"] == 3 and results_of(doc) == {"boot": ["timeout"]}, "boot: one timed-out boot test")
    if xml is not None:
        check(counts(xml) == {"boot": (1, 0, 1, 0)}, "boot: junit counts")
    check_totals("boot", doc, xml, dict(tests=1, error=1, timeout=1))


def check_verdicts(doc, xml):
    """docs/results.md: one meaning per verdict in every format."""
    if doc:
        check(results_of(doc) == {"alpha": ["xfail", "xpass"], "beta": ["timeout"]}, "verdicts: json results")
        check(doc["exit_status"] == 3 and doc["interrupted"] is None, "verdicts: exit_status 3, not interrupted")
    if xml is not None:
        one = xml.find("testsuite/testcase[@name='one']/skipped")
        check(one is not None and one.get("message") ==
              "expected failure: known defect of test/sig (t.expect): known broken", "verdicts: junit xfail keeps its reason")
        two = xml.find("testsuite/testcase[@name='two']/failure")
        check(two is not None and two.get("type") == "xpass" and two.get("message", "").startswith("unexpected pass: "),
              "verdicts: junit unexpected pass is <failure type=xpass>")
        three = xml.find("testsuite/testcase[@name='three']/error")
        check(three is not None and three.get("type") == "timeout", "verdicts: junit timeout is <error type=timeout>")
    check_totals("verdicts", doc, xml, dict(tests=3, xfail=1, xpass=1, error=1, timeout=1))


def main():
    dump = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in (("mixed", check_mixed), ("crash", check_crash), ("boot", check_boot),
                         ("verdicts", check_verdicts)):
            fn(*run(dump, name, tmp))
    print(f"1..{len(results)}")
    for i, (good, what) in enumerate(results, 1):
        print(f"{'' if good else 'not '}ok {i} - {what}")
    return 0 if all(good for good, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
