#!/usr/bin/env python3
"""ci_recipes.py SOURCE_ROOT BUILD_DIR IRQLAB: the CI recipes in ci/ (docs/ci.md) would run.

Each recipe (ci/lava/irqlab.yaml, ci/gitlab-ci.yml, ci/github-actions.yml) must parse as YAML and
have its system's shape, and every command it runs must name things that exist: scripts of the
repository (bash ci/..., python3 ci/...), programs of the build (build/host/irqlab), ninja
targets of build.ninja, irqlab options that `irqlab --help` lists (also those given to
ci/run-suite.sh, which passes them on). Every artifact it keeps must be written by one of its
commands or by meson test. The result helpers (ci/lava/lava_results.py, ci/compare_results.py)
are run on made-up results. TAP on stdout; exit 0 clean, 1 findings.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

import yaml

RECIPES = ["ci/lava/irqlab.yaml", "ci/gitlab-ci.yml", "ci/github-actions.yml"]
COMMAND_KEYS = {"steps", "script", "before_script", "after_script", "run"}
OPERATORS = {";", "|", "||", "&&", "&", "then", "else", "do", "if", "fi", "done", "!"}
IRQLAB_COMMANDS = {"build/host/irqlab", "ci/run-suite.sh"}


def command_lines(node, key=None):
    """Every shell line found under a command key, however deep."""
    if isinstance(node, dict):
        return [line for k, v in node.items() for line in command_lines(v, k)]
    if isinstance(node, list):
        return [line for v in node for line in command_lines(v, key)]
    if isinstance(node, str) and key in COMMAND_KEYS:
        return [ln.strip() for ln in node.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return []


def simple_commands(line):
    """The line's simple commands as token lists, without redirections."""
    lex = shlex.shlex(line, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    cmds, cur, redirect = [], [], False
    for tok in lex:
        if tok in OPERATORS:
            cmds, cur = cmds + [cur] if cur else cmds, []
        elif tok in (">", ">>", "<", "2>"):
            redirect = True
        elif redirect:
            redirect = False
        else:
            cur.append(tok)
    return [c for c in cmds + [cur] if c and c[0] not in ("[", "exit", "echo", "cat", "status=0")]


def check_command(cmd, ctx, problems):
    prog, args = cmd[0], cmd[1:]
    if prog in ("bash", "sh", "python3") and args:
        prog, args = args[0], args[1:]
    if "/" in prog:
        base = ctx["build"] if prog.startswith("build/") else ctx["source"]
        rel = prog[len("build/"):] if prog.startswith("build/") else prog
        if not os.path.exists(os.path.join(base, rel)):
            problems.append(f"runs {prog}, which does not exist")
    if prog in IRQLAB_COMMANDS:
        for a in args:
            opt = a.split("=", 1)[0]
            if opt.startswith("--") and not re.search(r"(^|\s)" + re.escape(opt) + r"\b", ctx["help"]):
                problems.append(f"irqlab option {opt} is not in irqlab --help")
    if prog == "ninja":
        targets = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "-C")]
        problems += [f"ninja target {t} is not in build.ninja" for t in targets if t not in ctx["targets"]]
    for tok in cmd:
        if tok != prog and re.match(r"(ci|tests|docs)/[\w./-]+$", tok) and not os.path.exists(os.path.join(ctx["source"], tok)):
            problems.append(f"names {tok}, which does not exist")


def artifacts(doc):
    """Paths a GitLab job or a GitHub upload step keeps."""
    out = []
    for job in doc.values() if isinstance(doc, dict) else []:
        if isinstance(job, dict) and isinstance(job.get("artifacts"), dict):
            a = job["artifacts"]
            out += a.get("paths", []) + list(a.get("reports", {}).values())
        for step in job.get("steps", []) if isinstance(job, dict) else []:
            if isinstance(step, dict) and "upload-artifact" in str(step.get("uses", "")):
                out += str(step.get("with", {}).get("path", "")).split()
    return out


def check_shape(path, doc):
    if path.endswith("irqlab.yaml"):
        meta = doc.get("metadata", {})
        ok = meta.get("format") == "Lava-Test Test Definition 1.0" and meta.get("name") and \
            isinstance(doc.get("run", {}).get("steps"), list)
        return [] if ok else ["not a LAVA test definition (metadata.format, metadata.name, run.steps)"]
    if "github" in path:
        jobs = doc.get("jobs", {})
        return [f"job {j} lacks runs-on or steps" for j, v in jobs.items() if "runs-on" not in v or "steps" not in v] \
            or ([] if jobs else ["no jobs"])
    return [f"job {j} has no script" for j, v in doc.items() if isinstance(v, dict) and "script" not in v]


def check_recipe(path, ctx):
    try:
        with open(os.path.join(ctx["source"], path), encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        return [f"does not load: {e}"]
    problems = check_shape(path, doc)
    lines = command_lines(doc)
    for line in lines:
        for cmd in simple_commands(line):
            check_command(cmd, ctx, problems)
    text = "\n".join(lines)
    problems += [f"keeps {a}, which no command writes" for a in artifacts(doc)
                 if a not in text and not a.startswith("build/meson-logs/")]
    return problems


def check_helpers(source):
    """The result helpers on two made-up runs that differ in one test."""
    def run(*args):
        p = subprocess.run([sys.executable, *args], capture_output=True, text=True, env={"PATH": "/nonexistent"})
        return p.returncode, p.stdout
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for host, result in (("a", "xfail"), ("b", "fail")):
            doc = {"format": "irqlab-results", "exit_status": 0 if result == "xfail" else 1, "suites": [
                {"name": "apic", "tests": [{"name": "version", "result": "pass"}, {"name": "lvt", "result": result}]}]}
            with open(os.path.join(tmp, host + ".json"), "w") as f:
                json.dump(doc, f)
        status, out = run(os.path.join(source, "ci/lava/lava_results.py"), os.path.join(tmp, "b.json"))
        if status or out != "apic.version: pass\napic.lvt: fail\nirqlab-run: fail\n":
            problems.append(f"lava_results.py: exit {status}, printed {out!r}")
        status, out = run(os.path.join(source, "ci/compare_results.py"), os.path.join(tmp, "a.json"),
                          os.path.join(tmp, "b.json"))
        if status != 1 or not re.search(r"^apic\.lvt +xfail +fail$", out, re.M):
            problems.append(f"compare_results.py: exit {status}, printed {out!r}")
    return problems


def main(source, build, irqlab):
    with open(os.path.join(build, "build.ninja"), encoding="utf-8") as f:
        targets = set(re.findall(r"^build ([^:\s]+):", f.read(), re.M))
    helptext = subprocess.run([irqlab, "--help"], capture_output=True, text=True).stdout
    ctx = {"source": source, "build": build, "targets": targets, "help": helptext}
    results = [(p, check_recipe(p, ctx)) for p in RECIPES] + [("result helpers", check_helpers(source))]
    print(f"TAP version 13\n1..{len(results)}")
    for i, (name, problems) in enumerate(results, 1):
        print(f"{'not ' if problems else ''}ok {i} {name}")
        for p in problems:
            print(f"# {p}")
    return 1 if any(p for _, p in results) else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
