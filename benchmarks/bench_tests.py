"""Wall-clock time of the README's test command (without setting up the environment).

Goal (issue 3): unit tests, nbval over every notebook and the parameter runs in
under 2 minutes on a 2-core machine; the browser test of the publishing issue is
measured separately (it is deselected here with -m "not browser").

    .venv/bin/python benchmarks/bench_tests.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    for label, extra in (("without the browser test", ["-m", "not browser"]), ("everything", [])):
        start = time.perf_counter()
        proc = subprocess.run([str(Path(sys.executable).parent / "pytest"), "-q", *extra], cwd=ROOT,
                              capture_output=True, text=True)
        took = time.perf_counter() - start
        tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
        print(f"pytest ({label}): {took:.1f} s; exit {proc.returncode}; {tail}")


if __name__ == "__main__":
    main()
