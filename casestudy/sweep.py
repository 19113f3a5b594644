"""Parameter sweeps of the scenario models (home 2026, Europe 2027), in-process and vectorised.

What
----
Evaluates a model of :mod:`casestudy.scenarios` (``model="home"``: the 2026 car business in
China) or :mod:`casestudy.europe` (``model="europe"``: a car made in China sold in Germany)
over many scenarios at once and returns
one DataFrame: the parameters (every declared parameter, given or default)
beside the outputs, one row per scenario (row ``i`` is scenario ``i``).

* :func:`full_grid`: the Cartesian product of given per-parameter value lists;
* :func:`random_sample`: ``n`` scenarios drawn uniformly from each parameter's
  declared ``sample_range`` (or ranges given), with ``numpy.random.default_rng
  (seed)``, so the same seed gives the same table;
* :func:`write_results`: CSV or Parquet chosen by the file extension
  (Parquet needs pyarrow);
* :func:`render_scenarios`: a few chosen rows rendered as executed notebooks
  through papermill's Python API, into an output folder, never over the input
  notebook;
* :func:`add_sweep_arguments` / :func:`sweep_command`: the ``casestudy sweep``
  subcommand for the CLI.

Why
---
Running a notebook per scenario costs a kernel start and a full execution
(seconds); the model itself is a few numpy expressions (microseconds per
scenario when vectorised). So sweeps run in-process, and notebooks are
rendered only for the handful of scenarios a reader should see
(``benchmarks/bench_sweep.py`` measures the difference).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import CasestudyError
from .scenarios import Model, ScenarioError, evaluate, get_model, parameters_frame

__all__ = [
    "DEFAULT_NOTEBOOK",
    "DEFAULT_OUTDIR",
    "MAX_GRID_ROWS",
    "SweepError",
    "add_sweep_arguments",
    "evaluate_table",
    "full_grid",
    "parse_assignment",
    "parse_rows",
    "parse_value",
    "random_sample",
    "render_scenarios",
    "sweep_command",
    "write_results",
]

MAX_GRID_ROWS = 10_000_000
DEFAULT_NOTEBOOK = "notebooks/04_ev_scenarios.ipynb"
DEFAULT_OUTDIR = "build/scenarios"


class SweepError(CasestudyError, ValueError):
    """A sweep cannot be set up, written or rendered (bad option, path, missing package)."""


# --------------------------------------------------------------------------
# Building the table
# --------------------------------------------------------------------------


def evaluate_table(columns: Mapping[str, np.ndarray], n: int, model: str | Model = "home") -> pd.DataFrame:
    """Evaluate ``n`` scenarios given as equal-length parameter columns; others take defaults."""
    m = get_model(model)
    for name, col in columns.items():
        m.parameter(name)
        if np.shape(col) != (n,):
            raise SweepError(f"column {name!r} has shape {np.shape(col)}; expected ({n},)")
    data: dict[str, np.ndarray] = {}
    for p in m.parameters:
        if p.name in columns:
            data[p.name] = np.asarray(columns[p.name], dtype=np.float64)
        else:
            data[p.name] = np.full(n, p.default, dtype=np.float64)
    if n:
        out = evaluate(data, m)
        for k in m.outputs:
            data[k] = np.ascontiguousarray(out[k])
    else:
        for k in m.outputs:
            data[k] = np.empty(0)
    return pd.DataFrame(data)


def _base_columns(base: Mapping[str, Any] | None, n: int, skip: Sequence[str],
                  model: str | Model = "home") -> dict[str, np.ndarray]:
    m = get_model(model)
    cols: dict[str, np.ndarray] = {}
    for name, value in (base or {}).items():
        if name in skip:
            raise SweepError(f"parameter {name!r} is both swept and fixed; give it in one place only")
        arr = m.parameter(name).check(value)
        if arr.ndim != 0:
            raise SweepError(f"fixed parameter {name!r}: got an array; expected one value")
        cols[name] = np.full(n, arr.item(), dtype=np.float64)
    return cols


def full_grid(values: Mapping[str, Sequence[Any]], base: Mapping[str, Any] | None = None,
              model: str | Model = "home") -> pd.DataFrame:
    """Every combination of the given parameter values (others at ``base`` or default).

    ``full_grid({"absorbed_share": [0, 0.5, 1], "price": [240_000, 260_000]})``
    has 6 rows; the first parameter varies slowest.
    """
    m = get_model(model)
    if not values:
        raise SweepError("full_grid: no parameter values given; expected e.g. {'absorbed_share': [0, 1]}")
    axes: list[np.ndarray] = []
    for name, vals in values.items():
        seq = list(vals) if not isinstance(vals, (str, bytes)) else [vals]
        if not seq:
            raise SweepError(f"grid parameter {name!r}: no values given")
        arr = m.parameter(name).check(seq)
        if arr.ndim != 1:
            raise SweepError(f"grid parameter {name!r}: expected a flat list of values")
        axes.append(arr)
    n = math.prod(a.size for a in axes)
    if n > MAX_GRID_ROWS:
        raise SweepError(f"the grid has {n:,} scenarios; at most {MAX_GRID_ROWS:,} are allowed (use --sample)")
    idx = np.meshgrid(*(np.arange(a.size) for a in axes), indexing="ij")
    cols = {name: axes[i][idx[i].ravel()] for i, name in enumerate(values)}
    cols.update(_base_columns(base, n, list(values), m))
    return evaluate_table(cols, n, m)


def random_sample(n: int, seed: int, ranges: Mapping[str, tuple[Any, Any]] | None = None,
                  base: Mapping[str, Any] | None = None, model: str | Model = "home") -> pd.DataFrame:
    """``n`` scenarios drawn uniformly with ``numpy.random.default_rng(seed)``.

    Each parameter with a declared ``sample_range`` (or a range in
    ``ranges``, which adds to and overrides them) is drawn uniformly from
    ``[low, high)``. Parameters are drawn in declaration order, so the table
    depends only on ``n``, ``seed`` and the ranges. Others are at ``base`` or default.
    """
    m = get_model(model)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise SweepError(f"sample size n = {n!r}; expected a positive integer")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SweepError(f"seed = {seed!r}; expected a non-negative integer")
    if n > MAX_GRID_ROWS:
        raise SweepError(f"sample size {n:,} is above the limit of {MAX_GRID_ROWS:,}")
    chosen: dict[str, tuple[Any, Any]] = {
        p.name: p.sample_range for p in m.parameters if p.sample_range is not None
    }
    for name, rng_ in (ranges or {}).items():
        m.parameter(name)
        if not isinstance(rng_, (tuple, list)) or len(rng_) != 2:
            raise SweepError(f"range for {name!r} is {rng_!r}; expected a (low, high) pair")
        chosen[name] = tuple(rng_)  # type: ignore[assignment]
    for name in base or {}:
        chosen.pop(name, None)  # a fixed value wins over the declared sample range
    for name in ranges or {}:
        if name in (base or {}):
            raise SweepError(f"parameter {name!r} has both a sample range and a fixed value")
    gen = np.random.default_rng(int(seed))
    cols: dict[str, np.ndarray] = {}
    for p in m.parameters:
        if p.name not in chosen:
            continue
        lo, hi = chosen[p.name]
        p.check([lo, hi])
        lo_f, hi_f = float(lo), float(hi)
        if not lo_f <= hi_f or math.isinf(hi_f):
            raise SweepError(f"range for {p.name!r} is {lo!r} to {hi!r}; expected finite low <= high")
        cols[p.name] = gen.uniform(lo_f, hi_f, n)
    cols.update(_base_columns(base, n, [], m))
    return evaluate_table(cols, n, m)


# --------------------------------------------------------------------------
# Parsing CLI text
# --------------------------------------------------------------------------

def parse_value(name: str, text: str, model: str | Model = "home") -> float:
    """Read one value of parameter ``name`` from text (``_`` as a thousands separator allowed)."""
    p = get_model(model).parameter(name)
    try:
        v = float(text.strip().replace("_", ""))
    except ValueError:
        raise ScenarioError(
            f"parameter {name!r}: got {text!r}; expected a number in {p.unit} from {p.low:g} to {p.high:g}"
        ) from None
    p.check(v)
    return v


def parse_assignment(text: str, option: str = "--grid", model: str | Model = "home") -> tuple[str, list[str]]:
    """Split ``NAME=v1,v2,...`` into the name and the value texts."""
    if "=" not in text:
        raise SweepError(f"{option} {text!r}: expected NAME=VALUE[,VALUE...], e.g. absorbed_share=0,0.5,1")
    name, _, rest = text.partition("=")
    name = name.strip()
    get_model(model).parameter(name)
    parts = [s for s in (x.strip() for x in rest.split(",")) if s]
    if not parts:
        raise SweepError(f"{option} {text!r}: no values after '='")
    return name, parts


def parse_rows(text: str, n_rows: int) -> list[int]:
    """Row numbers from ``"0,3,5-7"`` (0-based, inclusive ranges), checked against ``n_rows``."""
    rows: list[int] = []
    for part in (x.strip() for x in text.split(",")):
        if not part:
            continue
        try:
            if "-" in part and not part.startswith("-"):
                a, b = part.split("-", 1)
                lo, hi = int(a), int(b)
                if hi < lo:
                    raise ValueError
                rows.extend(range(lo, hi + 1))
            else:
                rows.append(int(part))
        except ValueError:
            raise SweepError(f"--render {text!r}: {part!r} is not a row number or a range like 3-5") from None
    if not rows:
        raise SweepError(f"--render {text!r}: no row numbers given")
    bad = [r for r in rows if r < 0 or r >= n_rows]
    if bad:
        raise SweepError(f"--render {text!r}: row {bad[0]} does not exist; the table has rows 0 to {n_rows - 1}")
    return list(dict.fromkeys(rows))


# --------------------------------------------------------------------------
# Writing and rendering
# --------------------------------------------------------------------------


def _have_pyarrow() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def write_results(df: pd.DataFrame, path: str | Path) -> Path:
    """Write the table as CSV (``.csv``) or Parquet (``.parquet``/``.pq``), chosen by extension.

    The file is replaced atomically (:mod:`casestudy.atomic`): written to a unique
    hidden temporary file beside it and renamed only once complete, so an
    interrupted sweep keeps the previous file.  CSV is written by Arrow's CSV
    writer (``pyarrow.csv.write_csv``): about ten times faster than pandas' for
    100,000 rows, with the same columns and values (floats in shortest
    round-trip form, bools as ``true``/``false``, which ``pandas.read_csv`` reads
    back as bools).
    """
    from .atomic import atomic_path

    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".csv", ".parquet", ".pq"):
        raise SweepError(f"output {str(p)!r}: unknown extension {ext or '(none)'!r}; expected .csv or .parquet")
    if not _have_pyarrow():
        raise SweepError(
            f"output {str(p)!r}: writing the table needs the pyarrow package, which is not installed; "
            f"install it (pip install pyarrow)"
        )
    if p.is_dir():
        raise SweepError(f"output {str(p)!r} is a folder; expected a file name ending in .csv or .parquet")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(p) as tmp:
            if ext == ".csv":
                import pyarrow as pa
                import pyarrow.csv as pacsv

                table = pa.Table.from_pandas(df, preserve_index=False)
                pacsv.write_csv(table, str(tmp), pacsv.WriteOptions(quoting_style="needed"))
            else:
                df.to_parquet(tmp, index=False, engine="pyarrow")
    except OSError as exc:
        raise SweepError(f"output {str(p)!r} cannot be written ({exc.strerror or exc}); "
                         "choose another file with -o") from None
    return p


def _py(value: Any) -> Any:
    """numpy scalar -> plain Python value (papermill writes parameters as Python literals)."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value)
    return value


