#!/usr/bin/env python3
"""Negative tests of the instruction lint: run guest_insn_lint.py on lint_negative.o with
allow-lists written here and check exactly what it reports and its exit status.

Usage: test_lint.py LINT OBJECT
"""
import os
import subprocess
import sys
import tempfile


def run(lint, obj, allow_text):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(allow_text)
    try:
        r = subprocess.run([sys.executable, lint, "--allow", f.name, obj], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    return r.returncode, r.stdout.splitlines(), r.stderr


def main(lint, obj):
    img = os.path.basename(obj)
    failures = []

    def expect(label, cond, detail):
        print(f"{'ok' if cond else 'not ok'} - {label}")
        if not cond:
            failures.append(f"{label}: {detail}")

    rc, out, err = run(lint, obj, f"{img} listed_func a reason\n")
    funcs = sorted(line.split(": ")[1].split("+")[0] for line in out)
    expect("forbidden instructions outside the allow-list fail the lint", rc == 1, f"exit {rc}")
    expect("popcnt and int3 reported, in exactly the unlisted functions",
           funcs == ["check_unlisted", "not_allowed"], "\n".join(out) + err)
    expect("the report names the instruction",
           any("popcnt" in l for l in out) and any("int3" in l for l in out), "\n".join(out))

    rc, out, err = run(lint, obj, f"{img} listed_func r\n{img} not_allowed r\n{img} check_unlisted r\n")
    expect("every offender listed: clean", rc == 0 and out[-1].startswith("clean:"), f"exit {rc}: {out}")

    rc, out, err = run(lint, obj, f"other.elf not_allowed r\n{img} listed_func r\n{img} check_unlisted r\n")
    expect("an entry for another image excuses nothing here",
           rc == 1 and len(out) == 1 and "not_allowed+" in out[0], f"exit {rc}: {out}")

    rc, out, err = run(lint, obj, f"{img} listed_func r\n{img} not_allowed r\n{img} check_unlisted r\n"
                                  f"{img} padded_func r\n")
    expect("a stale entry (nothing to excuse) fails",
           rc == 1 and len(out) == 1 and "padded_func" in out[0], f"exit {rc}: {out}")

    rc, out, err = run(lint, obj, f"{img} listed_func\n")
    expect("an entry without a reason is refused", rc == 2 and "REASON" in err, f"exit {rc}: {err}")

    for f in failures:
        print(f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[-1])
    sys.exit(main(sys.argv[1], sys.argv[2]))
