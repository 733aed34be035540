#!/usr/bin/env python3
"""Find instructions in a guest image that the KVM on our machines cannot run at CPL0.

Usage: guest_insn_lint.py [--allow-prefix PREFIX]... IMAGE...
Disassembles with objdump and reports `image: function+0xoffset: instruction` for every
instruction shared/platform.md lists as rejected by the instruction emulator here (vector and
x87 arithmetic, popcnt/lzcnt/tzcnt, crc32, BMI, cmpxchg16b, rdtscp, xgetbv, monitor/mwait,
invpcid, movbe, rdpid, int3/int n, vmcall/vmmcall). Functions whose name starts with an
allowed prefix are skipped: the `check` suite (check_*) uses them on purpose, each in a VM of
its own. int3 padding after an unconditional transfer never runs and is not reported.
Exit status: 0 clean, 1 findings, 2 usage or objdump error.
"""
import re
import subprocess
import sys

REJECTED = re.compile(
    r"^(popcnt|lzcnt|tzcnt|crc32[bwlq]?|andn|bextr|blsi|blsr|blsmsk|bzhi|mulx|pdep|pext|rorx|"
    r"sarx|shlx|shrx|cmpxchg16b|rdtscp|xgetbv|monitor|mwait|invpcid|movbe|rdpid|int3|int|into|"
    r"vmcall|vmmcall|f(?!xsave|xrstor|nstsw|nstcw|ninit|wait)[a-z0-9]+)$")
VECTOR_OPERAND = re.compile(r"%[xyz]mm\d+|%mm\d|%st(\(\d\))?\b")
PREFIXES = ("lock", "rep", "repz", "repnz", "repe", "repne", "data16", "addr32", "notrack", "bnd", "cs", "ds")
FLOW_END = ("ret", "retq", "jmp", "jmpq", "ud2", "hlt", "iretq", "int3")


def mnemonic(text):
    """The instruction's mnemonic with prefixes removed, and its operands."""
    words = text.split()
    while words and words[0] in PREFIXES:
        words = words[1:]
    return (words[0], " ".join(words[1:])) if words else ("", "")


def lint(path, allow):
    cmd = ["objdump", "-d", "--no-show-raw-insn", "-M", "att", path]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"guest_insn_lint: {path}: objdump failed: {e}")
    findings, func, prev = [], "?", ""
    for line in out.splitlines():
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
        if bad and not padding and not func.startswith(allow):
            findings.append(f"{path}: {func}+0x{m.group(1)}: {m.group(2).strip()}")
        prev = op
    return findings


def main(argv):
    allow, paths = [], []
    it = iter(argv)
    for a in it:
        if a == "--allow-prefix":
            allow.append(next(it, ""))
        else:
            paths.append(a)
    if not paths:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    findings = [f for p in paths for f in lint(p, tuple(allow) or ("\0",))]
    print("\n".join(findings) if findings else f"clean: {' '.join(paths)}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
