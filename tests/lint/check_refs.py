#!/usr/bin/env python3
"""The repository stands alone: every repository path that code or docs name exists, and
nothing cites a file outside the repository or an issue number.

Usage: check_refs.py SOURCE_ROOT   (TAP on stdout; exit 0 clean, 1 findings)

A reference is a path that starts with one of the top-level folders (docs/host/guest/...) and ends
in a known extension, e.g. `docs/protocol.md` or `host/protocol/session.c`; it must name a file of the
source tree, or a file the build generates (GENERATED below). Citations of the developers' notes
outside the repository (`design.md`, `platform.md`, `shared/...`) and issue numbers are refused:
a reader of the repository cannot follow them.
"""
import os
import re
import subprocess
import sys

TOP = r"(?:docs|host|guest|boot|include|tests|ci|bench|linker|platforms|fuzz|man)"
EXT = r"(?:md|c|h|asm|py|sh|build|expect|ld|lds|inc|json|yaml|yml|scd|txt)"
REF = re.compile(r"(?<![\w./-])(" + TOP + r"/[\w./-]*?\." + EXT + r")(?![\w-])")
OUTSIDE = re.compile(r"(?<![\w-])(?:design\.md|platform\.md|shared/(?:platform|design|tools|hooks))")
ISSUE = re.compile(r"\b[Ii]ssues? #?\d+\b")
# Files the build writes, named in code or docs on purpose.
GENERATED = set()
# Placeholders in prose (a pattern, not a file).
# Projects whose own trees a line may cite by path.
EXTERNAL = ("QEMU", "Linux", "kvm-unit-tests", "gnu-efi", "Firecracker", "kvmtool")
PLACEHOLDER = re.compile(r"[A-Z]{3,}\.")
SCANNED = re.compile(r"\.(c|h|asm|inc|py|sh|md|build|expect|ld|lds|yaml|yml|scd)$|(^|/)meson\.build$")


def tracked_files(root):
    out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True)
    if out.returncode != 0:  # not a checkout (an unpacked tarball): walk the tree
        return [os.path.relpath(os.path.join(d, f), root)
                for d, _, files in os.walk(root) for f in files if "/." not in d]
    return out.stdout.split()


def exists(root, path, ref):
    """`ref` from the root, or from the citing file's folder or one above it (guest/meson.build
    may say tests/suites.c for guest/tests/suites.c)."""
    d = os.path.dirname(path)
    while True:
        if os.path.exists(os.path.join(root, d, ref)):
            return True
        if not d:
            return False
        d = os.path.dirname(d)


def external(line, ref):
    """A path in another project's tree, named with that project: "QEMU's docs/specs/..."."""
    before = line[:line.find(ref)]
    return any(name in before for name in EXTERNAL)


def findings_in(root, path):
    try:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return []
    found = []
    for no, line in enumerate(lines, 1):
        for ref in REF.findall(line):
            ref = ref.rstrip(".")
            if ref in GENERATED or PLACEHOLDER.search(ref):
                continue
            if external(line, ref) or exists(root, path, ref):
                continue
            found.append(f"{path}:{no}: names {ref}, which is not in the repository")
        if OUTSIDE.search(line):
            found.append(f"{path}:{no}: cites a file outside the repository: {line.strip()[:100]}")
        if ISSUE.search(line):
            found.append(f"{path}:{no}: cites an issue number: {line.strip()[:100]}")
    return found


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = argv[1]
    here = os.path.relpath(os.path.dirname(os.path.abspath(__file__)), os.path.abspath(root))
    me = {os.path.join(here, f) for f in ("check_refs.py", "test_check_refs.py")}  # bad on purpose
    files = [p for p in tracked_files(root) if SCANNED.search(p) and p not in me]
    found = [f for p in sorted(files) for f in findings_in(root, p)]
    print("TAP version 13\n1..1")
    for f in found:
        print("# " + f)
    print(("not ok" if found else "ok") + f" 1 references in {len(files)} files")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
