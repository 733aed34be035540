#!/usr/bin/env python3
"""interrupt.py SCENARIO IRQLAB IMAGE: interrupt a run and check that it closed its report.

Scenarios (docs/cli.md "Interrupting a run"):
  sigterm   SIGTERM inside a hanging test: KTAP (ktap_check), JUnit (parsed), exit 143
  sigint    SIGINT, --format json + --junit: both parse, exit 130, "interrupted": "SIGINT"
  sighup    SIGHUP: exit 129
  second    a second SIGTERM while the first cannot act (--junit to a FIFO nobody reads
            blocks irqlab in open() before the run) ends irqlab at once, exit 143
  real      the built-in guest with --cpus 64, SIGTERM once the smp suite started
  check     irqlab check, SIGTERM while its worker VMs run
Exit 0 when every check holds, 1 otherwise, 77 without a usable /dev/kvm (or, for `real` and
`check`, when the run finished before the signal could be sent).
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap_check  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from irqlab_test import kvm_usable, parse_junit  # noqa: E402
import results_schema  # noqa: E402

problems = []


def expect(cond, what):
    if not cond:
        problems.append(what)


class Run:
    """irqlab with stdout read line by line, so a signal can wait for a given line."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines, self.cond = [], threading.Condition()
        self.err = ""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)
            self.cond.notify_all()

    def _read_err(self):
        self.err = self.proc.stderr.read()

    def wait_line(self, prefix, timeout=60):
        """True once a line starting with `prefix` was printed; False if stdout closed first."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                if any(l is not None and l.startswith(prefix) for l in self.lines):
                    return True
                if None in self.lines or time.monotonic() > end:
                    return False
                self.cond.wait(0.1)

    def finish(self, timeout=30):
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait()
            problems.append(f"still running {timeout} s after the signal")
        self.wait_line("\0", 5)
        return status, "".join(l for l in self.lines if l is not None)


def check_ktap(out, sig):
    errors = ktap_check.check(out)
    expect(not errors, "KTAP: " + "; ".join(errors))
    expect(f"# ERROR interrupted by {sig}" in out or f"# ERROR not run: interrupted by {sig}" in out,
           f"KTAP names the interruption by {sig}")
    expect(out.splitlines()[-1].startswith("# Totals: pass:"), "KTAP ends with the # Totals: line")


def check_junit(path, errors_at_least):
    root = parse_junit(path, problems)
    if root is None:
        return
    cases = root.findall("testsuite/testcase")
    expect(int(root.get("tests", -1)) == len(cases), "JUnit <testsuites tests> counts the testcases")
    expect(int(root.get("errors", -1)) >= errors_at_least, f"JUnit errors >= {errors_at_least}")
    expect(not root.findall("testsuite/testcase/skipped"), "JUnit: nothing interrupted is <skipped>")


def hang_run(irqlab, image, extra, sig):
    run = Run([irqlab, "--timeout", "0"] + extra + [image])
    if "--format" in extra:  # JSON arrives at the end only: give the guest time to hang
        time.sleep(0.5)
    else:
        expect(run.wait_line("  # hanging in stuck"), "the guest's second test started")
    run.proc.send_signal(sig)
    return run


def scenario_sigterm(irqlab, image, tmp):
    junit = os.path.join(tmp, "junit.xml")
    status, out = hang_run(irqlab, image, ["--junit", junit], signal.SIGTERM).finish()
    expect(status == 128 + signal.SIGTERM, f"exit status {status}, expected 143")
    check_ktap(out, "SIGTERM")
    expect("  not ok 2 stuck # ERROR interrupted by SIGTERM\n" in out, "the running test: ERROR interrupted")
    expect("  not ok 1 never # ERROR not run: interrupted by SIGTERM\n" in out, "the unstarted test: ERROR not run")
    expect(out.endswith("# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:2\n"), "KTAP totals")
    check_junit(junit, 2)
    return out


def scenario_sigint(irqlab, image, tmp):
    junit = os.path.join(tmp, "junit.xml")
    run = hang_run(irqlab, image, ["--format", "json", "--junit", junit], signal.SIGINT)
    status, out = run.finish()
    expect(status == 128 + signal.SIGINT, f"exit status {status}, expected 130")
    try:
        doc = json.loads(out)
    except json.JSONDecodeError as e:
        problems.append(f"JSON: {e}")
        return out
    problems.extend(f"JSON {p}" for p in results_schema.problems(doc))  # docs/results.schema.json
    expect(doc.get("interrupted") == "SIGINT" and doc.get("exit_status") == 130, "JSON interrupted, exit_status")
    results = {s["name"]: [t["result"] for t in s["tests"]] for s in doc.get("suites", [])}
    expect(results == {"hang": ["pass", "error"], "later": ["not_run"]}, f"JSON results {results}")
    expect(doc.get("totals", {}).get("error") == 2, "JSON totals: 2 errors")
    check_junit(junit, 2)
    return out


def scenario_sighup(irqlab, image, tmp):
    status, out = hang_run(irqlab, image, [], signal.SIGHUP).finish()
    expect(status == 128 + signal.SIGHUP, f"exit status {status}, expected 129")
    check_ktap(out, "SIGHUP")
    return out


def scenario_second(irqlab, image, tmp):
    fifo = os.path.join(tmp, "junit.fifo")
    os.mkfifo(fifo)
    run = Run([irqlab, "--timeout", "0", "--junit", fifo, image])
    time.sleep(0.5)  # the JUnit file is opened before the guest runs: open(fifo) waits for a reader
    expect(run.proc.poll() is None, "irqlab waits in open() of the FIFO (test premise)")
    run.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)  # the first signal is recorded; open() goes on waiting
    expect(run.proc.poll() is None, "the first signal waits for the blocked open (test premise)")
    start = time.monotonic()
    run.proc.send_signal(signal.SIGTERM)
    status, out = run.finish(timeout=5)
    expect(time.monotonic() - start < 2, "the second signal ends irqlab at once")
    expect(status == 128 + signal.SIGTERM, f"exit status {status}, expected 143")
    expect(out == "", "nothing on stdout: the run had not started")
    return out


def signal_after(run, prefix, delay=0.0):
    if not run.wait_line(prefix) or run.proc.poll() is not None:
        return False
    time.sleep(delay)
    if run.proc.poll() is not None:
        return False
    run.proc.send_signal(signal.SIGTERM)
    return True


def scenario_real(irqlab, image, tmp):
    junit = os.path.join(tmp, "junit.xml")
    run = Run([irqlab, "--cpus", "64", "--serial", "none", "--junit", junit, image])
    if not signal_after(run, "  # Subtest: smp"):
        run.finish()
        return None
    status, out = run.finish()
    expect(status == 143, f"exit status {status}, expected 143")
    check_ktap(out, "SIGTERM")
    check_junit(junit, 1)
    return out


def scenario_check(irqlab, image, tmp):
    run = Run([irqlab, "check", image])
    time.sleep(0.3)
    if run.proc.poll() is not None:
        run.finish()
        return None
    run.proc.send_signal(signal.SIGTERM)
    status, out = run.finish()
    expect(status == 143, f"exit status {status}, expected 143")
    check_ktap(out, "SIGTERM")
    return out


def main():
    name, irqlab, image = sys.argv[1:4]
    if name == "second" and "TSAN_OPTIONS" in os.environ:
        # ThreadSanitizer defers an asynchronous signal's handler while the thread is inside an
        # intercepted blocking call (here open() of the FIFO): the premise does not hold there.
        print("SKIP: under ThreadSanitizer signal handlers wait for open() to return")
        return 77
    if not kvm_usable():
        print("SKIP: /dev/kvm is not usable here")
        return 77
    with tempfile.TemporaryDirectory(prefix="irqlab-int-") as tmp:
        out = globals()["scenario_" + name](irqlab, image, tmp)
    if out is None:
        print("SKIP: the run finished before the signal could be sent")
        return 77
    if problems:
        print(f"--- stdout ---\n{out}--- problems ---\n" + "\n".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
