#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The guest's multiboot entry under irqlab itself: `irqlab boot --cpus N IMAGE`.

usage: irqlab_boot.py IRQLAB IMAGE CPUS

`boot` enters the image at its 32-bit multiboot entry (boot/multiboot.asm) instead of
_start64, with no struct pv_boot: the guest builds its own page tables, finds the irqlab port by
its handshake, takes the CPU count from fw_cfg (guest/platform.c) and reports through the port.
Passes when irqlab exits 0 and its JUnit report holds the guest's tests (only the port protocol
produces them) with none skipped for want of CPUs. Exit 77 when irqlab says KVM is unusable.
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def main(irqlab, image, cpus):
    with tempfile.TemporaryDirectory(prefix="irqlab-boot-") as work:
        junit = os.path.join(work, "junit.xml")
        p = subprocess.run([irqlab, "boot", "--cpus", cpus, "--junit", junit, image],
                           capture_output=True, text=True, timeout=120)
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr)
        if p.returncode == 77:
            return 77
        if p.returncode != 0:
            print(f"irqlab_boot: irqlab exited {p.returncode}, expected 0")
            return 1
        if not os.path.exists(junit):
            print("irqlab_boot: no JUnit report: the guest never spoke the port protocol")
            return 1
        cases = ET.parse(junit).getroot().iter("testcase")
        names, starved = [], []
        for c in cases:
            names.append(f"{c.get('classname')}.{c.get('name')}")
            skip = c.find("skipped")
            if skip is not None and "needs" in (skip.get("message") or "") and "CPUs" in skip.get("message"):
                starved.append(f"{names[-1]}: {skip.get('message')}")
    print(f"irqlab_boot: {len(names)} tests reported through the port with --cpus {cpus}")
    if not names or (int(cpus) > 1 and starved):
        for s in starved:
            print(f"irqlab_boot: {s} (fw_cfg's CPU count did not reach the guest)")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    sys.exit(main(*sys.argv[1:]))
