"""How long loading and annotating the whole corpus takes once the package is imported.

Goal (issue 2): under a second.  Prints the import time, the load time (seeds,
annotations validated, quotes located, cleaning, language detection) and the
time to build every table (facts, events, annotations, coverage), each the
median of several runs in fresh processes, since the language models and the
number patterns are loaded once per process.

    .venv/bin/python benchmarks/bench_load.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys

CHILD = r"""
import time
t0 = time.perf_counter()
import casestudy as cs
t1 = time.perf_counter()
corpus = cs.load_corpus()
t2 = time.perf_counter()
corpus.facts(); corpus.events(); corpus.annotations(); corpus.coverage(); corpus.seeds_table()
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def main(runs: int = 5) -> None:
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
        rows.append([float(x) for x in out.stdout.split()])
    imp, load, tables = (statistics.median(col) for col in zip(*rows))
    print(f"import casestudy:           {imp:.3f} s (median of {runs} fresh processes)")
    print(f"load_corpus():              {load:.3f} s")
    print(f"all tables (annotations...): {tables:.3f} s")
    print(f"load + annotate:            {load + tables:.3f} s (goal: < 1 s)")


if __name__ == "__main__":
    main()
