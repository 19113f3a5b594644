"""How long loading and annotating the whole corpus takes once the package is imported.

Goal (issue 2): under a second.  Prints the import time, the load time (seeds,
annotations validated, quotes located, cleaning, language detection) and the
time to build every table (facts, events, annotations, coverage), each the
median of several runs in fresh processes, since the language models and the
number patterns are loaded once per process.

Then (issue 14) the cost per annotated seed: ``load_corpus`` on a folder of 500
copies of the largest annotated seed (004, 13 kB, 900 annotation lines; each
copy's ids prefixed, since fact ids must be unique across a folder), and on one
seed at the size limit (:data:`casestudy.seeds.MAX_SEED_BYTES`).

    .venv/bin/python benchmarks/bench_load.py
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
        out = subprocess.run([sys.executable, "-c", CHILD],
                             capture_output=True, text=True, check=True)
        rows.append([float(x) for x in out.stdout.split()])
    imp, load, tables = (statistics.median(col) for col in zip(*rows))
    print(f"import casestudy:           {imp:.3f} s (median of {runs} fresh processes)")
    print(f"load_corpus():              {load:.3f} s")
    print(f"all tables (annotations...): {tables:.3f} s")
    print(f"load + annotate:            {load + tables:.3f} s (goal: < 1 s)")
    many_copies()
    at_the_limit()


def many_copies(n: int = 500, seed: str = "004_e1cfa5dcaaabac6e") -> None:
    import casestudy as cs
    from casestudy import paths

    src = paths.seeds_dir()
    toml = (src / f"{seed}.toml").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            shutil.copyfile(src / f"{seed}.txt", Path(tmp) / f"c{i:03d}.txt")
            (Path(tmp) / f"c{i:03d}.toml").write_text(
                re.sub(r'(?m)^id = "', f'id = "c{i:03d}-', toml), encoding="utf-8")
        t = time.perf_counter()
        corpus = cs.load_corpus(tmp)
        took = time.perf_counter() - t
    print(f"load_corpus(), {n} annotated copies of seed {seed[:3]}: {took:.2f} s "
          f"({took / n * 1000:.1f} ms per seed, {len(corpus.facts())} facts)")


def at_the_limit() -> None:
    import casestudy as cs
    from casestudy import paths
    from casestudy.seeds import MAX_SEED_BYTES

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(paths.seeds_dir().glob("*.txt")))
    data = text.encode("utf-8")
    data = (data * (MAX_SEED_BYTES // len(data) + 1))[:MAX_SEED_BYTES]
    data = data.decode("utf-8", "ignore").encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "big.txt").write_bytes(data)
        t = time.perf_counter()
        corpus = cs.load_corpus(tmp)
        n = len(corpus["big"].numbers)
        took = time.perf_counter() - t
    print(f"load_corpus(), one unannotated seed of {len(data):,} bytes (the limit), numbers "
          f"found: {took:.2f} s ({n} numbers)")


if __name__ == "__main__":
    main()
