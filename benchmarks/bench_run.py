"""`casestudy run` of the whole collection against plain papermill, one notebook after another.

Goal (issue 3): `casestudy run` takes at most 0.5 of the sequential time on 2
cores (aim 0.45).  Both variants execute every notebook under notebooks/ with
its defaults into a temporary folder; each is timed as a whole command, the way a
user runs it.  Prints both wall-clock times and the ratio.

    .venv/bin/python benchmarks/bench_run.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _time(cmds: list[list[str]]) -> float:
    start = time.perf_counter()
    for cmd in cmds:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    seq, par = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            seq.append(_time([[str(BIN / "papermill"), str(nb), os.path.join(tmp, nb.name),
                               "--kernel", "python3", "--no-progress-bar"] for nb in notebooks]))
        with tempfile.TemporaryDirectory() as tmp:
            par.append(_time([[str(BIN / "casestudy"), "run", "-o", tmp]]))
    s, p = statistics.median(seq), statistics.median(par)
    print(f"{len(notebooks)} notebooks, {os.cpu_count()} cores, median of {args.repeat}")
    print(f"plain papermill, one after another: {s:.1f} s")
    print(f"casestudy run (default jobs):       {p:.1f} s")
    print(f"ratio: {p / s:.2f} (goal <= 0.50, aim 0.45)")


if __name__ == "__main__":
    main()
