#!/usr/bin/env python3
"""include_cycles.py HOST_DIR: fail (TAP) if host/ has a dependency cycle between objects.

An object is x.c with x.h. Object A depends on B when a.c or a.h includes "b.h". A header whose
first comment says "Internal to <name>..." (report_ktap.h: "Internal to report*.c") is part of
object <name>, not an object of its own. The graph must be acyclic: the layering of
docs/architecture.md (decoder -> session -> services; vm -> vcpu -> exit -> devices) holds only
while no lower file includes a higher one.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^#include "([^"/]+)\.h"', re.M)
INTERNAL = re.compile(r"^/\*\s*Internal to ([A-Za-z0-9_]+)", re.M)


def sources(host):
    """Every file under host/ (its layers are folders), as a path relative to it."""
    return sorted(os.path.relpath(os.path.join(d, f), host) for d, _, fs in os.walk(host) for f in fs)


def objects(host):
    """{file stem: object name}"""
    owner = {}
    for f in sources(host):
        stem, ext = os.path.splitext(os.path.basename(f))
        if ext not in (".c", ".h"):
            continue
        owner.setdefault(stem, stem)
        if ext == ".h":
            m = INTERNAL.search(open(os.path.join(host, f)).read(1000))
            if m:
                owner[stem] = m.group(1).rstrip("_")
    return owner


def graph(host):
    owner = objects(host)
    deps = {}
    for f in sources(host):
        stem, ext = os.path.splitext(os.path.basename(f))
        if ext not in (".c", ".h"):
            continue
        src = owner[stem]
        for inc in INCLUDE.findall(open(os.path.join(host, f)).read()):
            if inc in owner and owner[inc] != src:
                deps.setdefault(src, set()).add(owner[inc])
    return deps


def cycles(deps):
    """Strongly connected components with more than one object (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(deps.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(deps):
        if v not in index:
            visit(v)
    return out


def main(argv):
    deps = graph(argv[0])
    found = cycles(deps)
    print("1..1")
    if found:
        print("not ok 1 include cycles in host/")
        for comp in found:
            edges = [f"{a} -> {b}" for a in comp for b in sorted(deps.get(a, ())) if b in comp]
            print(f"# cycle among {', '.join(comp)}: {'; '.join(edges)}")
        return 1
    print(f"ok 1 no include cycle among {len(set(deps) | set().union(*deps.values()))} host objects")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
