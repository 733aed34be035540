#!/usr/bin/env python3
"""irqlab-qemu against QEMU + KVM: one set of multiboot kernels, one driver, three binaries.

Usage: bench_qemu.py BUILDDIR [--runs N] [--cases LIST]
The driver builds the command line kvm-unit-tests' x86 launcher builds (pc-testdev, isa-debug-exit,
-serial stdio, -machine accel=kvm, -kernel ... -smp N -append ... [-initrd ENV]) and runs it with
qemu-system-x86_64 (its default firmware, SeaBIOS), with qemu-system-x86_64 -bios qboot.rom,
and with irqlab-qemu, interleaved. Every run must exit 1 (debug-exit 0) with all checks ok.
Prints per-kernel wall-time medians and the ratio of the totals.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

QBOOT = "/usr/share/qemu/qboot.rom"
RUNNER = ["--no-reboot", "-nodefaults", "-device", "pc-testdev", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4",
          "-vnc", "none", "-serial", "stdio", "-machine", "accel=kvm"]
# name, image, vCPUs, kernel arguments, env module
KERNELS = [
    ("smp1", "mbkernel.elf", 1, "exit=0", False),
    ("smp4+env", "mbkernel.elf", 4, "argc=2", True),
    ("aout smp2", "mbkernel-aout.elf", 2, "argc=2", False),
    ("testdev fifo", "mbkernel.elf", 2, "testdev fifo", False),
    ("work=20000", "mbkernel.elf", 1, "work=20000", False),
]
LABELS = {"seabios": "qemu -accel kvm (SeaBIOS)", "qboot": "qemu -accel kvm -bios qboot",
          "irqlab": "irqlab-qemu"}


def driver(binary, firmware, kdir, kernel, env):
    """The runner's command line for one kernel: only the binary (and its firmware) differ."""
    name, image, cpus, append, with_env = kernel
    cmd = [binary] + firmware + RUNNER + ["-kernel", os.path.join(kdir, image), "-smp", str(cpus),
                                         "-append", append]
    return cmd + (["-initrd", env] if with_env else [])


def run_once(label, cmd):
    t0 = time.perf_counter_ns()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = (time.perf_counter_ns() - t0) / 1e6
    plan = re.search(r"^1\.\.(\d+)$", p.stdout, re.M)
    oks = len(re.findall(r"^ok \d+ ", p.stdout, re.M))
    errors = [line for line in p.stderr.splitlines() if "warning" not in line.lower()]  # as run_qemu
    if p.returncode != 1 or not plan or oks != int(plan[1]) or errors:
        sys.exit(f"bench_qemu: {label}: status {p.returncode} (want 1), {oks} ok of "
                 f"{plan[1] if plan else '?'}\n{' '.join(cmd)}\n{p.stdout[-800:]}{p.stderr[-600:]}")
    return wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("builddir")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cases", default="seabios,qboot,irqlab")
    a = ap.parse_args()
    kdir = os.path.join(a.builddir, "tests", "boot", "mbkernel")
    qemu = shutil.which("qemu-system-x86_64")
    binaries = {"seabios": (qemu, []), "qboot": (qemu, ["-bios", QBOOT]),
                "irqlab": (os.path.join(a.builddir, "host", "irqlab-qemu"), [])}
    cases = [c for c in a.cases.split(",") if binaries[c][0] and (c != "qboot" or os.path.exists(QBOOT))]
    if "irqlab" not in cases:
        sys.exit("bench_qemu: irqlab-qemu is not among the cases")
    with tempfile.TemporaryDirectory() as tmp:
        env = os.path.join(tmp, "env.txt")
        with open(env, "w") as f:
            f.write("EXPECT_CPUS=4\nEXPECT_MEM_MB=128\n")
        walls = {(k[0], c): [] for k in KERNELS for c in cases}
        for _ in range(a.runs):                  # interleaved: machine noise hits every case alike
            for k in KERNELS:
                for c in cases:
                    walls[(k[0], c)].append(run_once(f"{k[0]} under {c}", driver(*binaries[c], kdir, k, env)))
    med = {key: statistics.median(v) for key, v in walls.items()}
    print(f"irqlab-qemu vs QEMU + KVM: {len(KERNELS)} multiboot kernels, the runner's command line, "
          f"{a.runs} runs each, interleaved, wall-time medians in ms\n")
    print(f"{'kernel':<16}" + "".join(f"{LABELS[c]:>28}" for c in cases))
    for k in KERNELS:
        print(f"{k[0]:<16}" + "".join(f"{med[(k[0], c)]:>28.1f}" for c in cases))
    total = {c: sum(med[(k[0], c)] for k in KERNELS) for c in cases}
    print(f"{'total':<16}" + "".join(f"{total[c]:>28.1f}" for c in cases))
    print(f"{'vs irqlab-qemu':<16}" + "".join(f"{total[c] / total['irqlab']:>27.1f}x" for c in cases))
    for c, goal in (("seabios", 4), ("qboot", 2.5)):
        if c in total:
            ratio = total[c] / total["irqlab"]
            print(f"goal: irqlab-qemu >= {goal}x faster in total than {LABELS[c]}: "
                  f"{'met' if ratio >= goal else 'NOT met'} ({ratio:.1f}x)")


if __name__ == "__main__":
    main()
