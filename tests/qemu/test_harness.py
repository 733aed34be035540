#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of the QEMU harness itself.

usage: test_harness.py unit                  KTAP parsing, expectations, exit mapping, requests
                                             over a fake serial line and a fake QMP server
       test_harness.py monitor IMAGE         QMP against a real (paused) QEMU: `mce` accepted,
                                             a bad bank refused; 77 without qemu-system-x86_64
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import ktap  # noqa: E402
import qemu_run  # noqa: E402

GOOD = """\x1b[2JBdsDxe: starting Boot0001\r
irqlab-efi: loading\r
KTAP version 1
1..1
  KTAP version 1
  # Subtest: apic
  1..3
  ok 1 a
  # apic.c:1: LVT reads 0x50
  not ok 2 b
  ok 3 c # SKIP no x2APIC: CPUID.01H:ECX[21] clear
not ok 1 apic
"""

EXPECT = """# comment
platform qemu-tcg ovmf-*
fail apic.b   TCG leaves the LVTs unmasked
skip apic.c   no x2APIC here
platform qemu-kvm
skip apic.c smp<2   a made-up condition
"""


class FakeQmp:
    """A QMP server on a unix socket that records HMP command lines and answers with `reply`."""

    def __init__(self, path, reply=""):
        self.lines, self.reply = [], reply
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(path)
        self.srv.listen(1)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        conn, _ = self.srv.accept()
        with conn, conn.makefile("rwb") as f:
            self.talk(f)
        self.srv.close()

    def talk(self, f):
        f.write(b'{"QMP": {"version": {}, "capabilities": []}}\n')
        f.flush()
        for line in f:
            msg = json.loads(line)
            if msg["execute"] == "human-monitor-command":
                self.lines.append(msg["arguments"]["command-line"])
            ret = {"qmp_capabilities": {}, "query-cpus-fast": [{"cpu-index": 0}, {"cpu-index": 1}]}
            f.write(json.dumps({"return": ret.get(msg["execute"], self.reply)}).encode() + b"\n")
            f.flush()


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


class Ktap(unittest.TestCase):
    def test_good(self):
        r = ktap.parse_ktap(GOOD)
        self.assertTrue(r.complete(), r.problems)
        self.assertEqual([(n, x.verdict) for n, x in r.results.items()],
                         [("apic.a", "pass"), ("apic.b", "fail"), ("apic.c", "skip")])
        self.assertEqual(r.results["apic.b"].diag, ["apic.c:1: LVT reads 0x50"])
        self.assertEqual(r.results["apic.c"].reason, "no x2APIC: CPUID.01H:ECX[21] clear")

    def test_truncated(self):
        cut = GOOD[:GOOD.index("  ok 3")] + "  # ERROR unexpected exception 13\n"
        r = ktap.parse_ktap(cut)
        self.assertFalse(r.complete())
        self.assertIn("never finished", r.problems[-1])

    def test_wrong_counts(self):
        self.assertFalse(ktap.parse_ktap(GOOD.replace("  1..3", "  1..4")).complete())
        self.assertFalse(ktap.parse_ktap(GOOD.replace("\n1..1\n", "\n1..2\n")).complete())
        self.assertFalse(ktap.parse_ktap(GOOD.replace("ok 3 c", "ok 4 c")).complete())
        self.assertFalse(ktap.parse_ktap("no ktap at all\n").complete())

    def test_irqlab_boot_crash(self):
        r = ktap.parse_ktap("KTAP version 1\n1..1\nnot ok 1 boot # ERROR triple fault\n")
        self.assertEqual(r.results["boot.boot"].verdict, "error")


