"""Benchmark: 100,000 scenarios in-process vs. one papermill notebook run per scenario.

What
----
1. Times ``casestudy.sweep.random_sample(N, seed)`` (draw, validate, evaluate
   the vectorised model and build the DataFrame) for N = 100,000 scenarios,
   best of ``--repeat`` runs; also the bare ``scenarios.evaluate`` call.
2. Times ONE papermill execution of the tiny fixture notebook
   ``tests/fixtures/scenario_fixture.ipynb`` (kernel start + 2 cells) and
   **extrapolates** it to N runs (N x one run; it does not run N notebooks).
3. Prints both and their ratio.

Why
---
To justify sweeping in-process and rendering notebooks only for chosen rows.
The goal for the in-process sweep is under 1 s for 100,000 scenarios.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--n 100000] [--repeat 5] [--papermill-runs 1]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# After the sys.path line above, so the benchmark also runs from a checkout without an install.
from casestudy import scenarios, sweep  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "scenario_fixture.ipynb"
GOAL_S = 1.0


def time_in_process(n: int, repeat: int, seed: int) -> tuple[float, float]:
    """Best wall time of random_sample(n) and of the bare vectorised evaluate."""
    best_table = best_eval = float("inf")
    rng = np.random.default_rng(seed)
    arrays = {p.name: rng.uniform(*p.sample_range, n) for p in scenarios.PARAMETERS
              if p.sample_range is not None}
    for _ in range(repeat):
        t0 = time.perf_counter()
        df = sweep.random_sample(n, seed)
        best_table = min(best_table, time.perf_counter() - t0)
        assert len(df) == n
        t0 = time.perf_counter()
        scenarios.evaluate(arrays)
        best_eval = min(best_eval, time.perf_counter() - t0)
    return best_table, best_eval


def time_papermill(runs: int) -> float:
    """Mean wall time of one papermill run of the fixture notebook (row 0 of a 1-row table).

    papermill itself is imported before timing, so the time is the kernel start
    plus execution, as every further run would pay it.
    """
    import papermill  # noqa: F401  (import cost is paid once, not per scenario)

    df = sweep.full_grid({"absorbed_share": [0.5]})
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            t0 = time.perf_counter()
            sweep.render_scenarios(df, [0], FIXTURE, Path(tmp))
            times.append(time.perf_counter() - t0)
    return sum(times) / len(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of scenarios (default 100,000)")
    ap.add_argument("--repeat", type=int, default=5,
                    help="in-process repeats, best taken (default 5)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--papermill-runs", type=int, default=1,
                    help="papermill runs to time and average (default 1)")
    args = ap.parse_args(argv)

    table_s, eval_s = time_in_process(args.n, args.repeat, args.seed)
    print(f"in-process, vectorised: {args.n:,} scenarios -> DataFrame in {table_s * 1e3:.1f} ms "
          f"(best of {args.repeat}); model evaluation alone {eval_s * 1e3:.1f} ms")
    print(f"  goal < {GOAL_S:g} s: {'met' if table_s < GOAL_S else 'NOT met'}")

    one = time_papermill(args.papermill_runs)
    extrapolated = one * args.n
    print(f"papermill: one run of {FIXTURE.relative_to(ROOT)} took {one:.2f} s "
          f"(mean of {args.papermill_runs} measured run(s))")
    print(f"  EXTRAPOLATION (not measured): {args.n:,} runs x {one:.2f} s = {extrapolated:,.0f} s "
          f"= {extrapolated / 3600:.1f} h")
    print("ratio papermill-per-scenario (extrapolated) / in-process: "
          f"{extrapolated / table_s:,.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
