#!/usr/bin/env python3
"""gdb_e2e.py CASE IRQLAB IMAGE [GDB]: irqlab --gdb against Debian's gdb in batch mode, or (CASE
raw) against a raw client speaking the remote protocol. Every wait is bounded: irqlab and gdb are
killed (their whole process groups) after DEADLINE seconds. Exit 0 pass, 1 fail, 77 skip.

  native  irqlab --cpus 2 --gdb 127.0.0.1:0 --test smp.* on the built-in guest (64-bit)
  boot    irqlab boot --cpus 2 --gdb 127.0.0.1:0 on the multiboot test kernel (i386)
  raw     malformed packets, Ctrl-C, a fifth breakpoint and a watchpoint, detach and
          reconnect, then kill
  stepover  a step from the entry, a breakpoint that stays inserted is stepped over, a step of an
            OUT stops on the next instruction
"""
import os
import random
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from irqlab_test import kvm_usable  # noqa: E402

SKIP = 77
DEADLINE = 60


class Irqlab:
    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        self.err = b""
        self.port = None
        end = time.monotonic() + 20
        while self.port is None and time.monotonic() < end:
            r, _, _ = select.select([self.proc.stderr], [], [], 0.5)
            if r:
                chunk = os.read(self.proc.stderr.fileno(), 4096)
                if not chunk:
                    break
                self.err += chunk
                m = re.search(rb"^irqlab: waiting for gdb on 127\.0\.0\.1:(\d+)$", self.err, re.M)
                if m:
                    self.port = int(m.group(1))

    def finish(self, timeout):
        """(status or None if killed, stdout, stderr)."""
        try:
            out, err = self.proc.communicate(timeout=timeout)
            status = self.proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, err = self.proc.communicate()
            status = None
        return status, out.decode("utf-8", "replace"), (self.err + err).decode("utf-8", "replace")


def start_irqlab(cmd):
    """Irqlab(cmd) once it says where it waits for gdb; None, its stderr printed, if it never does."""
    irq = Irqlab(cmd)
    if irq.port is None:
        print("no 'waiting for gdb' line\n--- irqlab stderr ---\n" + irq.finish(5)[2])
        return None
    return irq


def run_gdb(gdb, image, port, cmds, timeout):
    args = [gdb, "-batch", "-nx", "-ex", "set confirm off", image, "-ex", f"target remote 127.0.0.1:{port}"]
    for c in cmds:
        args += ["-ex", c]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return out.decode("utf-8", "replace") + f"\n[gdb killed after {timeout} s]"
    return out.decode("utf-8", "replace")


def check(out, patterns):
    return [p for p in patterns if not re.search(p, out, re.M)]


def session(cmd, gdb, image, cmds, patterns):
    irq = start_irqlab(cmd)
    if irq is None:
        return 1
    gout = run_gdb(gdb, image, irq.port, cmds, DEADLINE)
    status, out, err = irq.finish(DEADLINE)
    missing = check(gout, patterns)
    if missing or status != 0:
        print(f"irqlab status {status}; missing in gdb's output: {missing}\n--- gdb ---\n{gout}"
              f"--- irqlab stdout ---\n{out}--- irqlab stderr ---\n{err}")
        return 1
    print(gout)
    return 0


