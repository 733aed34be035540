#!/usr/bin/env python3
"""Malformed guest images, made at test time: `make(kind, src, dir)` returns the path.

Kinds: empty, text, elf32 (a minimal i386 executable header), truncated-header:SRC (the first
40 bytes of SRC), truncated:SRC (SRC cut one byte short of its last PT_LOAD's file data),
dir (a directory), missing (a path that does not exist), fifo (a named pipe nobody writes:
opening it for reading would block), and SRC with one ELF header field damaged:
bad-magic:SRC ("XELF"), phnum0:SRC (e_phnum = 0), machine183:SRC (EM_AARCH64), rel:SRC (ET_REL).
"""
import os
import struct


def elf32_header():
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)          # ELFCLASS32, LSB, EV_CURRENT
    return ident + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0x100000, 52, 0, 0, 52, 32, 0, 40, 0, 0)


def load_end(data):
    """End offset of the last PT_LOAD's file data in an ELF64 image."""
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    end = 0
    for i in range(phnum):
        p_type, _, offset, _, _, filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and filesz:
            end = max(end, offset + filesz)
    return end


def damaged(data, offset, fmt, value):
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def make(kind, src, tmpdir):
    path = os.path.join(tmpdir, kind.replace("-", "_") + ".elf")
    if kind == "dir":
        os.mkdir(path)
        return path
    if kind == "missing":
        return path
    if kind == "fifo":
        os.mkfifo(path)
        return path
    data = open(src, "rb").read() if src else b""
    contents = {
        "empty": lambda: b"",
        "text": lambda: b"#!/bin/sh\necho this is not a kernel\n",
        "elf32": elf32_header,
        "truncated-header": lambda: data[:40],
        "truncated": lambda: data[:load_end(data) - 1],
        "bad-magic": lambda: b"XELF" + data[4:],
        "phnum0": lambda: damaged(data, 0x38, "<H", 0),
        "machine183": lambda: damaged(data, 0x12, "<H", 183),
        "rel": lambda: damaged(data, 0x10, "<H", 1),
    }
    if kind not in contents:
        raise SystemExit(f"badimage: unknown kind '{kind}'")
    with open(path, "wb") as f:
        f.write(contents[kind]())
    return path
