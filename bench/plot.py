#!/usr/bin/env python3
"""Plots of the benchmarks' CSV results as SVG (matplotlib: Debian's python3-matplotlib).

Usage: plot.py KIND CSV SVG [KIND CSV SVG ...]
Kinds and the CSV columns they read (the benchmarks write these files, docs/performance.md):
  bringup  vcpus,run,bringup_ms,per_ap_us,wall_ms     AP bring-up time per vCPU count (log-log)
  ipi      source,mode,rtt_us                          IPI round-trip histogram, irqlab vs raw KVM
           (raw: every round trip; irqlab: each run's min and deciles, which the guest reports)
  boot     case,run,wall_ms                            boot wall time per launcher (log scale)
  launch   case,run,first_ms,exit_ms                   irqlab launch beside the raw-KVM floor
The benchmarks call render(); when the Python running them has no matplotlib (a pyenv build, say)
it runs this file with the system's python3, which has Debian's package.
"""
import csv
import os
import statistics
import subprocess
import sys
from collections import defaultdict

SYSTEM_PYTHONS = ("/usr/bin/python3", "python3")


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path, fields, rows):
    """One CSV file; rows are dicts (or sequences in `fields` order)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for r in rows:
            w.writerow([r[k] for k in fields] if isinstance(r, dict) else r)


def _setup():
    import matplotlib
    matplotlib.use("svg")
    matplotlib.rcParams["svg.hashsalt"] = "irqlab"   # stable ids: committed SVGs diff cleanly
    matplotlib.rcParams["svg.fonttype"] = "none"
    import matplotlib.pyplot as plt
    return plt


def bringup(rows, svg):
    plt = _setup()
    by = defaultdict(list)
    for r in rows:
        by[int(r["vcpus"])].append(r)
    n = sorted(by)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for key, label, marker in (("bringup_ms", "bring-up (guest-measured)", "o"),
                               ("wall_ms", "launch to exit (wall)", "s")):
        med = [statistics.median(float(r[key]) for r in by[c]) for c in n]
        lo = [min(float(r[key]) for r in by[c]) for c in n]
        hi = [max(float(r[key]) for r in by[c]) for c in n]
        ax.errorbar(n, med, yerr=[[m - a for m, a in zip(med, lo)], [b - m for m, b in zip(med, hi)]],
                    marker=marker, capsize=3, label=label)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(n, [str(c) for c in n])
    ax.set_xlabel("vCPUs")
    ax.set_ylabel("ms (median, bars: min-max)")
    ax.set_title("AP bring-up (INIT-SIPI-SIPI broadcast)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(svg)
    plt.close(fig)


def ipi(rows, svg):
    plt = _setup()
    data = defaultdict(list)
    for r in rows:
        data[(r["mode"], r["source"])].append(float(r["rtt_us"]))
    modes = sorted({m for m, _ in data})
    fig, axes = plt.subplots(len(modes), 1, figsize=(6.4, 2.6 * len(modes)), squeeze=False)
    for ax, mode in zip(axes[:, 0], modes):
        vals = [v for (m, _), vs in data.items() if m == mode for v in vs]
        lo, hi = min(vals), max(vals) * 1.001
        bins = [lo * (hi / lo) ** (i / 50) for i in range(51)]   # log-spaced: the tail is long
        for source in ("raw KVM floor", "irqlab"):
            vs = data.get((mode, source), [])
            if vs:
                ax.hist(vs, bins=bins, alpha=0.6, weights=[1 / len(vs)] * len(vs),
                        label=f"{source} ({len(vs)} values, median {statistics.median(vs):.1f} us)")
        ax.set_xscale("log")
        ax.set_title(f"IPI round trip, {mode}")
        ax.set_xlabel("round trip, us (log)")
        ax.set_ylabel("fraction of round trips")
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(svg)
    plt.close(fig)


def _bars(rows, svg, key, title, log):
    plt = _setup()
    by = defaultdict(list)
    for r in rows:
        by[r["case"]].append(float(r[key]))
    cases = list(by)                      # file order: the table's order
    med = [statistics.median(by[c]) for c in cases]
    lo = [m - min(by[c]) for m, c in zip(med, cases)]
    hi = [max(by[c]) - m for m, c in zip(med, cases)]
    fig, ax = plt.subplots(figsize=(6.4, 0.55 * len(cases) + 1.4))
    y = list(range(len(cases)))
    ax.barh(y, med, xerr=[lo, hi], capsize=3, color="#4c72b0")
    for yi, m, c in zip(y, med, cases):
        ax.text(max(by[c]) * (1.04 if log else 1.0), yi, f" {m:.1f}", va="center", ha="left", fontsize="small")
    ax.set_xlim(right=max(max(v) for v in by.values()) * (2.5 if log else 1.2))
    ax.set_yticks(y, cases)
    ax.invert_yaxis()
    if log:
        ax.set_xscale("log")
    ax.set_xlabel("wall ms (median, bars: min-max)")
    ax.set_title(title)
    ax.grid(True, axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(svg)
    plt.close(fig)


def boot(rows, svg):
    _bars(rows, svg, "wall_ms", "Multiboot SMP test kernel: boot to exit", True)


def launch(rows, svg):
    _bars(rows, svg, "exit_ms", "irqlab launch beside the raw-KVM floor: wall to exit", False)


KINDS = {"bringup": bringup, "ipi": ipi, "boot": boot, "launch": launch}


def _have_matplotlib():
    try:
        import matplotlib  # noqa: F401
        return True
    except ImportError:
        return False


def system_python():
    """A python3 that has matplotlib, or None."""
    for py in SYSTEM_PYTHONS:
        try:
            if subprocess.run([py, "-c", "import matplotlib"], capture_output=True).returncode == 0:
                return py
        except OSError:
            pass
    return None


def render(jobs):
    """jobs: [(kind, csv, svg)]. In-process with matplotlib, else through the system python3.
    Returns the SVGs written; says why on stderr when it cannot plot (the CSVs stay)."""
    if _have_matplotlib():
        for kind, src, svg in jobs:
            KINDS[kind](read(src), svg)
        return [svg for _, _, svg in jobs]
    py = system_python()
    if not py:
        print("plot: no matplotlib (apt-get install python3-matplotlib): CSV only", file=sys.stderr)
        return []
    subprocess.run([py, os.path.abspath(__file__)] + [x for j in jobs for x in j], check=True)
    return [svg for _, _, svg in jobs]


def main(argv):
    if len(argv) < 3 or len(argv) % 3 or any(k not in KINDS for k in argv[::3]):
        sys.exit(__doc__)
    render([tuple(argv[i:i + 3]) for i in range(0, len(argv), 3)])


if __name__ == "__main__":
    main(sys.argv[1:])
