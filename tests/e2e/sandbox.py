#!/usr/bin/env python3
"""sandbox.py IRQLAB HANG_GUEST PV_GUEST: the run's sandbox (docs/security.md), as TAP.

While a guest that hangs runs (--timeout 5), /proc/PID/status of the launcher shows the seccomp
filter (Seccomp: 2), no_new_privs and no capabilities; with --no-sandbox none of them. A system
call the filter forbids (--test-forbidden-syscall, test-only) kills the process with one line on
stderr and exit status 3.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from irqlab_test import execute, kvm_usable  # noqa: E402

n = 0


def ok(cond, what):
    global n
    n += 1
    print(f"{'ok' if cond else 'not ok'} {n} - {what}")
    return cond


def status_while_running(irqlab, guest, extra):
    """The launcher's /proc status fields once the guest runs (the filter comes before it)."""
    proc = subprocess.Popen([irqlab, "--timeout", "5", *extra, guest], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    fields = {}
    try:
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            with open(f"/proc/{proc.pid}/status") as f:
                fields = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
            if fields.get("Seccomp") == "2" or (extra and time.monotonic() > deadline - 2):
                break
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
    return fields


def main():
    irqlab, hang, pv_ok = sys.argv[1:4]
    if not kvm_usable():
        print("1..0 # SKIP /dev/kvm is not usable here")
        return 0
    print("1..7")
    st = status_while_running(irqlab, hang, [])
    ok(st.get("Seccomp") == "2", f"running launcher: Seccomp 2 (filter mode), got {st.get('Seccomp')!r}")
    ok(st.get("NoNewPrivs") == "1", f"running launcher: NoNewPrivs 1, got {st.get('NoNewPrivs')!r}")
    ok(st.get("CapEff") == "0000000000000000", f"running launcher: no effective capability, got {st.get('CapEff')!r}")
    st = status_while_running(irqlab, hang, ["--no-sandbox"])
    ok(st.get("Seccomp") == "0", f"--no-sandbox: Seccomp 0, got {st.get('Seccomp')!r}")
    status, out, err = execute([irqlab, "--test-forbidden-syscall", pv_ok], 30)
    ok(status == 3, f"forbidden system call: exit status 3, got {status}")
    ok(err == "irqlab: seccomp: forbidden system call 41\n", f"forbidden system call: one line, got {err!r}")
    status, out, err = execute([irqlab, "--no-sandbox", "--test-forbidden-syscall", pv_ok], 30)
    ok(status == 0 and "ok 1 demo" in out, f"--no-sandbox: the same call is allowed, status {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