def native(irqlab, image, gdb):
    cmds = ["info registers rip", "break smp_boot", "continue", "info registers rip cr3 efer fs_base gs_base",
            "print smp.ncpus", "print/x apic_khz", "x/2i $pc", "stepi", "info registers rip", "delete",
            "break ap_main", "continue", "info threads", "delete", "continue"]
    patterns = [r"^rip +0x101000 .*<_start64>",
                r"Thread 1 hit Breakpoint 1, smp_boot \(\)",
                r"^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <smp_boot\+\d+>",
                r"^efer +0x[0-9a-f]*d[0-9a-f]{2} ",         # NXE|LMA|LME
                r"^\$1 = 2$",                                # a global: the guest's CPU count
                r"^0x[0-9a-f]+\s+\d+\s",                     # stepi: a new pc in the middle of a line
                r"Thread 2 hit Breakpoint 2, ap_main",
                r"^\* 2 +Thread 2 \(vCPU 1 \(APIC ID 1\)\)",
                r"^  1 +Thread 1 \(vCPU 0 \(APIC ID 0\)\)",
                r"\[Inferior 1 \(Remote target\) exited normally\]"]
    return session([irqlab, "--cpus", "2", "--gdb", "127.0.0.1:0", "--test", "smp.*", "--serial", "none", image],
                   gdb, image, cmds, patterns)


def boot(irqlab, image, gdb):
    cmds = ["info registers eip", "break check_smp", "continue", "info registers eip cr0 efer", "print cpus_online",
            "stepi", "info registers eip", "info threads", "delete", "continue"]
    patterns = [r"^eip +0x100010 .*<_start>",
                r"Thread 1 hit Breakpoint 1, check_smp ",
                r"^cr0 +0x11 ",
                r"^\$1 = 2$",
                r"^eip +0x[0-9a-f]+ +0x[0-9a-f]+ <check_smp\+\d+>",
                r"^  2 +Thread 2 \(vCPU 1 \(APIC ID 1\)\)",
                r"\[Inferior 1 \(Remote target\) exited normally\]"]
    return session([irqlab, "boot", "--cpus", "2", "--gdb", "127.0.0.1:0", "--serial", "none", image],
                   gdb, image, cmds, patterns)


class Problems(list):
    """What a raw-client case found wrong, one line each."""

    def expect(self, what, got, pattern):
        """A reply must match pattern whole (a bytes regex; . matches newlines too)."""
        if not re.fullmatch(pattern, got, re.S):
            self.append(f"{what}: got {got!r}, want {pattern!r}")

    def verdict(self, err):
        """0 if there are none; else 1, once they and irqlab's stderr are printed."""
        if not self:
            return 0
        print("\n".join(self) + f"\n--- irqlab stderr ---\n{err}")
        return 1


class Raw:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE / 4)
        self.buf = b""

    def send_raw(self, data):
        self.s.sendall(data)

    def send(self, payload):
        self.send_raw(b"$%s#%02x" % (payload, sum(payload) & 0xff))

    def read_token(self):
        """The next '+', '-' or packet payload (its checksum verified)."""
        while True:
            if self.buf[:1] in (b"+", b"-"):
                tok, self.buf = self.buf[:1], self.buf[1:]
                return tok
            m = re.match(rb"\$([^#]*)#([0-9a-f]{2})", self.buf, re.S)
            if m:
                self.buf = self.buf[m.end():]
                assert sum(m.group(1)) & 0xff == int(m.group(2), 16), "bad checksum from irqlab"
                return m.group(1)
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("irqlab closed the connection")
            self.buf += chunk

    def reply(self):
        """The next packet, skipping acks."""
        while True:
            tok = self.read_token()
            if tok not in (b"+", b"-"):
                return tok


