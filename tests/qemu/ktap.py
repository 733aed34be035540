# SPDX-License-Identifier: MIT
"""KTAP reading and expectations for the QEMU harness and the differential report (stdlib only).

parse_ktap(text) reads the guest's KTAP (COM1 under QEMU/OVMF) or irqlab's (its stdout): the
first top-level "KTAP version 1" starts it (firmware chatter before it is ignored), suites are
nested two spaces deep as docs/results.md says. Verdicts: pass fail skip xfail error timeout.

Expectations (docs/platforms.md): a text file of lines
    platform GLOB...                  following lines apply where a platform name matches a glob
    VERDICT SUITE.TEST-GLOB [smpCMP] REASON...
VERDICT is pass, fail, skip or xfail, or flaky (pass or fail both accepted: timing bounds on a
loaded host); smpCMP optionally restricts a line to a CPU count (smp<2, smp>=2, smp=1, ...).
The first line that applies wins; a test with no matching line is expected to pass.
"""
import fnmatch
import re
from dataclasses import dataclass, field

VERDICTS = ("pass", "fail", "skip", "xfail", "error", "timeout")
ANSI = re.compile(r"\x1b\[[0-9;=?]*[A-Za-z]")
RESULT = re.compile(r"^(not ok|ok) (\d+) (.*?)(?: # (SKIP|XFAIL|ERROR|TIMEOUT|TODO)\b ?(.*))?$")
PLAN = re.compile(r"^1\.\.(\d+)$")
SMP = re.compile(r"^smp(<=|>=|<|>|=)(\d+)$")


@dataclass
class Result:
    name: str                       # suite.test
    verdict: str
    reason: str = ""
    diag: list = field(default_factory=list)


@dataclass
class Report:
    results: dict = field(default_factory=dict)     # name -> Result, in run order
    suites: list = field(default_factory=list)      # (name, planned, seen, verdict)
    problems: list = field(default_factory=list)    # malformed or truncated KTAP
    diag: list = field(default_factory=list)        # top-level "# ..." lines
    started: bool = False

    def complete(self):
        return self.started and not self.problems


def _verdict(ok, directive):
    if directive in ("SKIP", "XFAIL", "ERROR", "TIMEOUT"):
        return directive.lower()
    return "pass" if ok == "ok" else "fail"


class _Parser:
    """Line by line: top-level lines, and the current suite's lines two spaces in."""

    def __init__(self):
        self.rep, self.plan, self.suite, self.pending = Report(), None, None, []

    def nested(self, line, body):
        suite, rep = self.suite, self.rep
        m = RESULT.match(body)
        if body == "KTAP version 1":
            self.suite, self.pending = [None, None, 0], []      # name, plan, results seen
        elif body.startswith("# Subtest: ") and suite is not None:
            suite[0] = body[len("# Subtest: "):]
        elif PLAN.match(body) and suite is not None:
            suite[1] = int(PLAN.match(body).group(1))
        elif body.startswith("#"):
            self.pending.append(body[1:].strip())
        elif m and suite is not None:
            ok, num, name, directive, reason = m.groups()
            suite[2] += 1
            if int(num) != suite[2]:
                rep.problems.append(f"suite {suite[0]}: test {num} reported as number {suite[2]}")
            full = f"{suite[0]}.{name}"
            rep.results[full] = Result(full, _verdict(ok, directive), reason or "", self.pending)
            self.pending = []
        else:
            rep.problems.append(f"unexpected line: {line!r}")

    def top(self, line):
        suite, rep = self.suite, self.rep
        m = RESULT.match(line)
        if PLAN.match(line) and self.plan is None:
            self.plan = int(PLAN.match(line).group(1))
        elif m:
            ok, num, name, directive, reason = m.groups()
            if suite is None and name == "boot":            # irqlab: a crash before HELLO
                rep.results["boot.boot"] = Result("boot.boot", _verdict(ok, directive), reason or "")
            elif suite is not None:
                if suite[0] != name:
                    rep.problems.append(f"suite result {name!r} closes suite {suite[0]!r}")
                if suite[1] is not None and suite[2] != suite[1]:
                    rep.problems.append(f"suite {suite[0]}: {suite[2]} of {suite[1]} results")
                rep.suites.append((name, suite[1], suite[2], _verdict(ok, directive)))
            self.suite = None
        elif line.startswith("#"):
            rep.diag.append(line[1:].strip())
            if suite is not None:
                self.pending.append(line[1:].strip())
        elif line:
            rep.problems.append(f"unexpected line: {line!r}")

    def finish(self):
        rep, suite = self.rep, self.suite
        if not rep.started:
            rep.problems.append("no 'KTAP version 1' line")
        elif self.plan is None:
            rep.problems.append("no top-level plan")
        elif suite is not None:
            rep.problems.append(f"suite {suite[0]} never finished ({suite[2]} of {suite[1]} results)")
        elif len(rep.suites) != self.plan and "boot.boot" not in rep.results:
            rep.problems.append(f"{len(rep.suites)} of {self.plan} suites reported")
        return rep


