"""The benchmarks' progress line: one line on stderr, redrawn in place ("\\r" + erase), only when
stderr is a terminal (so CI logs stay clean), as irqlab's own (host/report/progress.c)."""
import sys
import time


class Progress:
    def __init__(self, what, total):
        self.what, self.total, self.n = what, total, 0
        self.t0 = time.monotonic()
        self.on = sys.stderr.isatty()

    def step(self, label):
        self.n += 1
        if self.on:
            sys.stderr.write(f"\r\x1b[K{self.what}: {self.n} of {self.total} runs ({label}), "
                             f"{time.monotonic() - self.t0:.1f} s")
            sys.stderr.flush()

    def done(self):
        if self.on:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