def render_scenarios(df: pd.DataFrame, rows: Sequence[int], notebook: str | Path, outdir: str | Path, *,
                     kernel_name: str = "python3", cwd: str | Path | None = None,
                     extra_parameters: Mapping[str, Any] | None = None,
                     start_timeout: int = 120) -> list[Path]:
    """Execute ``notebook`` once per chosen row with papermill; return the output paths.

    Each run gets the row's parameter columns as papermill parameters plus
    ``scenario_row`` (the row number), and is written to
    ``outdir/<notebook stem>-scenario-<row>.ipynb``. The notebook needs a
    cell tagged ``parameters``. The input notebook is never overwritten:
    an output path equal to it raises :class:`SweepError`. ``cwd`` (default:
    the notebook's folder) is the kernel's working directory.
    """
    nb = Path(notebook)
    if not nb.is_file():
        raise SweepError(f"notebook {str(nb)!r} does not exist; give the path of a notebook with --notebook")
    if nb.suffix != ".ipynb":
        raise SweepError(f"notebook {str(nb)!r}: expected an .ipynb file")
    try:
        import papermill
        from jupyter_client.kernelspec import NoSuchKernel
    except ImportError:  # pragma: no cover - papermill is a dependency
        raise SweepError("rendering notebooks needs the papermill package: pip install papermill") from None
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    n = len(df)
    names = [c for c in df.columns if c in _all_parameter_names()]
    missing = [] if names else ["(any model parameter)"]
    if missing:
        raise SweepError(f"the table has no column(s) {', '.join(missing)}; expected a sweep table")
    written: list[Path] = []
    for r in rows:
        if isinstance(r, bool) or not isinstance(r, (int, np.integer)) or not 0 <= r < n:
            raise SweepError(f"row {r!r} does not exist; the table has rows 0 to {n - 1}")
        row = df.iloc[int(r)]
        params = {name: _py(row[name]) for name in names}
        params["scenario_row"] = int(r)
        params.update(extra_parameters or {})
        target = out / f"{nb.stem}-scenario-{int(r)}.ipynb"
        if target.resolve() == nb.resolve():
            raise SweepError(f"output {str(target)!r} would overwrite the input notebook; choose another --outdir")
        try:
            papermill.execute_notebook(
                str(nb), str(target), parameters=params, kernel_name=kernel_name,
                progress_bar=False, cwd=str(cwd if cwd is not None else nb.parent),
                start_timeout=start_timeout,
            )
        except NoSuchKernel:
            raise SweepError(
                f"no Jupyter kernel named {kernel_name!r} is installed; expected e.g. 'python3' "
                f"(see `jupyter kernelspec list`)"
            ) from None
        except papermill.PapermillExecutionError as exc:
            raise SweepError(
                f"notebook {str(nb)!r} failed for scenario row {int(r)} ({exc.ename}: {exc.evalue}); "
                f"the partial output is in {str(target)!r}"
            ) from None
        written.append(target)
    return written


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def _all_parameter_names() -> set[str]:
    return {p.name for m in ("home", "europe") for p in get_model(m).parameters}