def parse_ktap(text):
    p = _Parser()
    for raw in text.splitlines():
        line = ANSI.sub("", raw).rstrip("\r\n ")
        if not p.rep.started:
            p.rep.started = line == "KTAP version 1"
        elif line.startswith("  "):
            p.nested(line, line[2:])
        else:
            p.top(line)
    return p.finish()


@dataclass
class Expectation:
    verdict: str
    glob: str
    reason: str
    where: str                      # file:line
    smp: tuple = None               # (op, n) or None

    def applies(self, name, smp):
        if not fnmatch.fnmatchcase(name, self.glob):
            return False
        if self.smp is None:
            return True
        op, n = self.smp
        return {"<": smp < n, "<=": smp <= n, ">": smp > n, ">=": smp >= n, "=": smp == n}[op]


def load_expectations(path, platform):
    """The expectations of `path` that apply to `platform`; raises ValueError on bad lines."""
    out, active = [], False
    with open(path) as f:
        for no, raw in enumerate(f, 1):
            words = raw.split("#", 1)[0].split()
            where = f"{path}:{no}"
            if not words:
                continue
            if words[0] == "platform":
                active = any(fnmatch.fnmatchcase(platform, g) for g in words[1:])
                continue
            if words[0] not in ("pass", "fail", "skip", "xfail", "flaky") or len(words) < 3:
                raise ValueError(f"{where}: expected 'platform GLOB...' or 'VERDICT TEST [smpCMP] REASON'")
            smp = SMP.match(words[2])
            reason = " ".join(words[3:] if smp else words[2:])
            if not reason:
                raise ValueError(f"{where}: {words[0]} {words[1]} needs a reason")
            if active:
                out.append(Expectation(words[0], words[1], reason, where,
                                       (smp.group(1), int(smp.group(2))) if smp else None))
    return out


def expected_verdict(expectations, name, smp):
    """(verdict, expectation or None): the first line that applies, else pass."""
    for e in expectations:
        if e.applies(name, smp):
            return e.verdict, e
    return "pass", None


def matches(verdict, want):
    return verdict == want or (want == "flaky" and verdict in ("pass", "fail"))


def compare(report, expectations, smp):
    """Lines describing every unexpected verdict and every expectation that matched nothing."""
    bad = []
    for name, r in report.results.items():
        want, e = expected_verdict(expectations, name, smp)
        if not matches(r.verdict, want):
            why = f" ({e.where}: {e.reason})" if e else ""
            got = f"{r.verdict}" + (f": {r.reason}" if r.reason else "")
            bad.append(f"{name}: expected {want}{why}, got {got}")
    for e in expectations if report.complete() else []:
        if not any(fnmatch.fnmatchcase(n, e.glob) for n in report.results):
            bad.append(f"{e.where}: '{e.verdict} {e.glob}' matches no test in this run (stale?)")
    return bad
