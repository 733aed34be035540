#!/usr/bin/env python3
"""list_static.py IRQLAB IMAGE: `irqlab --list` reads the image's `.irqlab.suites` table from the
file, without /dev/kvm, and says what the KVM path says.

  same      the table read from the file and the one the guest announces at HELLO (the same
            image with its section headers removed, so irqlab must run it) list the same, as
            text, as JSON and with --test; a --test matching nothing is exit 2 both ways
  nokvm     as `nobody` (setpriv), who cannot open /dev/kvm: a run exits 77, --list exits 0
            with the same output as the KVM path's (root, the stripped image)
  corrupt   images whose table is broken (a pointer outside the file, too many tests, an
            unterminated or invalid name, a section of no whole number of suites): exit 2,
            nothing on stdout, one line on stderr saying what; then random bytes written over
            the table and the names it points to: always exit 0 or 2, never a crash
Every JSON list is validated against docs/results.schema.json.

Exit 0, 1 (problems printed), 77 when a part needs what this host lacks (KVM, root).
"""
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from irqlab_test import execute, kvm_usable  # noqa: E402
import results_schema  # noqa: E402

SUITE_DESC = struct.Struct("<QQII")     # struct pv_suite_desc: name, tests, ntests, min_cpus
TEST_DESC = struct.Struct("<QQB7x")     # struct pv_test_desc: name, fn, selected
problems = []


def expect(ok, what):
    if not ok:
        problems.append(what)


def run(cmd, prefix=()):
    status, out, err = execute(list(prefix) + cmd, 60)
    return status, out, err


