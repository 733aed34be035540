#!/usr/bin/env python3
"""progress.py IRQLAB IMAGE: the progress line ("\\r" + erase, then "irqlab: ... s") appears on
stderr when stderr is a terminal (a pty here) or with --progress, and never when stderr is a pipe
without --progress, or with --quiet. Exit 0/1, or 77 without /dev/kvm."""
import os
import pty
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import SKIP, kvm_usable  # noqa: E402

MARK = b"\r\x1b[Kirqlab: "


def run_pty(cmd):
    """stderr on a pty, stdout on a pipe: what a person running `irqlab > out.ktap` sees."""
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:       # EIO: the child closed the pty
            break
        if not chunk:
            break
        err += chunk
    p.wait(timeout=120)
    os.close(master)
    return p.returncode, err


def run_pipe(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stderr


def main(irqlab, image):
    if not kvm_usable():
        print("SKIP: /dev/kvm is not usable here")
        return SKIP
    base = [irqlab, "--test", "apic", "--serial", "none", image]
    cases = [("pty", run_pty, [], True), ("pipe --progress", run_pipe, ["--progress"], True),
             ("pipe", run_pipe, [], False), ("pty --quiet", run_pty, ["--quiet"], False)]
    failed = 0
    for name, runner, extra, want in cases:
        status, err = runner(base[:1] + extra + base[1:])
        has = MARK in err
        ok = status in (0, 1) and has == want and (not has or err.rstrip(b"\r\n").endswith(b"\r\x1b[K"))
        print(f"{'ok' if ok else 'FAIL'}: {name}: status {status}, progress line {'seen' if has else 'absent'}"
              f"{'' if ok else ' ' + repr(err[-300:])}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
