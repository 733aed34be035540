#!/usr/bin/env python3
"""Validate KTAP version 1 as irqlab prints it (Documentation/dev-tools/ktap.rst).

Usage: ktap_check.py [FILE]   (stdin without FILE). Prints one line per problem; exit 1 if any.

Checked: the version line comes first; every (sub)test block has one plan `1..N`, before its
results; results `ok N name [# DIRECTIVE reason]` are numbered 1, 2, ... and there are N of them;
a nested block is indented by exactly two more spaces, starts with its own version line and is
followed by its result line at the parent's level (named as its `# Subtest:` line says);
diagnostics `# ...` only at the level of the block they are in; no blank or unknown lines; no
character other than newline that Unicode-aware readers take for a line break (NEL, LS, PS, ...).
"""
import re
import sys

VERSION = "KTAP version 1"
PLAN = re.compile(r"1\.\.(\d+)$")
RESULT = re.compile(r"(not )?ok ([1-9]\d*)(?: ([^#]*?))?(?: # (\S+)(?: (.*))?)?$")
DIRECTIVES = {"SKIP", "TODO", "XFAIL", "ERROR", "TIMEOUT"}


class Checker:
    def __init__(self, text):
        self.lines = text.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.i = 0
        self.errors = []

    def err(self, msg, line=None):
        n = self.i + 1 if line is None else line
        self.errors.append(f"line {n}: {msg}: {self.lines[n - 1]!r}" if n <= len(self.lines) else msg)

    def result(self, body, expect_no, subtest):
        m = RESULT.match(body)
        if not m:
            return False
        no, name, directive = int(m.group(2)), (m.group(3) or "").strip(), m.group(4)
        if no != expect_no:
            self.err(f"result number {no}, expected {expect_no}")
        if directive is not None and directive not in DIRECTIVES:
            self.err(f"unknown directive '{directive}'")
        if subtest is not None and name != subtest:
            self.err(f"result of subtest '{subtest}' is named '{name}'")
        return True

    def block(self, indent):
        """Check the block whose version line is at self.i; returns its `# Subtest:` name."""
        self.i += 1
        planned, count, subtest = None, 0, None
        while self.i < len(self.lines):
            line = self.lines[self.i]
            depth = len(line) - len(line.lstrip(" "))
            body = line[depth:]
            if depth < indent:
                break
            if not body:
                self.err("empty line")
            elif depth > indent:
                if depth == indent + 2 and body == VERSION:
                    if planned is None:
                        self.err("subtest before the plan")
                    name = self.block(indent + 2)
                    self.after_subtest(indent, count + 1, name)
                    count += 1
                    continue
                self.err(f"indented {depth} spaces inside a block at {indent}")
            elif body.startswith("# Subtest: "):
                subtest = body[len("# Subtest: "):]
            elif body.startswith("#"):
                pass
            elif PLAN.match(body):
                if planned is not None or count:
                    self.err("plan repeated or after results")
                planned = int(PLAN.match(body).group(1))
            elif self.result(body, count + 1, None):
                if planned is None:
                    self.err("result before the plan")
                count += 1
            else:
                self.err("not a KTAP line")
            self.i += 1
        if planned is None:
            self.errors.append(f"block at indent {indent} ending at line {self.i}: no plan")
        elif count != planned:
            self.errors.append(f"block at indent {indent} ending at line {self.i}: plan 1..{planned}, "
                               f"{count} results")
        return subtest

    def after_subtest(self, indent, expect_no, name):
        line = self.lines[self.i] if self.i < len(self.lines) else ""
        depth = len(line) - len(line.lstrip(" "))
        if depth != indent or not self.result(line[depth:], expect_no, name):
            self.errors.append(f"line {self.i + 1}: subtest '{name}' not followed by its result line")
            return
        self.i += 1

    def run(self):
        if not self.lines or self.lines[0] != VERSION:
            self.errors.append(f"line 1: expected '{VERSION}', got {self.lines[0] if self.lines else 'nothing'!r}")
            return self.errors
        self.block(0)
        if self.i < len(self.lines):
            self.err("text after the top-level block")
        return self.errors


# Characters that end a line for Unicode-aware readers (Python's str.splitlines among them).
LINE_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def check(text):
    """The list of problems in `text` (empty when it is valid KTAP)."""
    breaks = [f"line {n}: line break U+{ord(c):04X} inside a line: {line!r}"
              for n, line in enumerate(text.split("\n"), 1) for c in line if c in LINE_BREAKS]
    return breaks + Checker(text).run()


def main():
    text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
    errors = check(text)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
