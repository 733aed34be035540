#!/usr/bin/env python3
"""Multiboot boot benchmark: the SMP test kernel under irqlab and under QEMU, runs interleaved.

Usage: bench_boot.py BUILDDIR [--runs N] [--cpus N] [--cases LIST] [--work N] [--work-runs N]
Cases: irqlab (`irqlab boot`), fifo (the same with the kernel's `fifo` argument: one LSR poll per
16-byte burst instead of per byte), seabios (qemu -accel kvm, its default BIOS), qboot (qemu -accel
kvm -bios qboot.rom), tcg (qemu -accel tcg). Every run must pass all of the kernel's checks.
Prints median wall times, ratios against irqlab, irqlab's own overhead (exit_us - bsp_kvm_run_us
from --stats: launch, loading, exits handled in userspace, teardown), and, from runs with the
kernel's `work=N` option (2N extra guest instructions), where QEMU TCG overtakes irqlab.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot  # noqa: E402
from progress import Progress  # noqa: E402

QBOOT = "/usr/share/qemu/qboot.rom"
MEM = "128M"
QEMU_COMMON = ["-m", MEM, "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-serial", "stdio",
               "-display", "none", "-no-reboot", "-nodefaults"]
LABELS = {"irqlab": "irqlab boot", "fifo": "irqlab boot, kernel arg fifo",
          "seabios": "qemu -accel kvm (SeaBIOS)",
          "qboot": "qemu -accel kvm -bios qboot", "tcg": "qemu -accel tcg"}


def commands(a, kernel, env, append):
    irqlab = os.path.join(a.builddir, "host", "irqlab")
    qemu = shutil.which("qemu-system-x86_64")
    common = ["-kernel", kernel, "-initrd", env, "-smp", str(a.cpus), "-append", append] + QEMU_COMMON
    boot = [irqlab, "boot", "--stats", "--cpus", str(a.cpus), "--mem", MEM, "--initrd", env, "--append"]
    cmds = {"irqlab": (boot + [append, kernel], 0),
            "fifo": (boot + [append + " fifo", kernel], 0)}  # one THRE poll per 16 bytes
    if qemu:  # QEMU exits with (0 << 1) | 1 when the kernel writes 0 to isa-debug-exit
        cmds["seabios"] = ([qemu, "-accel", "kvm"] + common, 1)
        cmds["qboot"] = ([qemu, "-accel", "kvm", "-bios", QBOOT] + common, 1)
        cmds["tcg"] = ([qemu, "-accel", "tcg"] + common, 1)
    return cmds


def run_once(name, cmd, want):
    """Wall ms; the kernel's TAP must be complete and all ok; irqlab's stats come back too."""
    t0 = time.perf_counter_ns()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = (time.perf_counter_ns() - t0) / 1e6
    plan = re.search(r"^1\.\.(\d+)$", p.stdout, re.M)
    oks = len(re.findall(r"^ok \d+ ", p.stdout, re.M))
    if p.returncode != want or not plan or oks != int(plan[1]):
        sys.exit(f"bench_boot: {name}: status {p.returncode} (want {want}), {oks} ok of "
                 f"{plan[1] if plan else '?'}\n{p.stdout}{p.stderr[-600:]}")
    stats = {}
    if name in ("irqlab", "fifo"):
        stats = {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", p.stderr)}
    return {"wall": wall, **stats}


def measure(cmds, runs):
    rows = {k: [] for k in cmds}
    progress = Progress("bench-boot", runs * len(cmds))
    for _ in range(runs):                     # interleaved: machine noise hits every case alike
        for name, (cmd, want) in cmds.items():
            rows[name].append(run_once(name, cmd, want))
            progress.step(LABELS[name])
    progress.done()
    return rows


def med(rows, key="wall"):
    return statistics.median(r[key] for r in rows)


def print_main(a, rows):
    base = med(rows["irqlab"])
    print(f"multiboot boot benchmark: tests/boot/mbkernel (SMP, {a.cpus} vCPUs, {MEM}), "
          f"{a.runs} runs each, interleaved, wall time medians\n")
    base_min = min(x["wall"] for x in rows["irqlab"])
    print(f"{'case':<30}{'median ms':>11}{'min ms':>9}{'max ms':>9}{'vs irqlab':>12}{'(mins)':>9}")
    for name, r in rows.items():
        walls = [x["wall"] for x in r]
        print(f"{LABELS[name]:<30}{med(r):>11.1f}{min(walls):>9.1f}{max(walls):>9.1f}"
              f"{med(r) / base:>11.1f}x{min(walls) / base_min:>8.1f}x")
    print()
    for name in ("irqlab", "fifo"):
        irq = rows.get(name)
        if not irq:
            continue
        over = statistics.median(x["exit_us"] - x["bsp_kvm_run_us"] for x in irq) / 1000
        print(f"{LABELS[name]}: overhead (exit_us - bsp_kvm_run_us) {over:.2f} ms median (goal <= 2 ms); "
              f"BSP in KVM_RUN {med(irq, 'bsp_kvm_run_us') / 1000:.2f} ms; {med(irq, 'exits'):.0f} exits; "
              f"first KVM_RUN at {med(irq, 'first_run_us') / 1000:.2f} ms")
    for name, goal in (("qboot", 10), ("seabios", 100)):
        if name in rows:
            ratio = med(rows[name]) / base
            print(f"goal: irqlab >= {goal}x faster than {LABELS[name]}: "
                  f"{'met' if ratio >= goal else 'NOT met'} ({ratio:.1f}x)")


def print_crossover(a, cmds_at, base_rows):
    """irqlab and TCG with work=0 and work=N: the per-instruction cost and the break-even point."""
    heavy = measure(cmds_at, a.work_runs)
    insns = 2 * a.work
    print(f"\nwhere TCG wins: the same kernel with work={a.work} ({insns} extra guest instructions), "
          f"{a.work_runs} runs each")
    print(f"{'case':<30}{'work=0 ms':>11}{f'work={a.work} ms':>18}{'us/insn':>10}")
    cost = {}
    for name in heavy:
        light, hard = med(base_rows[name]), med(heavy[name])
        cost[name] = max(0.0, (hard - light) * 1000 / insns)  # noise can make TCG's negative
        print(f"{LABELS[name]:<30}{light:>11.1f}{hard:>18.1f}{cost[name]:>10.3f}")
    gap = med(base_rows["tcg"]) - med(base_rows["irqlab"])
    slope = cost["irqlab"] - cost["tcg"]
    if slope > 0 and gap > 0:
        print(f"TCG wins for kernels that execute more than ~{gap * 1000 / slope / 1e3:.0f}k guest "
              f"instructions: on this machine KVM emulates every CPL0 instruction "
              f"(~{cost['irqlab']:.2f} us each), TCG translates them once and runs them at native speed.")
    elif gap <= 0:
        print("TCG wins outright here: it starts faster than irqlab on this machine.")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("builddir")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--cpus", type=int, default=4)
    ap.add_argument("--cases", default="irqlab,fifo,seabios,qboot,tcg")
    ap.add_argument("--work", type=int, default=100000, help="work=N for the TCG comparison (0: skip it)")
    ap.add_argument("--work-runs", type=int, default=5)
    ap.add_argument("--out", help="where the CSV and SVG files go (default BUILDDIR/bench-results)")
    a = ap.parse_args()
    out = a.out or os.path.join(a.builddir, "bench-results")
    kernel = os.path.join(a.builddir, "tests", "boot", "mbkernel", "mbkernel.elf")
    if not os.path.exists(kernel):
        sys.exit(f"bench_boot: {kernel} not built (ninja -C {a.builddir})")
    with tempfile.TemporaryDirectory() as tmp:
        env = os.path.join(tmp, "env.txt")
        with open(env, "w") as f:
            f.write(f"EXPECT_CPUS={a.cpus}\nEXPECT_MEM_MB=128\n")
        wanted = set(a.cases.split(",")) | {"irqlab"}
        cmds = {k: v for k, v in commands(a, kernel, env, "exit=0").items() if k in wanted}
        missing = wanted - set(cmds)
        if missing:
            print(f"bench_boot: not measured (qemu-system-x86_64 missing): {', '.join(sorted(missing))}")
        rows = measure(cmds, a.runs)
        print_main(a, rows)
        csv_path = os.path.join(out, "boot.csv")
        plot.write_csv(csv_path, ["case", "run", "wall_ms"],
                       [(LABELS[name], i, r["wall"]) for name, rs in rows.items() for i, r in enumerate(rs)])
        files = plot.render([("boot", csv_path, os.path.join(out, "boot.svg"))])
        print(f"\ndata: {csv_path}" + (f"; plot: {', '.join(files)}" if files else ""))
        if a.work and "tcg" in cmds:
            heavy = {k: v for k, v in commands(a, kernel, env, f"exit=0 work={a.work}").items()
                     if k in ("irqlab", "tcg")}
            print_crossover(a, heavy, rows)


if __name__ == "__main__":
    main()
