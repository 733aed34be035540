#!/usr/bin/env python3
"""check_refs.py must fail on each kind of bad reference (TAP).

Usage: test_check_refs.py CHECK_REFS"""
import os
import subprocess
import sys
import tempfile

CASES = {
    "dangling path": ("docs/a.md", "See docs/nope.md for more.\n"),
    "outside citation": ("host/x.c", "/* as platform.md says */\n"),
    "issue number": ("guest/y.c", "/* done for issue 12 */\n"),
    "dangling relative to the file": ("guest/meson.build", "# tests/missing.c\n"),
}


def run(check, files):
    with tempfile.TemporaryDirectory() as root:
        for path, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as f:
                f.write(text)
        return subprocess.run([sys.executable, check, root], capture_output=True, text=True)


def main(check):
    print(f"1..{len(CASES) + 1}")
    good = run(check, {"docs/a.md": "See docs/b.md and QEMU's docs/specs/fw_cfg.rst.\n",
                       "docs/b.md": "platforms.md is a file of ours.\n"})
    n, failed = 1, good.returncode != 0
    print(("not ok" if failed else "ok") + " 1 a clean tree passes")
    for name, (path, text) in CASES.items():
        n += 1
        r = run(check, {path: text})
        bad = r.returncode != 1 or path not in r.stdout
        failed |= bad
        print(("not ok" if bad else "ok") + f" {n} {name} is reported")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
