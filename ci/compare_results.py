#!/usr/bin/env python3
"""compare_results.py RESULTS.json... : where irqlab's results differ between hosts.

Each argument is the JSON of one run (`irqlab --format json`), e.g. the artifacts of one CI job
per host; a file's label is its name, or its folder's when every name is the same (a/irqlab.json,
b/irqlab.json). Prints one row per test whose result is not the same everywhere (a test a run
lacks shows as `-`), then one line per run with its exit status. Exit 0 when every test agrees,
1 when some differ, 2 when a file cannot be read.
"""
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("format") != "irqlab-results":
        raise ValueError("not irqlab's JSON results (format irqlab-results)")
    if doc.get("kind") == "list":
        raise ValueError("a list (irqlab --list), not a run's results")
    return doc, {f"{s['name']}.{t['name']}": t["result"] for s in doc["suites"] for t in s["tests"]}


def labels(paths):
    names = [os.path.basename(p) for p in paths]
    if len(set(names)) == len(names):
        return names
    return [os.path.basename(os.path.dirname(os.path.abspath(p))) or p for p in paths]


def main(paths):
    try:
        runs = [load(p) for p in paths]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"compare_results.py: {e}", file=sys.stderr)
        return 2
    names = labels(paths)
    tests = sorted(set().union(*(results for _, results in runs)))
    differ = [t for t in tests if len({results.get(t, "-") for _, results in runs}) > 1]
    width = max([len(t) for t in differ] + [4])
    if differ:
        print(f"{'test':{width}}  " + "  ".join(f"{n:>10}" for n in names))
    for t in differ:
        print(f"{t:{width}}  " + "  ".join(f"{results.get(t, '-'):>10}" for _, results in runs))
    for n, (doc, results) in zip(names, runs):
        print(f"# {n}: exit status {doc.get('exit_status')}, {len(results)} tests")
    print(f"# {len(differ)} of {len(tests)} tests differ")
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__.splitlines()[0])
    sys.exit(main(sys.argv[1:]))