def add_sweep_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``casestudy sweep`` options to ``parser``."""
    parser.add_argument("--model", default="home", choices=("home", "europe"),
                        help="home: the 2026 car business in China (default); europe: a car made "
                             "in China sold in Germany, 2027")
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...",
                        help="sweep a parameter over these values (repeat for a full grid)")
    parser.add_argument("--sample", type=int, default=None, metavar="N",
                        help="draw N random scenarios from the declared sample ranges (needs --seed)")
    parser.add_argument("--seed", type=int, default=None, metavar="S",
                        help="seed of the random sample, for reproducibility")
    parser.add_argument("--range", action="append", default=[], dest="ranges", metavar="NAME=LOW,HIGH",
                        help="sample this parameter from LOW to HIGH instead of its declared range")
    parser.add_argument("--set", action="append", default=[], dest="fixed", metavar="NAME=VALUE",
                        help="fix a parameter at VALUE for every scenario")
    parser.add_argument("-o", "--output", default=None, metavar="FILE",
                        help="write the table to FILE (.csv or .parquet)")
    parser.add_argument("--render", default=None, metavar="ROWS",
                        help="render these rows (e.g. 0,3,5-7) as executed notebooks with papermill")
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK, metavar="PATH",
                        help=f"notebook to render (default: {DEFAULT_NOTEBOOK})")
    parser.add_argument("--outdir", default=DEFAULT_OUTDIR, metavar="DIR",
                        help=f"folder for rendered notebooks (default: {DEFAULT_OUTDIR})")
    parser.add_argument("--kernel", default="python3", metavar="NAME",
                        help="Jupyter kernel for rendering (default: python3)")
    parser.add_argument("--list", action="store_true", dest="list_parameters",
                        help="list the model's parameters and exit")


def _build(args: argparse.Namespace) -> pd.DataFrame:
    m = get_model(getattr(args, "model", "home"))
    fixed: dict[str, Any] = {}
    for text in args.fixed:
        name, parts = parse_assignment(text, "--set", m)
        if len(parts) != 1:
            raise SweepError(f"--set {text!r}: expected one value")
        fixed[name] = parse_value(name, parts[0], m)
    if args.grid and args.sample is not None:
        raise SweepError("--grid and --sample cannot be combined; choose one")
    if args.ranges and args.sample is None:
        raise SweepError("--range applies to --sample only")
    if args.grid:
        values: dict[str, list[Any]] = {}
        for text in args.grid:
            name, parts = parse_assignment(text, "--grid", m)
            if name in values:
                raise SweepError(f"--grid {name!r} is given twice")
            values[name] = [parse_value(name, s, m) for s in parts]
        return full_grid(values, fixed, m)
    if args.sample is not None:
        if args.seed is None:
            raise SweepError("--sample needs --seed S so that the sample can be reproduced")
        ranges: dict[str, tuple[Any, Any]] = {}
        for text in args.ranges:
            name, parts = parse_assignment(text, "--range", m)
            if len(parts) != 2:
                raise SweepError(f"--range {text!r}: expected NAME=LOW,HIGH")
            ranges[name] = (parse_value(name, parts[0], m), parse_value(name, parts[1], m))
        return random_sample(args.sample, args.seed, ranges, fixed, m)
    if args.seed is not None:
        raise SweepError("--seed applies to --sample only")
    return evaluate_table(_base_columns(fixed, 1, [], m), 1, m)


def _summary(df: pd.DataFrame) -> str:
    with pd.option_context("display.max_columns", None, "display.width", 200):
        if len(df) <= 20:
            return df.T.to_string(header=[str(i) for i in range(len(df))])
        cols = [c for c in ("price", "absorbed_share", "eu_price_premium_pct", "gross_margin_pct",
                            "deliveries", "gross_profit", "operating_profit", "landed_cost",
                            "gross_profit_per_car") if c in df.columns]
        return df[cols].describe().T.to_string()


def sweep_command(args: argparse.Namespace) -> int:
    """Run ``casestudy sweep``; errors go to stderr as one paragraph with return code 2."""
    try:
        if getattr(args, "list_parameters", False):
            with pd.option_context("display.max_colwidth", 80, "display.width", 200):
                print(parameters_frame(args.model)[["name", "unit", "default", "low", "high",
                                                    "origin", "source"]].to_string(index=False))
            return 0
        df = _build(args)
        m = get_model(args.model)
        if args.output:
            path = write_results(df, args.output)
            print(f"wrote {len(df):,} {m.name} scenario(s) with {len(m.parameters)} parameters and "
                  f"{len(m.outputs)} outputs to {path}")
        else:
            print(f"{len(df):,} scenario(s)")
            print(_summary(df))
        if args.render:
            rows = parse_rows(args.render, len(df))
            paths = render_scenarios(df, rows, args.notebook, args.outdir, kernel_name=args.kernel)
            for r, p in zip(rows, paths):
                print(f"rendered scenario row {r}: {p}")
        return 0
    except (SweepError, ScenarioError, OSError) as exc:
        msg = " ".join(str(exc).split())
        print(f"casestudy sweep: error: {msg}", file=sys.stderr)
        return 2
