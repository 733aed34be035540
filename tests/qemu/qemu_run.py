# SPDX-License-Identifier: MIT
"""Run the irqlab guest under QEMU (multiboot -kernel, or the UEFI build under OVMF) and read it.

The guest reports KTAP on COM1 (QEMU's -serial stdio: our pipes) and ends through
isa-debug-exit: QEMU's exit status is (v << 1) | 1 for the value v the guest wrote (0 passed,
1 a test failed, 2 crashed). Requests the irqlab host would serve arrive as lines
    # REQUEST <seq> <req> <arg1> ... <arg5>      (numbers in hex or decimal, req as in pvport.h)
and are answered on COM1's receive side with
    REPLY <seq> <ret> <arg1> ... <arg5>          (ret 0 or -errno, as struct pv_msg's)
Machine checks go through QEMU's monitor `mce` command (QMP human-monitor-command on a unix
socket); requests QEMU cannot serve get -ENOSYS and the reason on the harness's stderr, and the
guest reports its test as SKIP. docs/platforms.md describes the protocol.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from irqlab_test import execute, kvm_usable  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PVPORT_H = os.path.join(HERE, "..", "..", "include", "abi", "pvport.h")
OVMF = ("/usr/share/ovmf/OVMF.fd", "/usr/share/OVMF/OVMF_CODE.fd")
QBOOT = "/usr/share/qemu/qboot.rom"
REQUEST = re.compile(r"^\s*# REQUEST (\d+) (\w+)((?: \S+)*)\s*$")
ENOSYS, EINVAL, EIO = 38, 22, 5

# Requests QEMU cannot do from its monitor, and why (each becomes -ENOSYS, the guest SKIPs).
UNSUPPORTED = {
    "PV_REQ_MSI_SIGNAL": "QEMU's monitor cannot signal an arbitrary MSI",
    "PV_REQ_MSI_ROUTE": "QEMU's monitor has no GSI routing",
    "PV_REQ_IRQ_LINE": "QEMU's monitor cannot assert an IOAPIC pin",
    "PV_REQ_IRQFD": "irqfds are a KVM host API, not a guest-visible device",
}


def pv_requests(path=PVPORT_H):
    """enum pv_req from pvport.h: number -> name (one source of truth with the guest)."""
    with open(path) as f:
        text = f.read()
    body = re.search(r"enum pv_req\s*{(.*?)}", text, re.S).group(1)
    names = re.findall(r"^\s*(PV_REQ_\w+)(?:\s*=\s*(\d+))?\s*,", body, re.M)
    out, n = {}, 0
    for name, value in names:
        n = int(value) if value else n
        out[n] = name
        n += 1
    return out


class QmpError(Exception):
    pass


class Qmp:
    """A QMP client on a unix socket; hmp() runs a human monitor command and returns its text."""

    def __init__(self, path, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(timeout)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise QmpError(f"no QMP socket at {path}")
                time.sleep(0.02)
        self.buf = b""
        self._read()                                # the greeting
        self.command("qmp_capabilities")

    def _read(self):
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                msg = json.loads(line)
                if "event" not in msg:
                    return msg
            data = self.sock.recv(65536)
            if not data:
                raise QmpError("QMP socket closed")
            self.buf += data

    def command(self, name, **args):
        self.sock.sendall(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        msg = self._read()
        if "error" in msg:
            raise QmpError(f"{name}: {msg['error'].get('desc', msg['error'])}")
        return msg.get("return")

    def hmp(self, line):
        return self.command("human-monitor-command", **{"command-line": line})

    def close(self):
        self.sock.close()


MCI_STATUS_VAL = 1 << 63


def mce_inject(qmp, args):
    """PV_REQ_MCE_INJECT: arg1 = cpu | bank << 32, arg2 status, arg3 addr, arg4 misc, arg5 MCG_STATUS.
    Refused (-EINVAL) as irqlab's host/vm/mce.c refuses: CPU or bank out of range, no VAL bit."""
    cpu, bank = args[0] & 0xFFFFFFFF, args[0] >> 32
    if cpu >= len(qmp.command("query-cpus-fast")):
        return -EINVAL, [0] * 5, f"refused: target CPU {cpu} out of range"
    if not args[1] & MCI_STATUS_VAL:
        return -EINVAL, [0] * 5, "refused: MCi_STATUS without VAL (bit 63)"
    out = qmp.hmp(f"mce {cpu} {bank} {args[1]:#x} {args[4]:#x} {args[2]:#x} {args[3]:#x}").strip()
    if out:                                     # e.g. "Invalid MCE bank number"
        return -EINVAL, [0] * 5, f"QEMU refused: {out}"
    return 0, [0] * 5, f"mce {cpu} {bank} {args[1]:#x} injected"


HANDLERS = {"PV_REQ_NOP": lambda qmp, args: (0, [0] * 5, "nop"), "PV_REQ_MCE_INJECT": mce_inject}


def answer(line, qmp, names):
    """The REPLY line for one REQUEST line, and a note for the harness's log."""
    m = REQUEST.match(line)
    seq, req = m.group(1), m.group(2)
    try:
        args = [int(a, 0) for a in m.group(3).split()] + [0] * 5
        name = req if req.startswith("PV_REQ_") else names.get(int(req, 0), f"request {req}")
    except ValueError:
        return f"REPLY {seq} {-EINVAL}", f"request {seq}: malformed: {line.strip()!r}"
    if name in HANDLERS and qmp is not None:
        try:
            ret, vals, note = HANDLERS[name](qmp, args[:5])
        except (QmpError, OSError) as e:
            ret, vals, note = -EIO, [0] * 5, f"monitor failed: {e}"
    else:
        ret, vals = -ENOSYS, [0] * 5
        note = UNSUPPORTED.get(name, "no QEMU monitor" if name in HANDLERS else f"{name}: unknown here")
    reply = f"REPLY {seq} {ret} " + " ".join(f"{v:#x}" for v in vals)
    return reply, f"request {seq} {name}: {ret} ({note})"


