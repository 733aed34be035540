#!/usr/bin/env python3
"""qemu_compat.py --irqlab-qemu PROG --kernel KERNEL GROUP: irqlab-qemu driven with the argument
shapes of kvm-unit-tests' runner, as TAP.

Groups: discovery (--help, -device ?/help), preflight (the _NO_FILE_4Uhere_ probe, the CPU
limit), refused (options, machines, CPU models, features and devices it lacks), cpu (each -cpu
form against the CPUID the test kernel sees), run (exit statuses and stderr of real runs) and
qemu (the device checks under irqlab-qemu and qemu-system-x86_64 -accel tcg give the same
verdicts). Runs that need KVM skip without it.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from irqlab_test import Tap, execute, kvm_usable, tap_results  # noqa: E402

PROG = "qemu-system-x86_64"
# What kvm-unit-tests' x86 launcher puts before the kernel when -device ? lists pc-testdev and not pci-testdev.
RUNNER = ["--no-reboot", "-nodefaults", "-device", "pc-testdev",
          "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4", "-vnc", "none", "-serial", "stdio",
          "-machine", "accel=kvm", "-kernel"]
# The runner: the probe's log must show the kernel failed to load, nothing earlier.
LOADED = re.compile(r"[Cc]ould not (load|open) kernel|error loading")

REFUSED = [
    ["-M", "q35"], ["-machine", "q35,kernel-irqchip=split"], ["-machine", "vmport=on"],
    ["-device", "intel-iommu,intremap=on,eim=off"], ["-device", "edu"], ["-device", "hyperv-testdev"],
    ["-device", "pci-testdev"], ["-device", "isa-debug-exit,iobase=0x501"], ["-device", "pc-testdev,x=1"],
    ["-cpu", "IvyBridge,phys-bits=36"], ["-cpu", "max,+vmx"], ["-cpu", "kvm64,hv_vpindex,hv_synic"],
    ["-cpu", "Opteron_G1,vendor=AuthenticAMD"], ["-cpu", "max,vendor=CyrixInstead"],
    ["-accel", "tcg"], ["-machine", "accel=tcg"], ["-machine", "pit=on"], ["-m", "4g"],
    ["-smp", "4,maxcpus=8"], ["-global", "kvm-pit.lost_tick_policy=delay"], ["-serial", "pty"],
    ["-display", "gtk"], ["-chardev", "file,id=x,path=y"], ["-bogus"], ["disk.img"],
]

# -cpu forms of kvm-unit-tests' x86 test list and what the kernel must see (has=/lacks= arguments).
CPU_FORMS = [
    (None, "has=x2apic lacks=tsc-deadline lacks=pcid"),   # no -cpu: QEMU's default, qemu64
    ("qemu64", "has=x2apic lacks=tsc-deadline lacks=pcid lacks=invpcid lacks=rdtscp"),
    ("qemu64,+x2apic,+tsc-deadline", "has=x2apic has=tsc-deadline"),
    ("qemu64,+x2apic", "has=x2apic lacks=tsc-deadline"),
    ("qemu64,-pcid,-invpcid", "lacks=pcid lacks=invpcid"),
    ("qemu64,+pcid,+invpcid", ""),   # set only where this KVM supports them
    ("qemu64,+umip", ""),
    ("kvm64,+rdtscp", ""),
    ("host", "has=x2apic has=tsc-deadline"),
    ("host,migratable=no", "has=x2apic"),
    ("max", "has=x2apic has=tsc-deadline"),
    ("max,-x2apic,tsc-deadline=off", "lacks=x2apic lacks=tsc-deadline"),
    ("max,vendor=GenuineIntel", "vendor=GenuineIntel"),
    ("qemu64,vendor=AuthenticAMD", "vendor=AuthenticAMD"),
]


def failed(out):
    return {name for _, good, name in tap_results(out) if not good}


def discovery(tap, a):
    with tempfile.TemporaryDirectory() as tmp:   # a link under QEMU's own name works the same
        link = os.path.join(tmp, PROG)
        os.symlink(os.path.realpath(a.prog), link)
        status, out, err = execute([link, "-device", "help"], 10)
        tap.ok(status == 0 and '"pc-testdev"' in out, f"a link named {PROG} speaks QEMU's command line", out + err)
    status, out, err = execute([a.prog, "--help"], 10)
    tap.ok(status == 0 and "QEMU" in out and not err, "--help mentions QEMU", out + err)
    first = re.match(r"QEMU emulator version (\d+)\.(\d+)\.(\d+)", out)
    tap.ok(first is not None, "--help: first line gives a version as QEMU's does", out.splitlines()[:1])
    for form in ("?", "help"):
        status, out, err = execute([a.prog, "-device", form], 10)
        names = re.findall(r'^name "([^"]+)", bus ISA$', out, re.M)
        tap.ok(status == 0 and sorted(names) == ["isa-debug-exit", "pc-testdev"] and not err,
               f"-device {form} lists exactly isa-debug-exit and pc-testdev", out + err)
        tap.ok('"pc-testdev"' in out and "pci-testdev" not in out,
               f"-device {form}: the runner's greps choose pc-testdev, no pci-testdev", out)


def preflight(tap, a):
    status, out, err = execute([a.prog] + RUNNER + ["_NO_FILE_4Uhere_", "-smp", "2"], 10)
    tap.ok(status == 1 and out == "" and
           err == f"{PROG}: could not load kernel '_NO_FILE_4Uhere_': No such file or directory\n",
           "the runner's probe: could not load kernel, status 1", f"{status}\n{out}{err}")
    tap.ok(LOADED.search(err) is not None, "the probe's line matches the runner's pattern", err)
    status, out, err = execute([a.prog] + RUNNER + ["_NO_FILE_4Uhere_", "-smp", "100000"], 10)
    tap.ok(status == 1 and re.fullmatch(
        rf"{PROG}: Invalid SMP CPUs 100000\. The max CPUs supported by machine '[^']+' is \d+\n", err) is not None,
        "-smp above the limit: QEMU's Invalid SMP CPUs line", err)
    status, out, err = execute([a.prog] + RUNNER + ["_NO_FILE_4Uhere_", "-device", "edu"], 10)
    tap.ok(status == 1 and not LOADED.search(err), "a refused device stops the probe before the kernel", err)


def refused(tap, a):
    for args in REFUSED:
        status, out, err = execute([a.prog] + RUNNER + [a.kernel] + args, 20)
        lines = err.splitlines()
        shown = args[0] if args[0].startswith("-") else args[0]
        tap.ok(status == 1 and out == "" and len(lines) == 1 and lines[0].startswith(f"{PROG}: {shown}"),
               f"refused: {' '.join(args)}", f"status {status}\nstdout: {out}\nstderr: {err}")


def cpu(tap, a):
    for form, expect in CPU_FORMS:
        cpu_args = ["-cpu", form] if form else []
        status, out, err = execute([a.prog] + RUNNER + [a.kernel, "-append", expect] + cpu_args, 60)
        bad = failed(out)
        tap.ok(status == 1 and not bad and not err, f"-cpu {form or '(none)'}: {expect or 'runs'}",
               f"status {status}, failed {sorted(bad)}\n{err}")


def run(tap, a):
    for append, want in (("exit=0", 1), ("exit=1", 3), ("exit=5", 11), ("exit=38", 77)):
        status, out, err = execute([a.prog] + RUNNER + [a.kernel, "-smp", "2", "-append", append], 60)
        tap.ok(status == want and err == "", f"{append}: status {want}, nothing on stderr",
               f"status {status}\n{err}")
    status, out, err = execute([a.prog] + RUNNER + [a.kernel, "-append", "crash"], 60)
    tap.ok(status == 0 and "triple fault" in err, "crash: status 0 (as QEMU -no-reboot), the fault on stderr",
           f"status {status}\n{err}")
    with tempfile.NamedTemporaryFile("w", suffix=".env") as env:
        env.write("EXPECT_CPUS=4\nEXPECT_MEM_MB=256\n")
        env.flush()
        cmd = [a.prog] + RUNNER + [a.kernel, "-smp", "cpus=4", "-m", "256", "-append", "argc=2",
                                   "-global", "kvm-pit.lost_tick_policy=discard", "-machine", "pit=off",
                                   "-display", "none", "-enable-kvm", "-initrd", env.name]
        status, out, err = execute(cmd, 60)
        tap.ok(status == 1 and not failed(out) and not err, "-smp cpus=4 -m 256 -initrd ENV: all checks pass",
               f"status {status}, failed {sorted(failed(out))}\n{err}")
    status, out, err = execute([a.prog, "-nodefaults", "-device", "isa-debug-exit", "-kernel", a.kernel,
                                "-append", "exit=0"], 60)
    tap.ok(status == 1 and out == "", "no -serial: no output", out)
    status, out, err = execute([a.prog, "-nodefaults", "-serial", "stdio", "-kernel", a.kernel, "-append", "exit=0"], 5)
    tap.ok(status is None and "ok 1 - multiboot magic" in out,
           "no isa-debug-exit: the write to 0xF4 does not end the run (QEMU hangs too)", f"{status}\n{out[-300:]}")
    status, out, err = execute([a.prog] + RUNNER + [a.kernel, "-smp", "1", "-append", "s3"], 60)
    tap.ok(status == 1 and not failed(out) and "ok 20 - s3" in out and not err,
           "the runner's s3 shape (-smp 1, nothing else): sleeps, wakes by the RTC alarm, passes",
           f"status {status}\n{out[-300:]}\n{err}")
    status, out, err = execute(["timeout", "-k", "1s", "--foreground", "2s", a.prog] + RUNNER +
                               [a.kernel, "-append", "hang"], 10)
    tap.ok(status == 124, "a hang under the runner's timeout(1): 124, as with QEMU", f"{status}\n{err}")


def devices(tap, a, qemu, extra, label):
    cmd = RUNNER + [a.kernel, "-smp", "2", "-append", "testdev s3"] + extra
    i_status, i_out, i_err = execute([a.prog] + cmd, 60)
    tap.ok(i_status == 1 and not failed(i_out) and not i_err,
           f"irqlab-qemu{label}: rtc, pc-testdev, absent port, s3 pass",
           f"status {i_status}, failed {sorted(failed(i_out))}\n{i_err}")
    if not qemu:
        return
    q_cmd = [qemu, "-accel", "tcg", "-display", "none"] + [x for x in cmd if x != "accel=kvm" and x != "-machine"]
    q_status, q_out, q_err = execute(q_cmd, 120)
    tap.ok(q_status == i_status and tap_results(q_out) == tap_results(i_out),
           f"QEMU TCG{label}: the same status and verdicts", f"qemu {q_status}:\n{q_out}\n{q_err}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--irqlab-qemu", dest="prog", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("group", choices=["discovery", "preflight", "refused", "cpu", "run", "qemu"])
    a = p.parse_args()
    tap = Tap()
    needs_kvm = a.group in ("refused", "cpu", "run", "qemu")
    if needs_kvm and not kvm_usable():
        print("1..0 # SKIP /dev/kvm is not usable")
        return 0
    if a.group == "qemu":
        qemu = shutil.which("qemu-system-x86_64")
        devices(tap, a, qemu, [], "")
        devices(tap, a, None, ["-machine", "kernel_irqchip=split"], " kernel_irqchip=split")
    else:
        {"discovery": discovery, "preflight": preflight, "refused": refused, "cpu": cpu, "run": run}[a.group](tap, a)
    print(f"1..{tap.n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