class Expectations(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.path = write(self.tmp, "x.expect", EXPECT)

    def test_as_expected(self):
        e = ktap.load_expectations(self.path, "qemu-tcg")
        self.assertEqual(ktap.compare(ktap.parse_ktap(GOOD), e, 1), [])

    def test_unexpected_both_ways(self):
        e = ktap.load_expectations(self.path, "qemu-kvm")
        bad = ktap.compare(ktap.parse_ktap(GOOD.replace("not ok 2 b", "ok 2 b")), e, 1)
        self.assertEqual(bad, [])
        bad = ktap.compare(ktap.parse_ktap(GOOD), e, 1)
        self.assertEqual(len(bad), 1)
        self.assertIn("apic.b: expected pass", bad[0])
        bad = ktap.compare(ktap.parse_ktap(GOOD), e, 2)           # smp<2 no longer applies
        self.assertTrue(any(b.startswith("apic.c: expected pass, got skip") for b in bad))
        e = ktap.load_expectations(self.path, "ovmf-tcg")
        bad = ktap.compare(ktap.parse_ktap(GOOD.replace("not ok 2 b", "ok 2 b")), e, 1)
        self.assertIn("apic.b: expected fail", bad[0])            # an unexpected pass fails too

    def test_flaky(self):
        path = write(self.tmp, "f.expect", "platform *\nflaky apic.b  timing bound under TCG\n"
                     "skip apic.c  no x2APIC\n")
        e = ktap.load_expectations(path, "qemu-tcg")
        for text in (GOOD, GOOD.replace("not ok 2 b", "ok 2 b")):
            self.assertEqual(ktap.compare(ktap.parse_ktap(text), e, 1), [])
        bad = ktap.compare(ktap.parse_ktap(GOOD.replace("not ok 2 b", "ok 2 b # SKIP gone")), e, 1)
        self.assertEqual(len(bad), 1)                            # flaky never accepts a skip

    def test_stale_and_syntax(self):
        stale = write(self.tmp, "s.expect", "platform *\nskip apic.gone  removed test\n")
        bad = ktap.compare(ktap.parse_ktap(GOOD), ktap.load_expectations(stale, "qemu-tcg"), 1)
        self.assertTrue(any("matches no test" in b for b in bad))
        for text in ("platform *\nskip apic.a\n", "platform *\nmaybe apic.a why\n"):
            with self.assertRaises(ValueError):
                ktap.load_expectations(write(self.tmp, "b.expect", text), "qemu-tcg")


class ExitMapping(unittest.TestCase):
    def run_with(self, serial, status, timed_out=False, stderr=""):
        run = qemu_run.Run()
        run.serial, run.status, run.timed_out, run.stderr = serial, status, timed_out, stderr
        path = write(tempfile.mkdtemp(), "e.expect", EXPECT)
        return harness.evaluate(run, "qemu-tcg", 1, path)

    def test_statuses(self):
        self.assertEqual(self.run_with(GOOD, 3)[0], harness.EXIT_OK)          # v = 1: known fail
        self.assertEqual(self.run_with(GOOD, 1)[0], harness.EXIT_CRASH)       # v = 0 disagrees
        self.assertEqual(self.run_with(GOOD, 5)[0], harness.EXIT_CRASH)       # v = 2: crashed
        self.assertEqual(self.run_with(GOOD, 0)[0], harness.EXIT_CRASH)       # reset, no exit
        self.assertEqual(self.run_with(GOOD, -9, True)[0], harness.EXIT_CRASH)
        self.assertEqual(self.run_with("", 1, stderr="qemu: no kernel")[0], harness.EXIT_USAGE)
        self.assertEqual(self.run_with("", 1)[0], harness.EXIT_CRASH)         # exit before KTAP
        ok_b = GOOD.replace("not ok 2 b", "ok 2 b").replace("not ok 1 apic", "ok 1 apic")
        self.assertEqual(self.run_with(ok_b, 1)[0], harness.EXIT_UNEXPECTED)  # expected fail


class Requests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.sock = os.path.join(self.tmp, "qmp.sock")
        self.names = qemu_run.pv_requests()

    def test_pvport_enum(self):
        self.assertEqual(self.names[0], "PV_REQ_NOP")
        self.assertIn("PV_REQ_MCE_INJECT", self.names.values())

    def test_mce_through_qmp(self):
        fake = FakeQmp(self.sock)
        qmp = qemu_run.Qmp(self.sock)
        req = [k for k, v in self.names.items() if v == "PV_REQ_MCE_INJECT"][0]
        reply, note = qemu_run.answer(f"  # REQUEST 7 {req} 0x300000001 0xb200000000000000 0x1234 0 0x5",
                                      qmp, self.names)
        self.assertEqual(reply.split()[:3], ["REPLY", "7", "0"])
        self.assertEqual(fake.lines, ["mce 1 3 0xb200000000000000 0x5 0x1234 0x0"])
        fake.reply = "Invalid MCE bank number\r\n"
        reply, note = qemu_run.answer(f"# REQUEST 8 {req} 0x6300000000 1<<63 0 0 0".replace(
            "1<<63", hex(1 << 63)), qmp, self.names)
        self.assertEqual(reply.split()[2], str(-qemu_run.EINVAL))
        self.assertIn("Invalid MCE bank", note)
        for args, why in (("0x2 0x8000000000000000", "CPU 2 out of range"), ("0x1 0x1", "without VAL")):
            reply, note = qemu_run.answer(f"# REQUEST 9 {req} {args} 0 0 0", qmp, self.names)
            self.assertEqual(reply.split()[2], str(-qemu_run.EINVAL))
            self.assertIn(why, note)
        self.assertEqual(len(fake.lines), 2)          # the refused ones never reached QEMU
        qmp.close()

    def test_unsupported_and_malformed(self):
        reply, note = qemu_run.answer("# REQUEST 3 PV_REQ_IRQFD 0x20", None, self.names)
        self.assertEqual(reply.split()[2], str(-qemu_run.ENOSYS))
        self.assertIn("irqfd", note)
        reply, _ = qemu_run.answer("# REQUEST 4 1 zz", None, self.names)
        self.assertEqual(reply, f"REPLY 4 {-qemu_run.EINVAL}")

    def test_serial_round_trip(self):
        """The reader thread answers a request written on "COM1" through the process's stdin."""
        FakeQmp(self.sock)
        child = ("import sys\nprint('# REQUEST 9 PV_REQ_MCE_INJECT 0 0x8000000000000000 0 0 0')\n"
                 "sys.stdout.flush()\nprint('got ' + sys.stdin.readline().strip())\n")
        proc = subprocess.Popen([sys.executable, "-c", child], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE)
        run = qemu_run.Run()
        qemu_run._pump(proc, run, self.sock, self.names)
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()
        self.assertIn("got REPLY 9 0 ", run.serial)
        self.assertIn("PV_REQ_MCE_INJECT: 0", run.notes[0])


def monitor(image):
    gone = qemu_run.unavailable("qemu-tcg")
    if gone:
        print(f"1..0 # SKIP {gone[0]}" if gone[1] == 77 else f"required under CI: {gone[0]}")
        return gone[1]
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "qmp.sock")
        cmd = qemu_run.command("qemu-tcg", image, 1, sock, tmp) + ["-S"]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        try:
            qmp = qemu_run.Qmp(sock)
            good = qmp.hmp("mce 0 1 0x9000000000000000 0 0 0").strip()
            bad = qmp.hmp("mce 0 200 0x9000000000000000 0 0 0").strip()
            status = qmp.command("query-status")["status"]
            qmp.command("quit")
        finally:
            proc.kill()
            proc.wait()
    print(f"monitor: mce in bank 1 -> {good!r}; bank 200 -> {bad!r}; VM {status}")
    return 0 if good == "" and "bank" in bad.lower() and status == "prelaunch" else 1


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "unit":
        ok = unittest.main(argv=sys.argv[:1] + sys.argv[2:], verbosity=2, exit=False).result.wasSuccessful()
        sys.exit(0 if ok else 1)
    if len(sys.argv) == 3 and sys.argv[1] == "monitor":
        sys.exit(monitor(sys.argv[2]))
    sys.exit(__doc__.strip().splitlines()[2])
