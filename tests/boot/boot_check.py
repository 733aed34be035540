#!/usr/bin/env python3
"""boot_check.py --irqlab IRQLAB --kernel KERNEL [--qemu] CASE: one end-to-end case of the
multiboot test kernel (tests/boot/mbkernel), printed as TAP for meson.

Without --qemu the case runs under `irqlab boot` twice, once per --exit-status mode, and checks
both statuses, the kernel's own TAP lines (which checks fail, if any) and stderr.
With --qemu it runs the same kernel under `qemu-system-x86_64 -accel tcg` (--accel kvm: QEMU with
KVM and SeaBIOS) and under irqlab with --exit-status qemu, and checks both give the same status
and the same TAP verdicts.
Skips (1..0 # SKIP) when /dev/kvm is unusable or, with --qemu, when QEMU is missing.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from irqlab_test import Tap, execute, kvm_usable, tap_results  # noqa: E402

MEM_MB = 128
QEMU_ARGS = ["-device", "isa-debug-exit,iobase=0xf4,iosize=4",
             "-serial", "stdio", "-display", "none", "-no-reboot", "-nodefaults"]


def env(cpus, mem=MEM_MB):
    return f"EXPECT_CPUS={cpus}\nEXPECT_MEM_MB={mem}\n"


def case(status, cpus=1, append="", module=None, fail=(), opts=(), stderr=None, verb="boot",
         unfinished=0, qemu_timeout=None):
    """status: (irqlab mode, qemu mode); fail: kernel checks expected to fail (by name);
    unfinished: TAP lines the kernel never prints (it ends first); qemu_timeout: QEMU never
    ends by itself, it is killed after that many seconds and counts as status 124, as under
    timeout(1)."""
    return dict(status=status, cpus=cpus, append=append, module=module, fail=set(fail),
                opts=list(opts), stderr=stderr, verb=verb, unfinished=unfinished,
                qemu_timeout=qemu_timeout)


LONG = "x" * (4095 - len("mbkernel.elf argc=3 "))  # the whole command line: 4095 bytes
CASES = {
    "cpus1": case((0, 1), 1, "argc=2", env(1)),
    "cpus2": case((0, 1), 2, "argc=2", env(2)),
    "cpus4": case((0, 1), 4, "argc=2", env(4)),
    "cpus8": case((0, 1), 8, "argc=2", env(8)),
    "argv": case((0, 1), 2, "argc=6 one  two three   exit=0", env(2)),
    "fifo": case((0, 1), 4, "argc=3 fifo", env(4)),
    "argc_wrong": case((1, 3), 1, "argc=3 one two three", fail=["argc"]),
    "cmdline_4095": case((0, 1), 1, "argc=3 " + LONG),
    "cmdline_4096": case((2, 2), 1, "argc=3 " + LONG + "x", stderr=r"command line longer than 4095 bytes"),
    "no_module": case((0, 1), 2),
    "env_crlf": case((0, 1), 2, module="EXPECT_CPUS=2\r\n\r\nEXPECT_MEM_MB=128\r\n"),
    "env_mismatch": case((1, 3), 4, module=env(3), fail=["env"]),
    "env_unknown": case((1, 3), 1, module="EXPECT_CPUZ=1\n", fail=["env"]),
    "env_not_kv": case((1, 3), 1, module="EXPECT_CPUS=1\njunk\n", fail=["module"]),
    "mem256": case((0, 1), 2, module=env(2, 256), opts=["--mem", "256M"]),
    "run_verb": case((0, 1), 2, "argc=2", env(2), verb="run"),
    "aout": case((0, 1), 4, "argc=2", env(4)),  # meson runs it with the a.out-kludge kernel
    "vendor_intel": case((0, 1), 1, "argc=3 vendor=GenuineIntel", opts=["--cpu-vendor", "intel"]),
    "vendor_amd": case((0, 1), 1, "argc=3 vendor=AuthenticAMD", opts=["--cpu-vendor", "amd"]),
    "exit0": case((0, 1), 1, "exit=0"),
    "exit1": case((1, 3), 1, "exit=1"),
    "exit38": case((77, 77), 1, "exit=38"),
    "exit5": case((1, 11), 1, "exit=5"),
    "exit38_failing": case((1, 3), 1, "exit=38 argc=9", fail=["argc"]),
    "shutdown": case((0, 0), 2, "shutdown"),
    "shutdown_failing": case((0, 0), 1, "shutdown argc=9", fail=["argc"]),
    "crash": case((3, 0), 2, "crash", stderr=r"^irqlab: triple fault \(KVM_EXIT_SHUTDOWN\) on cpu 0"),
    "hang": case((3, 124), 2, "hang", opts=["--timeout", "1"], stderr=r"^irqlab: no result within 1 s"),
    "s3": case((0, 1), 1, "s3"),
    "s3_cpus4": case((1, 11), 4, "s3 exit=5"),  # exit=5 survives the wake (the record)
    "s3_nowake": case((3, 124), 2, "s3 nowake", unfinished=1, qemu_timeout=8,
                      stderr=r"^irqlab: suspended to S3 with no wake event enabled$"),
    "s3_timeout": case((3, 124), 1, "s3 far", opts=["--timeout", "4"], unfinished=1,
                       stderr=r"^irqlab: no result within 4 s"),  # asleep, the alarm 30 s away
}


def run(cmd, timeout=60):
    return execute(cmd, timeout)


def verdicts(out):
    """The kernel's TAP as (plan, [(number, ok, name)]), ignoring diagnostics."""
    plan = re.search(r"^1\.\.(\d+)$", out, re.M)
    return (int(plan[1]) if plan else None), tap_results(out)


