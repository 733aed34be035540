#!/usr/bin/env python3
"""results_schema.py [--schema PATH] [--expect-invalid] FILE...: validate irqlab's JSON documents
(a run, a list, irqlab check; '-' is stdin) against docs/results.schema.json (python3-jsonschema,
draft 2020-12), plus what a schema cannot say: the totals add up and count the tests listed.
Exit 0 when every file is valid (with --expect-invalid: when every file is rejected), 1 otherwise,
each problem on one line. As a module: problems(doc_or_text, schema_path=None) -> [str].
"""
import argparse
import json
import os
import sys

DEFAULT_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                              "results.schema.json")
OUTCOMES = ("pass", "fail", "xfail", "xpass", "skip", "error")
_validators = {}


def _validator(schema_path):
    import jsonschema  # python3-jsonschema (ci/deps.sh)
    path = os.path.abspath(schema_path or DEFAULT_SCHEMA)
    if path not in _validators:
        with open(path) as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _validators[path] = cls(schema)
    return _validators[path]


def _totals(doc):
    t, suites, out = doc.get("totals", {}), doc.get("suites", []), []
    if doc.get("kind") == "list":
        n = sum(len(s["tests"]) for s in suites)
        if t.get("tests") != n or any(t.get(k) for k in t if k != "tests"):
            out.append(f"totals {t}: a list of {n} tests has tests={n} and every outcome 0")
        return out
    results = [x["result"] for s in suites for x in s["tests"]]
    want = {k: results.count(k) for k in ("pass", "fail", "xfail", "xpass", "skip", "timeout", "not_run")}
    want["error"] = results.count("error") + want["timeout"] + want["not_run"]
    want["tests"] = len(results)
    if t != want:
        out.append(f"totals {t} do not count the results listed ({want})")
    if sum(t.get(k, 0) for k in OUTCOMES) != t.get("tests"):
        out.append(f"totals {t}: the outcomes do not add up to tests")
    return out


def problems(doc, schema_path=None):
    """What is wrong with one document (parsed, or its text); [] when it is valid."""
    if isinstance(doc, (str, bytes)):
        try:
            doc = json.loads(doc)
        except json.JSONDecodeError as e:
            return [f"not JSON: {e}"]
    errors = sorted(_validator(schema_path).iter_errors(doc), key=lambda e: list(e.absolute_path))
    out = [f"schema: at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors]
    return out or _totals(doc)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--schema", default=None)
    p.add_argument("--expect-invalid", action="store_true")
    p.add_argument("files", nargs="+")
    args = p.parse_args(argv)
    status = 0
    for name in args.files:
        text = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()
        found = problems(text, args.schema)
        if args.expect_invalid and not found:
            print(f"{name}: accepted, but it is malformed")
            status = 1
        elif not args.expect_invalid and found:
            print("\n".join(f"{name}: {x}" for x in found))
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