def raw(irqlab, image, gdb):
    irq = start_irqlab([irqlab, "--cpus", "2", "--gdb", "127.0.0.1:0", "--serial", "none", image])
    if irq is None:
        return 1
    problems = Problems()
    expect = problems.expect

    try:
        c = Raw(irq.port)
        c.send_raw(b"$?#00")                       # bad checksum
        expect("bad checksum", c.read_token(), rb"-")
        c.send_raw(b"$?#zz")                       # checksum not hex
        expect("non-hex checksum", c.read_token(), rb"-")
        c.send_raw(b"$" + b"m" * 5000 + b"#00")    # longer than PacketSize
        expect("overlong packet", c.read_token(), rb"-")
        c.send_raw(b"garbage$g$?")                 # a '$' restarts a packet: only '?' counts
        c.send(b"?")
        expect("stop reply", c.reply(), rb"T05thread:1;")
        for bad in (b"mzz,4", b"m100000,", b"m" + b"f" * 40 + b",4", b"M100000,4:zz", b"pzz", b"P0=1",
                    b"Z0,,1", b"Z9,1000,1", b"Hgzz", b"Hg99", b"qThreadExtraInfo,0", b"vCont;x"):
            c.send(bad)
            expect(f"malformed {bad[:20]!r}", c.reply(), rb"E[0-9a-f]{2}")
        rnd = random.Random(16)                    # read-only packets with random tails
        for _ in range(300):
            head = rnd.choice([b"m", b"p", b"Hg", b"Hc", b"T", b"q", b"qXfer:features:read:target.xml:",
                               b"qThreadExtraInfo,", b"qRcmd,", b"z1,", b"Z3,"])
            tail = bytes(rnd.choice(b"0123456789abcdefxyz,:;-=.}*") for _ in range(rnd.randrange(40)))
            c.send(head + tail.replace(b"#", b"").replace(b"$", b""))
            while re.fullmatch(rb"O[0-9a-f]+", c.reply()):   # qRcmd: console output, then OK
                pass
        c.send(b"m101000,4")
        expect("read code", c.reply(), rb"[0-9a-f]{8}")
        c.send(b"mffffffffff000000,4")             # not mapped: EFAULT
        expect("unmapped read", c.reply(), rb"E0e")
        for i in range(4):
            c.send(b"Z0,%x,1" % (0x200000 + i))
            expect(f"breakpoint {i + 1}", c.reply(), rb"OK")
        c.send(b"Z1,300000,1")
        expect("fifth breakpoint", c.reply(), rb"E\..*DR0-DR3.*")
        c.send(b"Z2,120000,4")
        expect("watchpoint", c.reply(), rb"E\..*watchpoints.*")
        for i in range(4):
            c.send(b"z0,%x,1" % (0x200000 + i))
            expect(f"remove {i + 1}", c.reply(), rb"OK")
        c.send(b"vCont;c")
        time.sleep(0.05)                           # the whole run takes seconds
        c.send_raw(b"\x03")                        # Ctrl-C
        expect("Ctrl-C", c.reply(), rb"T02thread:[12];")
        c.send(b"g")
        expect("registers after Ctrl-C", c.reply(), rb"[0-9a-f]{256,}")
        c.send(b"D")                               # detach: the guest runs on
        expect("detach", c.reply(), rb"OK")
        c.s.close()
        c = Raw(irq.port)                          # a new connection stops it again
        c.send(b"?")
        expect("stop reply after reconnecting", c.reply(), rb"T05thread:[12];")
        c.send(b"qXfer:features:read:target.xml:0,fff")
        expect("target.xml follows the mode", c.reply(), rb"[ml].*<architecture>i386:x86-64</architecture>.*")
        c.send(b"k")
        c.s.close()
    except (OSError, EOFError, AssertionError) as e:
        problems.append(f"connection: {e!r}")
    status, out, err = irq.finish(DEADLINE / 2)
    if status is None:
        problems.append("irqlab did not end after k")
    if re.search(r"Sanitizer|runtime error", err):
        problems.append("a sanitizer report on irqlab's stderr")
    if "watchpoint at 0x120000 refused: this KVM never fires data breakpoints" not in err:
        problems.append("no stderr line for the refused watchpoint")
    if "no free debug register for a breakpoint at 0x300000" not in err:
        problems.append("no stderr line for the fifth breakpoint")
    return problems.verdict(err)


def symbol(image, name):
    """The address of `name` in the ELF, by nm (binutils); None if nm is missing."""
    nm = shutil.which("nm")
    if not nm:
        return None
    out = subprocess.run([nm, image], capture_output=True, text=True, timeout=30).stdout
    m = re.search(rf"^([0-9a-f]+) [Tt] {re.escape(name)}$", out, re.M)
    return int(m.group(1), 16) if m else None


