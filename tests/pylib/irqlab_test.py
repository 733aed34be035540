"""Helpers the project's Python test scripts share (tests/e2e, tests/boot, tests/qemu)."""
import os
import re
import signal
import subprocess
import xml.etree.ElementTree as ET

# A result line of the multiboot test kernel's TAP (tests/boot/mbkernel): `ok N - name`.
TAP_RESULT = re.compile(r"^(not )?ok (\d+) - (.*?)( # SKIP .*)?$")


def kvm_usable():
    """True if /dev/kvm can be opened read-write here (tests skip with 77 otherwise)."""
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
        return True
    except OSError:
        return False


def execute(cmd, timeout, stdout_path=None):
    """Run cmd in its own process group; (status, stdout, stderr) as text, status None when it
    had to be killed after `timeout` seconds (its whole group is killed). With stdout_path,
    stdout goes to that file (e.g. /dev/full) and is returned as ''."""
    sink = open(stdout_path, "wb") if stdout_path else None
    try:
        proc = subprocess.Popen(cmd, stdout=sink or subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    finally:
        if sink:
            sink.close()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        out = out or b""
        err += f"\n[killed after {timeout} s]".encode()
        return None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    return proc.returncode, (out or b"").decode("utf-8", "replace"), err.decode("utf-8", "replace")


def parse_junit(path, problems):
    """The root element of irqlab's JUnit file, a root other than <testsuites> noted in
    `problems`; None, the reason noted, if the file cannot be read or parsed."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        problems.append(f"JUnit file {path}: {e}")
        return None
    if root.tag != "testsuites":
        problems.append(f"JUnit root is <{root.tag}>")
    return root


class Tap:
    """A test script's own TAP for meson: one ok() per check; the caller prints `1..{n}` last."""

    def __init__(self):
        self.n = 0

    def ok(self, cond, what, diag=""):
        """`ok N - what`, or `not ok` and diag (any value, as text) as `# ` lines; returns cond."""
        self.n += 1
        print(f"{'' if cond else 'not '}ok {self.n} - {what}")
        if not cond and diag:
            print("".join(f"# {line}\n" for line in str(diag).rstrip("\n").splitlines()), end="")
        return cond


def tap_results(out):
    """The TAP_RESULT lines of `out` as [(number, ok, name)]; diagnostics are ignored."""
    return [(int(m[2]), not m[1], m[3]) for m in map(TAP_RESULT.match, out.splitlines()) if m]
