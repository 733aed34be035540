#!/usr/bin/env python3
"""Merge the guest images' compilations into meson's compile_commands.json.

Usage: guest_compdb.py COMPDB STAMP DEPFILE CLANG BUILD_DIR (--flags FLAG... --sources SOURCE...)...
Each group is one image's generator call (toolchain/meson.build: guest_compdb): the flags it
adds and the sources it compiles. Earlier guest entries (same file and flags) are replaced, so
running twice changes nothing; the file is rewritten only when its content changes, then STAMP
is written (after COMPDB) with DEPFILE naming COMPDB, so ninja runs the merge again when meson
rewrites the file and not otherwise.
"""
import json
import os
import sys


def groups(args):
    """[(flags, sources)] from the --flags/--sources argument groups."""
    out, mode = [], None
    for a in args:
        if a == "--flags":
            out.append(([], []))
            mode = 0
        elif a == "--sources" and out:
            mode = 1
        elif mode is None:
            sys.exit(f"guest_compdb.py: '{a}' before --flags")
        else:
            out[-1][mode].append(a)
    return out


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__.splitlines()[2])
    compdb, stamp, depfile, clang, build = argv[:5]
    build = os.path.abspath(build)
    new = []
    for flags, sources in groups(argv[5:]):
        for src in sources:
            path = os.path.normpath(os.path.join(build, src))
            obj = os.path.join("guest-compdb", os.path.basename(src) + ".o")  # clangd ignores it
            new.append({"directory": build, "file": path,
                        "arguments": [clang] + flags + ["-c", path, "-o", obj], "output": obj})
    files = {e["file"] for e in new}
    try:
        with open(compdb, encoding="utf-8") as f:
            old = json.load(f)
    except (OSError, ValueError):
        old = []
    # meson's own entries stay; a guest file's entries are all ours (it is not a meson target)
    keep = [e for e in old if os.path.normpath(os.path.join(e.get("directory", build), e["file"]))
            not in files]
    merged = keep + new
    if merged != old:
        tmp = compdb + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(merged, f, indent=2)
            f.write("\n")
        os.replace(tmp, compdb)
    with open(depfile, "w", encoding="utf-8") as f:
        f.write(f"{stamp}: {compdb.replace(' ', chr(92) + ' ')}\n")
    with open(stamp, "w", encoding="utf-8") as f:
        f.write(f"{len(new)} guest entries\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
