#!/usr/bin/env python3
"""trace.py IRQLAB IMAGE: `irqlab --cpus 4 --trace FILE` writes a Chrome trace-event timeline
(docs/trace.md) that python's json parses, with a named track per vCPU and the launcher, the run's
metadata, balanced begin/end events, IPI sends and receives in order (a receive no earlier than
its send: guest TSCs put on the host clock), and guest records inside their vCPU's KVM_RUN spans;
then a lowered event cap (IRQLAB_TRACE_MAX_EVENTS) and `irqlab check --trace`. Exit 0/1, or 77 without /dev/kvm."""
import bisect
import collections
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import SKIP, execute, kvm_usable  # noqa: E402

CPUS = 4
SLACK_US = 50.0   # the clock offset's error bound: one exit's latency, with room


def balanced(ev):
    """Per track: never an E without its B, none left open."""
    errors = []
    depth = collections.Counter()
    for e in sorted((e for e in ev if e["ph"] in "BE"), key=lambda e: e["ts"]):
        depth[e["tid"]] += 1 if e["ph"] == "B" else -1
        if depth[e["tid"]] < 0:
            errors.append(f"an E without its B on tid {e['tid']} at {e['ts']}")
            depth[e["tid"]] = 0
    return errors + [f"{n} B left open on tid {t}" for t, n in depth.items() if n]


def check_cap(path, cap):
    """A lower cap (IRQLAB_TRACE_MAX_EVENTS): at most that many events (plus the metadata, the IPI
    arrows drawn from recorded events, the
    ends that close what the cap left open, and the marker), and a "dropped N events" marker."""
    with open(path) as f:
        ev = json.load(f)["traceEvents"]
    errors = balanced(ev)
    body = [e for e in ev if e["ph"] not in "Msf" and not e.get("args", {}).get("closed")]  # arrows: derived
    if len(body) > cap + 1:
        errors.append(f"{len(body)} events with a cap of {cap}")
    if not any(e["name"].startswith("dropped ") for e in body if "name" in e):
        errors.append("no 'dropped N events' marker")
    return errors


def check(path):
    errors = []
    with open(path) as f:
        doc = json.load(f)
    ev = doc["traceEvents"]
    meta = doc.get("otherData", {})
    for key in ("irqlab-version", "platform", "command-line", "cpus"):
        if not meta.get(key):
            errors.append(f"otherData has no {key}")
    names = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
    for cpu in range(CPUS):
        if names.get(cpu + 1) != f"vCPU {cpu}":
            errors.append(f"no thread_name for vCPU {cpu} (tid {cpu + 1}): {names}")
    if names.get(0) != "launcher":
        errors.append("no thread_name for the launcher (tid 0)")
    if not any(e["ph"] == "M" and e["name"] == "process_name" for e in ev):
        errors.append("no process_name")
    errors += balanced(ev)
    suites = [e["name"] for e in ev if e["ph"] == "B" and e["name"].startswith("suite ")]
    if "suite ipi" not in suites:
        errors.append(f"no 'suite ipi' span: {suites}")
    # IPIs: every receive names its sender; a send from that vCPU to this one, same vector, not later
    sends = collections.defaultdict(list)
    for e in ev:
        if e.get("cat") == "guest" and e["name"] == "IPI sent":
            sends[(e["tid"] - 1, e["args"]["dest"], e["args"]["vector"])].append(e["ts"])
    recvs = [e for e in ev if e.get("cat") == "guest" and e["name"] == "IPI received"]
    if len(recvs) < 10:
        errors.append(f"only {len(recvs)} IPI receptions")
    for e in recvs:
        key = (e["args"]["from"], e["tid"] - 1, e["args"]["vector"])
        if not any(t <= e["ts"] for t in sends.get(key, ())):
            errors.append(f"IPI received on vCPU {key[1]} at {e['ts']} before any send {key}")
    flows = {e["id"]: e["ts"] for e in ev if e["ph"] == "s"}
    bad = [e for e in ev if e["ph"] == "f" and e["ts"] < flows.get(e["id"], -1)]
    errors += [f"flow {e['id']} ends before it starts" for e in bad[:5]]
    # guest records happen while their vCPU is in KVM_RUN
    runs = collections.defaultdict(list)
    for e in ev:
        if e["ph"] == "X" and e["name"] == "KVM_RUN":
            runs[e["tid"]].append((e["ts"] - SLACK_US, e["ts"] + e["dur"] + SLACK_US))
    for r in runs.values():
        r.sort()
    outside = 0
    for e in ev:
        if e.get("cat") == "guest":
            r = runs[e["tid"]]
            i = bisect.bisect_right(r, (e["ts"], float("inf"))) - 1
            outside += not (i >= 0 and r[i][0] <= e["ts"] <= r[i][1])
    if outside:
        errors.append(f"{outside} guest records outside their vCPU's KVM_RUN spans")
    exits = collections.Counter(e["name"] for e in ev if e.get("cat") == "exit")
    if not exits.get("exit io"):
        errors.append(f"no port exits: {exits}")
    return errors, len(ev), len(recvs)


def main(irqlab, image):
    if not kvm_usable():
        print("SKIP: /dev/kvm is not usable here")
        return SKIP
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "run.json")
        status, out, err = execute([irqlab, "--cpus", str(CPUS), "--test", "apic,smp,ipi", "--trace", path,
                                    image], 120)
        if status not in (0, 1) or not os.path.exists(path):
            print(f"status {status}, no trace\n--- stdout ---\n{out}--- stderr ---\n{err}")
            return 1
        errors, n, ipis = check(path)
        size = os.path.getsize(path)
        os.environ["IRQLAB_TRACE_MAX_EVENTS"] = "2000"
        status, out, err = execute([irqlab, "--cpus", str(CPUS), "--test", "apic,smp,ipi", "--trace", path,
                                    image], 120)
        del os.environ["IRQLAB_TRACE_MAX_EVENTS"]
        errors += [f"cap 2000: {e}" for e in (check_cap(path, 2000) if status in (0, 1) else [f"status {status}"])]
        # irqlab check: each isolated check is a span on its worker's track
        status, out, err = execute([irqlab, "check", "--test", "check.x87", "--trace", path, image], 120)
        try:
            with open(path) as f:
                ev = json.load(f)["traceEvents"]
            spans = {e["name"] for e in ev if e["ph"] == "X" and str(e.get("tid", "")).isdigit()
                     and any(m["ph"] == "M" and m["tid"] == e["tid"] and m["args"]["name"].startswith("check worker")
                             for m in ev if m.get("name") == "thread_name")}
            if "check.x87" not in spans:
                errors.append(f"check: no check.x87 span on a check worker track: {spans}")
        except (OSError, ValueError, KeyError) as e:
            errors.append(f"check: status {status}, trace unreadable: {e}")
    for e in errors[:20]:
        print("FAIL:", e)
    print(f"{n} events, {ipis} IPI receptions, {size} bytes")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