def check_kernel_tap(tap, out, c, label):
    plan, results = verdicts(out)
    numbered = [n for n, _, _ in results] == list(range(1, len(results) + 1))
    failed = {name for _, good, name in results if not good}
    want = plan - c["unfinished"] if plan is not None else None
    tap.ok(plan is not None and want == len(results) and numbered,
           f"{label}: kernel TAP has {want} of plan {plan}", out)
    tap.ok(failed == c["fail"], f"{label}: failing checks {sorted(c['fail']) or 'none'}", out)


def irqlab_cmd(a, c, tmp, qemu_status):
    cmd = [a.irqlab, c["verb"], "--cpus", str(c["cpus"])] + c["opts"]
    if c["append"]:
        cmd += ["--append", c["append"]]
    if c["module"] is not None:
        cmd += ["--initrd", os.path.join(tmp, "env.txt")]
    return cmd + ["--exit-status", "qemu" if qemu_status else "irqlab", a.kernel]


def qemu_cmd(qemu, a, c, tmp):
    mem = c["opts"][c["opts"].index("--mem") + 1] if "--mem" in c["opts"] else f"{MEM_MB}M"
    cmd = [qemu, "-kernel", a.kernel, "-smp", str(c["cpus"]), "-m", mem, "-accel", a.accel] + QEMU_ARGS
    if c["append"]:
        cmd += ["-append", c["append"]]
    if c["module"] is not None:
        cmd += ["-initrd", os.path.join(tmp, "env.txt")]
    return cmd


def check_irqlab(tap, a, c, tmp):
    for qemu_status, want in ((False, c["status"][0]), (True, c["status"][1])):
        label = "--exit-status " + ("qemu" if qemu_status else "irqlab")
        status, out, err = run(irqlab_cmd(a, c, tmp, qemu_status))
        tap.ok(status == want, f"{label}: status {want}", f"status {status}\nstderr: {err}")
        if want == 2:
            tap.ok(out == "", f"{label}: nothing on stdout", out)
        else:
            check_kernel_tap(tap, out, c, label)
        if c["stderr"]:
            tap.ok(re.search(c["stderr"], err, re.M) is not None, f"{label}: stderr /{c['stderr']}/", err)


def check_qemu(tap, a, c, tmp, qemu):
    q_status, q_out, q_err = run(qemu_cmd(qemu, a, c, tmp), c["qemu_timeout"] or 60)
    if q_status is None and c["qemu_timeout"]:
        q_status = 124                      # what timeout(1) around QEMU gives
    i_status, i_out, i_err = run(irqlab_cmd(a, c, tmp, True))
    tap.ok(q_status == c["status"][1], f"qemu: status {c['status'][1]}", f"status {q_status}\n{q_err}")
    tap.ok(i_status == q_status, f"irqlab --exit-status qemu: the same status ({q_status})",
           f"irqlab {i_status}, qemu {q_status}\n{i_err}")
    check_kernel_tap(tap, q_out, c, "qemu")
    tap.ok(verdicts(i_out) == verdicts(q_out), "the same TAP verdicts under irqlab and qemu",
           f"irqlab:\n{i_out}\nqemu:\n{q_out}")



def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--irqlab", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--qemu", action="store_true", help="compare with qemu-system-x86_64 -accel tcg")
    p.add_argument("--accel", choices=["tcg", "kvm"], default="tcg", help="QEMU's accelerator")
    p.add_argument("case", choices=sorted(CASES))
    a = p.parse_args()
    c = CASES[a.case]
    qemu = shutil.which("qemu-system-x86_64")
    if not kvm_usable():
        print("1..0 # SKIP /dev/kvm is not usable")
        return 0
    if a.qemu and not qemu:
        print("1..0 # SKIP qemu-system-x86_64 not found")
        return 0
    tap = Tap()
    with tempfile.TemporaryDirectory() as tmp:
        if c["module"] is not None:
            with open(os.path.join(tmp, "env.txt"), "w", newline="") as f:
                f.write(c["module"])
        (check_qemu(tap, a, c, tmp, qemu) if a.qemu else check_irqlab(tap, a, c, tmp))
    print(f"1..{tap.n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
