#!/usr/bin/env python3
"""Find instructions in guest images that the KVM on our machines cannot run at CPL0.

Usage: guest_insn_lint.py --allow FILE IMAGE...
Disassembles each image (ELF64 or ELF32) with objdump and reports `image: function+0xoffset:
instruction` for every instruction the instruction emulator here rejects (vector and x87
arithmetic, popcnt/lzcnt/tzcnt, crc32, BMI, cmpxchg16b, rdtscp, xgetbv, monitor/mwait, invpcid,
movbe, rdpid, int3/int n, vmcall/vmmcall). The allow-list FILE (tests/lint/allow.txt) names the
only functions that may hold one, per image pattern, each with its reason; an entry that
applies to a linted image but excuses nothing is reported as stale. int3 padding after an
unconditional transfer never runs and is not reported.
Exit status: 0 clean, 1 findings or stale entries, 2 usage, allow-list or objdump error.
"""
import fnmatch
import os
import re
import subprocess
import sys

REJECTED = re.compile(
    r"^(popcnt|lzcnt|tzcnt|crc32[bwlq]?|andn|bextr|blsi|blsr|blsmsk|bzhi|mulx|pdep|pext|rorx|"
    r"sarx|shlx|shrx|cmpxchg16b|rdtscp|xgetbv|monitor|mwait|invpcid|movbe|rdpid|int3|int|into|"
    r"vmcall|vmmcall|f(?!xsave|xrstor|nstsw|nstcw|ninit|wait)[a-z0-9]+)$")
VECTOR_OPERAND = re.compile(r"%[xyz]mm\d+|%mm\d|%st(\(\d\))?\b")
PREFIXES = ("lock", "rep", "repz", "repnz", "repe", "repne", "data16", "addr32", "notrack", "bnd", "cs", "ds")
FLOW_END = ("ret", "retq", "retl", "jmp", "jmpq", "jmpl", "ud2", "hlt", "iretq", "iretl", "int3")


def usage_error(msg):
    print(f"guest_insn_lint: {msg}", file=sys.stderr)
    sys.exit(2)


def mnemonic(text):
    """The instruction's mnemonic with prefixes removed, and its operands."""
    words = text.split()
    while words and words[0] in PREFIXES:
        words = words[1:]
    return (words[0], " ".join(words[1:])) if words else ("", "")


def read_allow(path):
    """[(image pattern, function, reason, line number)]; a malformed line is a usage error."""
    entries = []
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        usage_error(f"{path}: {e.strerror}")
    seen = set()
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) < 3:
            usage_error(f"{path}:{n}: want 'IMAGE FUNCTION REASON', got '{line}'")
        if (parts[0], parts[1]) in seen:
            usage_error(f"{path}:{n}: {parts[1]} listed twice for {parts[0]}")
        seen.add((parts[0], parts[1]))
        entries.append((parts[0], parts[1], parts[2], n))
    return entries


def disassemble(path):
    cmd = ["objdump", "-d", "--no-show-raw-insn", "-M", "att", path]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        usage_error(f"{path}: objdump failed: {e}")


def lint(path, allowed, used):
    """Findings in one image; `allowed` is the set of functions excused in it, `used` collects
    the ones that excused something."""
    findings, func, prev = [], "?", ""
    for line in disassemble(path).splitlines():
        m = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if m:
            func, prev = m.group(1), ""
            continue
        m = re.match(r"^\s*([0-9a-f]+):\s+(.*)$", line)
        if not m:
            continue
        op, args = mnemonic(m.group(2))
        padding = op == "int3" and prev in FLOW_END
        bad = REJECTED.match(op) or VECTOR_OPERAND.search(args)
        if bad and not padding:
            if func in allowed:
                used.add(func)
            else:
                findings.append(f"{path}: {func}+0x{m.group(1)}: {m.group(2).strip()}")
        prev = op
    return findings


def main(argv):
    allow_path, paths = None, []
    it = iter(argv)
    for a in it:
        if a == "--allow":
            allow_path = next(it, None)
        elif a.startswith("--"):
            usage_error(f"unknown option {a}")
        else:
            paths.append(a)
    if not paths or not allow_path:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    entries = read_allow(allow_path)
    findings, stale = [], []
    for p in paths:
        mine = [e for e in entries if fnmatch.fnmatch(os.path.basename(p), e[0])]
        used = set()
        findings += lint(p, {e[1] for e in mine}, used)
        stale += [f"{allow_path}:{e[3]}: {e[1]} is listed for {e[0]} but {p} has no rejected "
                  f"instruction in it (remove the entry)" for e in mine if e[1] not in used]
    for line in findings + stale:
        print(line)
    if not findings and not stale:
        print(f"clean: {' '.join(paths)}")
    return 1 if findings or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