def sections(data):
    """{name: (sh_type, sh_addr, sh_offset, sh_size, header offset)} of an ELF64 image."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    hdr = lambda i: struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)  # noqa: E731
    stroff = hdr(shstrndx)[4]
    out = {}
    for i in range(shnum):
        name, typ, _, addr, off, size = hdr(i)
        out[data[stroff + name:data.index(b"\0", stroff + name)].decode()] = (typ, addr, off, size,
                                                                               shoff + i * shentsize)
    return out


def file_offset(data, gpa):
    """The file offset of guest-physical gpa through the PT_LOAD segments."""
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        typ, _, off, _, paddr, filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if typ == 1 and paddr <= gpa < paddr + filesz:
            return off + gpa - paddr
    raise ValueError(f"0x{gpa:x} not in the file")


def strip_section_headers(data):
    data = bytearray(data)
    struct.pack_into("<Q", data, 0x28, 0)            # e_shoff
    struct.pack_into("<HHH", data, 0x3a, 0, 0, 0)    # e_shentsize, e_shnum, e_shstrndx
    return bytes(data)


def corruptions(data):
    """(what, patched image, a phrase stderr must contain) for each broken table."""
    _, addr, off, size, hdr = sections(data)[".irqlab.suites"]
    name, tests, ntests, min_cpus = SUITE_DESC.unpack_from(data, off)
    tname, = struct.unpack_from("<Q", data, file_offset(data, tests))

    def patch(at, fmt, *vals):
        d = bytearray(data)
        struct.pack_into(fmt, d, at, *vals)
        return bytes(d)

    def name_bytes(at, raw):
        d = bytearray(data)
        d[at:at + len(raw)] = raw
        return bytes(d)

    name_off = file_offset(data, name)
    return [
        ("suite name pointer outside the file", patch(off, "<Q", 0x7ff00000),
         "suite name at 0x7ff00000 is not in the file"),
        ("test array outside the file", patch(off + 8, "<Q", 0xfffffffffffff000), "are not in the file"),
        ("too many tests", patch(off + 16, "<I", 100000), "has 100000 tests (at most 256)"),
        ("test array past the segment", patch(off + 16, "<I", 256), "are not in the file"),
        ("unterminated name", name_bytes(name_off, b"x" * 80), "is not NUL-terminated within 63 bytes"),
        ("invalid name", name_bytes(name_off, b"a b\0"), "is empty or has spaces"),
        ("empty test name", name_bytes(file_offset(data, tname), b"\0"), "test name at"),
        ("size not whole suites", patch(hdr + 0x20, "<Q", size - 1), "is not a whole number of suites"),
        ("too many suites", patch(hdr + 0x20, "<Q", 65 * SUITE_DESC.size), "suites (at most 64)"),
        ("table outside the file", patch(hdr + 0x10, "<Q", 0x40000000), "is not in a loaded segment"),
    ]


def comparable(out):
    """JSON without what differs between two runs of the same command (the start time)."""
    try:
        doc = json.loads(out)
    except json.JSONDecodeError:
        return out
    doc.pop("start_time", None)
    return doc


def same(irqlab, image, stripped):
    for opts in ([], ["--format", "json"], ["--test", "apic.*,smp"], ["--test", "apic.*", "--format=json"],
                 ["--test", "check"]):
        s = run([irqlab, "--list"] + opts + [image])
        k = run([irqlab, "--list"] + opts + [stripped])
        expect(s[0] == 0 and s[2] == "" and s[1], f"--list {opts}: static status {s[0]}, stderr {s[2]!r}")
        expect(k[0] == 0, f"--list {opts}: KVM path status {k[0]}, stderr {k[2]!r}")
        if "json" in " ".join(opts):
            problems.extend(f"--list {opts}: JSON {p}" for p in results_schema.problems(s[1]))
            k = (k[0], json.dumps(comparable(k[1])).replace(stripped, image), k[2])
            s = (s[0], json.dumps(comparable(s[1])), s[2])
        expect(s[1] == k[1], f"--list {opts}: static and KVM lists differ:\n{s[1]}\n---\n{k[1]}")
    for img in (image, stripped):
        st, out, err = run([irqlab, "--list", "--test", "nomatch", img])
        expect((st, out, err) == (2, "", "irqlab: --test 'nomatch': no test matches (irqlab --list shows them)\n"),
               f"--list --test nomatch {img}: {st} {out!r} {err!r}")


def nokvm(irqlab, image, stripped):
    nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    st, out, err = run([irqlab, "--cpus", "2", image], nobody)
    expect(st == 77, f"as nobody, a run: exit {st}, expected 77 ({err.strip()})")
    for opts in ([], ["--test", "ipi"], ["--format", "json"]):
        st, out, err = run([irqlab, "--list"] + opts + [image], nobody)
        kst, kout, _ = run([irqlab, "--list"] + opts + [stripped])  # root, through the VM
        if opts == ["--format", "json"]:
            problems.extend(f"as nobody, --list {opts}: JSON {p}" for p in results_schema.problems(out))
            out, kout = json.dumps(comparable(out)), json.dumps(comparable(kout)).replace(stripped, image)
        expect(st == 0 and err == "" and kst == 0 and out == kout,
               f"as nobody, --list {opts}: exit {st}, stderr {err!r}; the KVM path's list differs:\n{out}\n---\n{kout}")


def corrupt(irqlab, image, tmp):
    data = open(image, "rb").read()
    for i, (what, img, phrase) in enumerate(corruptions(data)):
        path = os.path.join(tmp, f"corrupt{i}.elf")
        with open(path, "wb") as f:
            f.write(img)
        st, out, err = run([irqlab, "--list", path])
        ok = st == 2 and out == "" and err.count("\n") == 1 and err.startswith(f"irqlab: {path}: .irqlab.suites")
        expect(ok and phrase in err, f"{what}: exit {st}, stdout {out!r}, stderr {err!r} (wants {phrase!r})")
    fuzz(irqlab, data, tmp)


def fuzz(irqlab, data, tmp, rounds=200):
    """Random bytes over the table and what it points to: exit 0 or 2 (one line), nothing else."""
    _, addr, off, size, _ = sections(data)[".irqlab.suites"]
    rng = random.Random(12)
    name = SUITE_DESC.unpack_from(data, off)[0]
    spots = [(off, size), (file_offset(data, name), 64)]
    path = os.path.join(tmp, "fuzz.elf")
    for i in range(rounds):
        d = bytearray(data)
        start, length = spots[i % 2]
        for _ in range(rng.randint(1, 8)):
            d[start + rng.randrange(length)] = rng.randrange(256)
        with open(path, "wb") as f:
            f.write(d)
        st, out, err = run([irqlab, "--list", path])
        ok = st == 0 and err == "" or st == 2 and out == "" and err.count("\n") == 1
        expect(ok, f"fuzz round {i}: exit {st}, stderr {err[-300:]!r}")
        if not ok:
            shutil.copyfile(path, os.path.join(tmp, f"fuzz{i}.elf"))
            break


def main(argv):
    irqlab, image = argv[1], argv[2]
    parts = argv[3:] or ["same", "nokvm", "corrupt"]
    with tempfile.TemporaryDirectory(prefix="irqlab-list-") as tmp:
        os.chmod(tmp, 0o755)
        copy = os.path.join(tmp, "guest.elf")
        shutil.copyfile(image, copy)
        os.chmod(copy, 0o644)
        stripped = os.path.join(tmp, "noshdr.elf")
        with open(stripped, "wb") as f:
            f.write(strip_section_headers(open(image, "rb").read()))
        skipped = []
        if "corrupt" in parts:
            corrupt(irqlab, copy, tmp)
        if "same" in parts:
            if kvm_usable():
                same(irqlab, copy, stripped)
            else:
                skipped.append("same (needs /dev/kvm)")
        if "nokvm" in parts:
            if os.geteuid() == 0 and kvm_usable() and shutil.which("setpriv"):
                nokvm(irqlab, copy, stripped)
            else:
                skipped.append("nokvm (needs root, setpriv and /dev/kvm)")
    if problems:
        print("\n".join(problems))
        return 1
    ran = [p for p in parts if not any(s.startswith(p + " ") for s in skipped)]
    if not ran:
        print("SKIP: " + ", ".join(skipped))
        return 77
    for s in skipped:
        print("skipped: " + s)
    print("ok: " + ", ".join(ran))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
