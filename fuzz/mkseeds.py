#!/usr/bin/env python3
"""mkseeds.py BUILDDIR: (re)write the seed corpora in fuzz/corpus/ from the real images and test
guests of BUILDDIR plus the regression inputs (docs/fuzzing.md). Seeds stay small: images are cut
to their first 8 KiB and their segments clipped to that, so they still parse."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CUT = 8192
MB_MAGIC = 0x1BADB002
PV_MSG_MAGIC, PV_VERSION = 0x6D716C69, 1
(HELLO, PRINT, SUITE, TEST, RESULT, SUITE_END, METRIC, FAULT, ABORT, REQUEST, DONE) = range(1, 12)


def clip_elf(data):
    """The first CUT bytes, every PT_LOAD's file size clipped to them (an a.out-kludge header's
    load_end_addr becomes 0: to the end of the file)."""
    out = bytearray(data[:CUT])
    if out[:4] == b"\x7fELF" and len(out) >= 52:
        is64 = out[4] == 2
        phoff, phentsize, phnum = ((struct.unpack_from("<Q", out, 0x20)[0], *struct.unpack_from("<HH", out, 0x36))
                                   if is64 else (struct.unpack_from("<I", out, 0x1C)[0], *struct.unpack_from("<HH", out, 0x2A)))
        for i in range(phnum):
            p = phoff + i * phentsize
            if p + phentsize > len(out):
                break
            if is64:
                off, filesz = struct.unpack_from("<Q", out, p + 8)[0], struct.unpack_from("<Q", out, p + 32)[0]
                struct.pack_into("<Q", out, p + 32, max(0, min(filesz, len(out) - off)))
            else:
                off, filesz = struct.unpack_from("<I", out, p + 4)[0], struct.unpack_from("<I", out, p + 16)[0]
                struct.pack_into("<I", out, p + 16, max(0, min(filesz, len(out) - off)))
    for h in range(0, min(len(out), CUT) - 32, 4):
        magic, flags, csum = struct.unpack_from("<III", out, h)
        if magic == MB_MAGIC and (magic + flags + csum) & 0xFFFFFFFF == 0 and flags & 0x10000:
            struct.pack_into("<I", out, h + 20, 0)
            break
    return bytes(out)


def damaged(data, offset, fmt, value):
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def msg(cmd, args=(), name=b"", text=b""):
    a = list(args) + [0] * (6 - len(args))
    return (struct.pack("<IHHIi6QHHI", PV_MSG_MAGIC, PV_VERSION, cmd, 0, 0, *a, len(name), len(text), 0)
            + name.ljust(64, b"\0") + text.ljust(1024, b"\0"))


def pv_input(blocks, outs, opts=0, table=True):
    """Guest RAM: a plan alpha{one,two}, beta{three} at 0x100, names at 0x400, then the blocks
    from 0x800 (one per 0x500 bytes); `outs` are (block index or raw address, cpu)."""
    ram = bytearray(0x800 + 0x500 * len(blocks))
    if table:
        names, at = {}, 0x400
        for n in (b"alpha", b"one", b"two", b"beta", b"three"):
            names[n] = at
            ram[at:at + len(n) + 1] = n + b"\0"
            at += len(n) + 1
        struct.pack_into("<QQII", ram, 0x100, names[b"alpha"], 0x200, 2, 1)
        struct.pack_into("<QQII", ram, 0x118, names[b"beta"], 0x240, 1, 1)
        for i, n in enumerate((b"one", b"two")):
            struct.pack_into("<QQB7x", ram, 0x200 + 24 * i, names[n], 0x100000, 1)
        struct.pack_into("<QQB7x", ram, 0x240, names[b"three"], 0x100000, 1)
    for i, b in enumerate(blocks):
        ram[0x800 + 0x500 * i:0x800 + 0x500 * i + len(b)] = b
    ops = b"".join(struct.pack("<II", 0x800 + 0x500 * o if o < 0x100 else o, cpu) for o, cpu in outs)
    return bytes([opts]) + struct.pack("<H", len(ram)) + bytes(ram) + ops


def pv_seeds():
    hello = msg(HELLO, (0x100, 2))
    full = [hello, msg(SUITE, (0,), b"alpha"), msg(TEST, (0,), b"one"), msg(RESULT, (0,), b"one"),
            msg(TEST, (1,), b"two"), msg(RESULT, (1,), b"two", b"diag"), msg(SUITE_END, (0,)),
            msg(SUITE, (1,), b"beta"), msg(TEST, (0,), b"three"), msg(RESULT, (2,), b"three"),
            msg(SUITE_END, (1,)), msg(DONE, (0,))]
    walk = [(i, 0) for i in range(len(full))]
    nonxml = b"<x>&amp; ]]> \x01\x1b[31m \xff\xfe \xc3\x28 \xed\xa0\x80 \"q\" \\ end"
    return {
        "full_ktap": pv_input(full, walk),
        "full_json": pv_input(full, walk, opts=1),
        "list": pv_input([hello], [(0, 0)], opts=2),
        "list_json": pv_input([hello], [(0, 0)], opts=3),
        "print_metric_fault_abort": pv_input(
            [hello, msg(PRINT, (), b"", b"line one\nline two"), msg(METRIC, (12345,), b"ns", b"ns"),
             msg(SUITE, (0,), b"alpha"), msg(TEST, (0,), b"one"),
             msg(FAULT, (13, 0, 0x101234, 0, 0x5000), b"", b"#GP"), msg(ABORT, (42,), b"main.c", b"boom")],
            [(i, 0) for i in range(7)], opts=4),
        "request": pv_input([hello, msg(REQUEST, (1, 2, 3))], [(0, 0), (1, 1)], opts=12),
        # Regression inputs (hostile guests that once broke the host): a misaligned block, METRIC before HELLO, a flood of
        # PRINTs, a second HELLO, text that is not XML (JUnit) or UTF-8 (JSON).
        "misaligned_block": pv_input([hello], [(0x803, 0)]),
        "block_past_ram": pv_input([hello], [(0xFFFF, 0), (0xFFFFFFFF, 0)]),
        "metric_before_hello": pv_input([msg(METRIC, (7,), b"early", b"ms"), hello], [(0, 0), (1, 0)]),
        "flood": pv_input([hello, msg(PRINT, (), b"", b"x" * 1024)], [(0, 0)] + [(1, 0)] * 255),
        "second_hello": pv_input([hello, hello], [(0, 0), (1, 0)]),
        "non_xml_text": pv_input(
            [hello, msg(SUITE, (0,), b"alpha"), msg(TEST, (0,), b"one"), msg(RESULT, (1,), b"one", nonxml),
             msg(PRINT, (), b"", nonxml), msg(DONE, (1,))], [(i, 0) for i in range(6)], opts=1),
        "bad_table": pv_input([msg(HELLO, (0x100, 65)), msg(HELLO, (0xFFF0, 1))], [(0, 0), (1, 0)], table=False),
    }


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    build = sys.argv[1]
    images = {
        "guest": "guest/irqlab-guest.elf", "mbkernel": "tests/boot/mbkernel/mbkernel.elf",
        "mbkernel_aout": "tests/boot/mbkernel/mbkernel-aout.elf",
        **{g: f"tests/guests/{g}.elf" for g in ("pv_ok", "hang_hlt", "bad_magic", "guest_fault")},
    }
    for name, rel in images.items():
        data = clip_elf(open(os.path.join(build, rel), "rb").read())
        for target in ("elf64", "elf32", "multiboot"):
            write(target, name, data)
        if name == "guest":   # the damaged ELFs that once ran, each carrying the a.out-kludge header
            for kind, bad in (("bad_magic", b"XELF" + data[4:]), ("phnum0", damaged(data, 0x38, "<H", 0)),
                              ("machine183", damaged(data, 0x12, "<H", 183)), ("rel", damaged(data, 0x10, "<H", 1))):
                for target in ("elf64", "elf32", "multiboot"):
                    write(target, "guest_" + kind, bad)
    # fuzz_aout: u16 header slot, u32 optional flags, then header_addr load_addr load_end bss_end entry.
    for name, fields in {"plain": (0x100000, 0x100000, 0, 0, 0x100010), "bss": (0x100000, 0x100000, 0x101000, 0x200000, 0x100000),
                         "offset": (0x101000, 0x100000, 0, 0x180000, 0x100100), "wrap": (0xFFFFFFF0, 0, 0xFFFFFFFF, 0, 0)}.items():
        write("aout", name, struct.pack("<HI5I", 1, 0, *fields) + b"\x90" * 256)
    # fuzz_mb_info: u16 RAM pages above 4 MiB, u32 free_start, u16 cmdline length, u8 flags, cmdline, module.
    write("mb_info", "cmd_module", struct.pack("<HIHB", 0, 0x200000, 12, 7) + b"apic.elf -v\0" + b"EXPECT_CPUS=2\n")
    write("mb_info", "long_cmdline", struct.pack("<HIHB", 256, 0x7FF000, 4096, 1) + b"a" * 4096)
    write("mb_info", "module_at_end", struct.pack("<HIHB", 0, 0x3FF000, 0, 2) + b"m" * 4096)
    # fuzz_acpi: i16 ncpus, u32 RAM size.
    for n, ram in ((1, 0x200000), (2, 0x100000), (255, 0x200000), (256, 0x200000), (4096, 0x200000), (0, 0x200000),
                   (-1, 0x200000), (1, 0xF0010)):
        write("acpi", f"cpus{n}_ram{ram:x}", struct.pack("<hI", n, ram))
    for name, data in pv_seeds().items():
        write("pvport", name, data)


if __name__ == "__main__":
    main()
