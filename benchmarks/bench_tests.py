"""Wall-clock and CPU time of the README's test command, the fast subset and the extended tier.

Goals (issue 20): the README test command (``pytest``: unit tests, nbval over every notebook,
the student editions under a parameter set each, the site, and the browser test when chromium
is installed) within 2 minutes on this 2-core machine; the fast subset for development
(``pytest -m "not slow and not browser"``) under 60 s. The extended tier (``pytest -m
extended``, which ``.ci/run`` adds) has no goal; its time is reported.

    .venv/bin/python benchmarks/bench_tests.py [--only readme|fast|extended] [-- PYTEST ARGS]

Each run's whole output, with the 25 slowest tests and fixtures (``--durations=25``), goes to
``build/bench_tests/<label>.log``; the script prints one line per run: wall-clock seconds and
the CPU seconds of pytest and everything it started (workers, kernels, JupyterLab, Chromium),
which is what a busy machine stretches (two cores give at most twice the wall time in CPU).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = {
    "readme": ("the README test command", []),
    "fast": ("the fast subset", ["-m", "not slow and not browser"]),
    "extended": ("the extended tier", ["-m", "extended"]),
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(RUNS), help="time only this run")
    parser.add_argument("extra", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args()
    logs = ROOT / "build" / "bench_tests"
    logs.mkdir(parents=True, exist_ok=True)
    pytest = str(Path(sys.executable).parent / "pytest")
    for key, (label, marks) in RUNS.items():
        if args.only and key != args.only:
            continue
        start, cpu = time.perf_counter(), _children_cpu()
        proc = subprocess.run([pytest, "-q", "--durations=25", *marks, *args.extra], cwd=ROOT,
                              capture_output=True, text=True)
        took, used = time.perf_counter() - start, _children_cpu() - cpu
        (logs / f"{key}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        lines = proc.stdout.strip().splitlines()
        tail = lines[-1] if lines else proc.stderr[-300:]
        print(f"pytest ({label}): {took:.1f} s wall, {used:.0f} s CPU; exit {proc.returncode}; "
              f"{tail}", flush=True)


if __name__ == "__main__":
    main()
