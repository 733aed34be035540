#!/usr/bin/env python3
"""Every guest C file is in compile_commands.json with the guest flags (for clangd).

Usage: compdb_check.py SOURCE_ROOT COMPDB
Walks guest/ and tests/boot/mbkernel/ for .c files (so a file left out of the build is caught
too) and wants for each an entry compiled freestanding, general registers only, for a bare
target (toolchain/meson.build: guest_cflags); kernel files also with the kernel code model,
UEFI loader files with PIC, multiboot kernel files for i386.
"""
import json
import os
import sys

COMMON = ["-ffreestanding", "-fno-builtin", "-nostdlib", "-mgeneral-regs-only", "-fno-stack-protector"]


def want(rel):
    """Flags an entry for this file must carry besides COMMON: any one entry is enough."""
    if rel.startswith("tests/boot/mbkernel/"):
        return [["--target=i386-unknown-none-elf"]]
    if rel.startswith("guest/efi/"):
        return [["--target=x86_64-unknown-none-elf", "-fpic"]]
    return [["--target=x86_64-unknown-none-elf", "-mcmodel=kernel", "-mno-red-zone"]]


def main(root, compdb):
    root = os.path.abspath(root)
    with open(compdb, encoding="utf-8") as f:
        entries = json.load(f)
    by_file = {}
    for e in entries:
        path = os.path.normpath(os.path.join(e["directory"], e["file"]))
        args = e.get("arguments") or e.get("command", "").split()
        by_file.setdefault(path, []).append(args)
    missing = []
    total = 0
    for top in ("guest", "tests/boot/mbkernel"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(n for n in names if n.endswith(".c")):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                total += 1
                ok = any(all(f in args for f in COMMON + extra)
                         for args in by_file.get(path, []) for extra in want(rel))
                if not ok:
                    have = by_file.get(path)
                    missing.append(f"{rel}: " + ("no entry" if not have else
                                                 "no entry with the guest flags: " + " ".join(have[0])))
    for m in missing:
        print(m)
    print(f"{total - len(missing)} of {total} guest C files in {compdb} with the guest flags")
    return 1 if missing or not total else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[2])
    sys.exit(main(sys.argv[1], sys.argv[2]))
