"""Wall-clock time of the README's test command and of the fast subset (environment set up).

Goals (issue 20): the README test command (``pytest``: unit tests, nbval over every notebook,
the parameter runs, the site, and the browser test when chromium is installed) within
2 minutes on this 2-core machine; the fast subset for development
(``pytest -m "not slow and not browser"``) under 60 s.

    .venv/bin/python benchmarks/bench_tests.py [--only readme|fast] [-- EXTRA PYTEST ARGS]

Each run's whole output, with the 25 slowest tests and fixtures (``--durations=25``), goes to
``build/bench_tests/<label>.log``; the script prints one line per run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = {
    "readme": ("the README test command", []),
    "fast": ("the fast subset", ["-m", "not slow and not browser"]),
}


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
        start = time.perf_counter()
        proc = subprocess.run([pytest, "-q", "--durations=25", *marks, *args.extra], cwd=ROOT,
                              capture_output=True, text=True)
        took = time.perf_counter() - start
        (logs / f"{key}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        lines = proc.stdout.strip().splitlines()
        tail = lines[-1] if lines else proc.stderr[-300:]
        print(f"pytest ({label}): {took:.1f} s; exit {proc.returncode}; {tail}", flush=True)


if __name__ == "__main__":
    main()