def out_insn(image, function):
    """The address of the first one-byte `out %eax,(%dx)` (0xef) in `function`, by objdump."""
    objdump = shutil.which("objdump")
    if not objdump:
        return None
    out = subprocess.run([objdump, "-d", image], capture_output=True, text=True, timeout=60).stdout
    body = re.search(rf"^[0-9a-f]+ <{re.escape(function)}>:\n(.*?)\n\n", out, re.M | re.S)
    m = body and re.search(r"^ *([0-9a-f]+):\s+ef\s+out\s", body.group(1), re.M)
    return int(m.group(1), 16) if m else None


def stepover(irqlab, image, gdb):
    """The stub's own step-over: continuing with the breakpoint still inserted must not hit it
    again (RF is ignored here), and a step moves the pc."""
    kmain = symbol(image, "kmain")
    out = out_insn(image, "pv_hello")
    if kmain is None or out is None:
        print("SKIP: no nm/objdump, or no kmain or OUT in pv_hello in the image")
        return SKIP
    irq = start_irqlab([irqlab, "--cpus", "2", "--gdb", "127.0.0.1:0", "--serial", "none", "--test", "apic.version",
                        image])
    if irq is None:
        return 1
    problems = Problems()
    expect = problems.expect

    def pc(c):
        c.send(b"p10")                             # amd64 register 16: rip
        return int.from_bytes(bytes.fromhex(c.reply().decode()), "little")

    try:
        c = Raw(irq.port)
        c.send(b"?")
        expect("initial stop", c.reply(), rb"T05thread:1;")
        entry = pc(c)
        c.send(b"vCont;s:1")
        expect("step", c.reply(), rb"T05thread:1;")
        after = pc(c)
        if not entry < after < entry + 16:
            problems.append(f"a step from {entry:#x} went to {after:#x}")
        c.send(b"Z1,%x,1" % kmain)
        expect("hbreak kmain", c.reply(), rb"OK")
        c.send(b"vCont;c")
        expect("hit", c.reply(), rb"T05thread:1;hwbreak:;")
        if pc(c) != kmain:
            problems.append("the pc is not kmain at the breakpoint")
        c.send(b"Z1,%x,1" % out)                   # kmain's stays in: stepped over by the stub
        expect("hbreak on an OUT", c.reply(), rb"OK")
        c.send(b"vCont;c")
        expect("hit the OUT", c.reply(), rb"T05thread:1;hwbreak:;")
        c.send(b"vCont;s:1")                       # an I/O exit, then not one instruction more
        expect("step the OUT", c.reply(), rb"T05thread:1;")
        after = pc(c)
        if after != out + 1:
            problems.append(f"a step of the OUT at {out:#x} stopped at {after:#x}, not {out + 1:#x}")
        c.send(b"z1,%x,1" % out)
        expect("remove", c.reply(), rb"OK")
        c.send(b"vCont;c")                         # kmain's breakpoint still in: it runs once
        expect("to the end", c.reply(), rb"W00")
    except (OSError, EOFError, AssertionError, ValueError) as e:
        problems.append(f"connection: {e!r}")
    status, out, err = irq.finish(2 if problems else DEADLINE / 2)
    if status != 0:
        problems.append(f"irqlab status {status}")
    return problems.verdict(err)


def main(argv):
    if len(argv) not in (4, 5) or argv[1] not in ("native", "boot", "raw", "stepover"):
        sys.exit(__doc__.splitlines()[0])
    gdb = argv[4] if len(argv) == 5 else shutil.which("gdb")
    if not kvm_usable():
        print("SKIP: /dev/kvm is not usable here")
        return SKIP
    if argv[1] in ("native", "boot") and not gdb:
        print("SKIP: no gdb")
        return SKIP
    return {"native": native, "boot": boot, "raw": raw, "stepover": stepover}[argv[1]](argv[2], argv[3], gdb)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