def qemu_binary():
    return shutil.which("qemu-system-x86_64")


def firmware(kind):
    """Path of OVMF or qboot, or None when the package is missing."""
    paths = OVMF if kind == "ovmf" else (QBOOT,)
    return next((p for p in paths if os.path.exists(p)), None)



def command(platform, image, smp, qmp_path, workdir, mem="128M", cpu=None):
    """QEMU's command line for a platform: qemu-tcg, qemu-kvm (qboot) or ovmf-tcg; `cpu`
    replaces the CPU model (e.g. qemu64,+pdpe1gb: the multiboot entry's 1 GiB-page path)."""
    cmd = [qemu_binary(), "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
           "-m", mem, "-smp", str(smp), "-serial", "stdio",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-qmp", f"unix:{qmp_path},server=on,wait=off"] + (["-cpu", cpu] if cpu else [])
    if platform == "qemu-kvm":
        # SeaBIOS runs in the instruction emulator here (~3.7 s); qboot takes ~0.2 s.
        # The CPUID features irqlab gives its guest (host/vm/guest_cpuid.c); `-cpu host` fails here (MSR 0x10a),
        # and the KVM here has no SSE3 (pni): dropped to keep QEMU quiet.
        model = [] if cpu else ["-cpu", "qemu64,-pni,+x2apic,+tsc-deadline"]
        return cmd + model + ["-accel", "kvm", "-bios", firmware("qboot"), "-kernel", image]
    if platform == "qemu-tcg":
        return cmd + ["-accel", "tcg", "-kernel", image]
    if platform == "ovmf-tcg":
        boot = os.path.join(workdir, "esp", "EFI", "BOOT")
        os.makedirs(boot)
        shutil.copy(image, os.path.join(boot, "BOOTX64.EFI"))
        return cmd + ["-accel", "tcg", "-bios", firmware("ovmf"),
                      "-drive", f"format=raw,file=fat:rw:{os.path.join(workdir, 'esp')}"]
    raise ValueError(f"unknown platform {platform}")


class Run:
    """One QEMU run: serial text, exit status, how it ended, requests answered."""

    def __init__(self):
        self.serial, self.status, self.timed_out, self.notes, self.stderr = "", None, False, [], ""
        self.seconds = 0.0

    def debug_exit(self):
        """The value the guest wrote to isa-debug-exit, or None (no write: reset or QEMU error)."""
        return self.status >> 1 if self.status is not None and self.status & 1 else None


def _pump(proc, run, qmp_path, names):
    """Reader thread: collect COM1 output and answer requests as they come."""
    qmp, lines = None, []
    for raw in iter(proc.stdout.readline, b""):
        line = raw.decode("utf-8", "replace")
        lines.append(line)
        if REQUEST.match(line):
            if qmp is None:
                try:
                    qmp = Qmp(qmp_path)
                except QmpError as e:
                    run.notes.append(f"monitor: {e}")
            reply, note = answer(line, qmp, names)
            run.notes.append(note)
            try:
                proc.stdin.write(reply.encode() + b"\n")
                proc.stdin.flush()
            except OSError:
                pass
    run.serial = "".join(lines)
    if qmp:
        qmp.close()


def run_qemu(platform, image, smp, timeout, cpu=None):
    """Boot `image` on `platform` with `smp` CPUs; a Run (never raises for guest failures)."""
    run, image = Run(), os.path.abspath(image)       # QEMU runs in a scratch directory
    with tempfile.TemporaryDirectory(prefix="irqlab-qemu-") as work:
        qmp_path = os.path.join(work, "qmp.sock")
        cmd = command(platform, image, smp, qmp_path, work, cpu=cpu)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=work)
        reader = threading.Thread(target=_pump, args=(proc, run, qmp_path, pv_requests()))
        reader.start()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            run.timed_out = True
            proc.kill()
            proc.wait()
        reader.join()
        run.seconds = time.monotonic() - start
        run.stderr = proc.stderr.read().decode("utf-8", "replace")
        run.status = proc.returncode
        for f in (proc.stdin, proc.stdout, proc.stderr):
            try:
                f.close()
            except OSError:
                pass
    return run


def required():
    """True when a missing QEMU or firmware must fail, not skip: under CI (CI=true, or
    IRQLAB_REQUIRE_QEMU=1 as ci/test.sh sets), where ci/deps.sh installed them. The QEMU runs
    are the only ones that catch what this KVM hides (e.g. a guest without its EOI write)."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("IRQLAB_REQUIRE_QEMU") == "1"


def unavailable(platform):
    """(why, status) when `platform` cannot run here: status 77 (skip), or 2 when required()
    and what is missing is a package (not /dev/kvm, a property of the machine); None if it can."""
    why = missing(platform)
    if not why:
        return None
    return why, 2 if required() and "/dev/kvm" not in why else 77


def missing(platform):
    """Why `platform` cannot run here, or None."""
    if not qemu_binary():
        return "qemu-system-x86_64 not installed (apt install qemu-system-x86)"
    if platform == "ovmf-tcg" and not firmware("ovmf"):
        return "OVMF not installed (apt install ovmf)"
    if platform == "qemu-kvm" and not firmware("qboot"):
        return f"{QBOOT} not installed (apt install qemu-system-x86)"
    if platform == "qemu-kvm" and not kvm_usable():
        return "no usable /dev/kvm"
    return None


if __name__ == "__main__":
    print(pv_requests(), file=sys.stderr)
