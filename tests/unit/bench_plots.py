#!/usr/bin/env python3
"""bench_plots.py SRCDIR: bench/plot.py draws every kind of plot from the committed sample CSVs
(bench/sample/), and each SVG renders (rsvg-convert, librsvg2-bin) to a non-empty PNG. Exit 0/1,
or 77 when matplotlib or rsvg-convert is missing (ci/deps.sh installs both)."""
import os
import shutil
import subprocess
import sys
import tempfile


def main(src):
    sys.path.insert(0, os.path.join(src, "bench"))
    import plot
    rsvg = shutil.which("rsvg-convert")
    if not rsvg or not (plot._have_matplotlib() or plot.system_python()):
        print("SKIP: needs python3-matplotlib and rsvg-convert (librsvg2-bin)")
        return 77
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        jobs = [(kind, os.path.join(src, "bench", "sample", f"{kind}.csv"), os.path.join(d, f"{kind}.svg"))
                for kind in ("bringup", "ipi", "boot", "launch")]
        plot.render(jobs)
        for kind, _, svg in jobs:
            png = svg[:-4] + ".png"
            p = subprocess.run([rsvg, "-o", png, svg], capture_output=True, text=True)
            ok = p.returncode == 0 and os.path.getsize(png) > 1000
            print(f"{'ok' if ok else 'FAIL'}: {kind}: {os.path.getsize(svg) if os.path.exists(svg) else 0} "
                  f"bytes of SVG{'' if ok else ': ' + p.stderr.strip()}")
            failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
