#!/usr/bin/env python3
"""install.py BUILD_DIR MESON: an installed irqlab works on its own, wherever it is moved.

`meson install --destdir` stages the installation, the staged tree is moved elsewhere (so no
compiled-in path leads to it) and the installed irqlab runs from there, from a folder outside
the source and build trees, without IRQLAB_* in its environment. It must find its guest (the
JSON report names the image it ran) and its platform files (the same `# platform ...` line as the
build tree's irqlab, known defects as XFAIL, exit 0); with its platform files removed it must say
so. Exit 0 when all holds, 1 otherwise, 77 without a usable /dev/kvm (after the install checks).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from irqlab_test import execute, kvm_usable  # noqa: E402

PLATFORM_LINE = re.compile(r"^# platform \S+: (\d+) known defects recorded$", re.M)
NOT_FOUND = "platform files not found in "


def stage(build, meson, tmp):
    """Install into tmp/stage, move it to tmp/moved; {build-tree source: moved path}."""
    with open(os.path.join(build, "meson-info", "intro-installed.json")) as f:
        installed = json.load(f)
    subprocess.run([meson, "install", "-C", build, "--no-rebuild", "--quiet", "--destdir",
                    os.path.join(tmp, "stage")], check=True, stdout=subprocess.DEVNULL)
    shutil.move(os.path.join(tmp, "stage"), os.path.join(tmp, "moved"))
    return {src: os.path.join(tmp, "moved") + dst for src, dst in installed.items()}


def check_files(build, where, problems):
    """The launcher, the guest, the platform files, the docs and the man page are installed."""
    def dest(suffix):
        found = [d for s, d in where.items() if s.endswith(suffix)]
        if not found:
            problems.append(f"nothing installs {suffix}")
        return found[0] if found else ""
    wanted = [dest("host/irqlab"), dest("guest/irqlab-guest.elf"), dest("man/irqlab.1"),
              os.path.join(dest("/docs"), "cli.md"), os.path.join(dest("/platforms"), "kvm-pvm.expect")]
    problems += [f"not installed: {p}" for p in wanted if not os.path.isfile(p)]
    return dest("host/irqlab"), dest("/platforms")


def run(cmd, cwd, problems, status=0):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IRQLAB_")}
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if proc.returncode != status:
        problems.append(f"{' '.join(cmd)}: exit {proc.returncode}, expected {status}\n"
                        f"{proc.stdout}{proc.stderr}")
    return proc.stdout, proc.stderr


def check_runs(build, irqlab, platforms, tmp, problems):
    built, _ = run([os.path.join(build, "host", "irqlab"), "--test", "apic.version"], tmp, problems)
    out, err = run([irqlab, "--test", "mce.*,ioapic.*"], tmp, problems)
    want, got = PLATFORM_LINE.search(built), PLATFORM_LINE.search(out)
    if not want or not got or want.group(0) != got.group(0):
        problems.append(f"platform line {got and got.group(0)!r}, the build tree's {want and want.group(0)!r}")
    elif int(got.group(1)) > 0 and not re.search(r"^  ok \d+ \S+ # XFAIL known defect", out, re.M):
        problems.append(f"known defects recorded but no XFAIL in:\n{out}")
    if NOT_FOUND in out + err:
        problems.append(f"the installed irqlab did not find its platform files:\n{out}{err}")
    out, _ = run([irqlab, "--test", "apic.version", "--format", "json"], tmp, problems)
    image = json.loads(out).get("image", "") if out.startswith("{") else ""
    if not image.startswith(os.path.join(tmp, "moved") + "/"):
        problems.append(f"the installed irqlab ran {image!r}, not its installed guest")
    shutil.rmtree(platforms)
    out, err = run([irqlab, "--test", "apic.version"], tmp, problems)
    if not re.search("^# " + NOT_FOUND, out, re.M) or NOT_FOUND not in err:
        problems.append(f"no platform files, and irqlab did not say so:\n{out}{err}")


def main(build, meson):
    build = os.path.abspath(build)
    problems = []
    with tempfile.TemporaryDirectory(prefix="irqlab-install-") as tmp:
        where = stage(build, meson, tmp)
        irqlab, platforms = check_files(build, where, problems)
        if not problems and not kvm_usable():
            print("SKIP: /dev/kvm is not usable here (the installation itself is complete)")
            return 77
        if not problems:
            check_runs(build, irqlab, platforms, tmp, problems)
    print("\n".join(problems) if problems else "ok: the moved installation runs on its own")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
