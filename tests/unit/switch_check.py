#!/usr/bin/env python3
"""switch_check.py HOST_DIR INCLUDE_DIR CC [CC_ARGS...]: prove that a port command without a
handler does not compile (TAP output).

The session dispatches each enum pv_cmd value in one switch without default, and the decoder
reads each command's fields the same way; host/meson.build compiles with -Werror=switch. This
compiles session.c and pv_decode.c as they are (must succeed), with one command's case removed
(must fail naming it), and against a copy of include/abi/pvport.h with a new command (must fail
naming it): adding a command without a handler is a build error, not a crash at run time.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SOURCES = ["session.c", "pv_decode.c"]
FLAGS = ["-std=gnu11", "-D_GNU_SOURCE", "-Wall", "-Werror=switch", "-c", "-o", os.devnull]


def compile_(cc, incs, src_text, name, tmp):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(src_text)
    p = subprocess.run(cc + FLAGS + [f"-I{i}" for i in incs] + [path], capture_output=True, text=True)
    return p.returncode, p.stderr


def main(argv):
    host, include, cc = argv[0], argv[1], argv[2:]
    hosts = [d for d, _, _ in os.walk(host)]   # host/ and its layers' folders
    where = {f: os.path.join(d, f) for d, _, fs in os.walk(host) for f in fs}
    n, failed = 0, 0

    def ok(cond, what):
        nonlocal n, failed
        n += 1
        failed += not cond
        print(f"{'' if cond else 'not '}ok {n} {what}")

    with tempfile.TemporaryDirectory(prefix="irqlab-switch-") as tmp:
        abi = os.path.join(tmp, "inc", "abi")
        os.makedirs(abi)
        with open(os.path.join(include, "abi", "pvport.h")) as f:
            header = f.read()
        with open(os.path.join(abi, "pvport.h"), "w") as f:
            f.write(header.replace("\tPV_CMD_COUNT\n", "\tPV_CMD_NEW_UNHANDLED,\n\tPV_CMD_COUNT\n", 1))
        for name in SOURCES:
            with open(where[name]) as f:
                text = f.read()
            status, err = compile_(cc, hosts + [include], text, name, tmp)
            ok(status == 0, f"{name} compiles as it is" + ("" if status == 0 else f": {err}"))
            dropped = re.sub(r"^\s*case PV_CMD_METRIC:.*\n", "", text, count=1, flags=re.M)
            ok(dropped != text, f"{name}: has a case for PV_CMD_METRIC")
            status, err = compile_(cc, hosts + [include], dropped, name, tmp)
            ok(status != 0 and "PV_CMD_METRIC" in err, f"{name} without PV_CMD_METRIC's case does not compile")
            status, err = compile_(cc, hosts + [os.path.join(tmp, "inc")], text, name, tmp)
            ok(status != 0 and "PV_CMD_NEW_UNHANDLED" in err, f"{name} with a new command and no case does not compile")
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
