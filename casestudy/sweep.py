"""Parameter sweeps of the scenario models, in-process and vectorised, and their table by name.

:data:`MODELS` lists every model ``casestudy sweep --model NAME`` knows: its declaration
sections in ``data/scenarios.toml``, its evaluation function and the notebook that renders a
scenario. Adding a model is one row there, and its name and notebook in
:data:`casestudy.sweepcli.MODEL_NOTEBOOKS` (the command's options, read without numpy). A sweep
is one DataFrame, row ``i`` scenario ``i``: every declared parameter (given or default) beside
the model's outputs, over a full grid or a seeded uniform sample of the declared ranges.
It runs in-process because a notebook run costs seconds per scenario and the vectorised model
microseconds (``benchmarks/bench_sweep.py``); only chosen rows are rendered as notebooks.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import appliances, europe, scenarios
from .errors import CasestudyError
from .paths import notebooks_dir
from .scenarios import Model, ScenarioError, evaluate
from .sweepcli import MODEL_NOTEBOOKS, add_sweep_arguments

__all__ = ["MAX_ROWS", "MODELS", "ModelEntry", "SweepError", "add_sweep_arguments", "full_grid",
           "get_model", "random_sample", "render_scenarios", "sweep_command", "write_results"]

MAX_ROWS = 10_000_000


class ModelEntry(NamedTuple):
    """A row of :data:`MODELS`: the ``data/scenarios.toml`` sections holding the model's inputs
    (in argument order; its outputs are ``[outputs.<name>]``), its vectorised function, and the
    notebook ``--render`` executes by default."""

    sections: tuple[str, ...]
    function: Callable[..., dict[str, Any]]
    notebook: str


#: The scenario models by name (read-only). A new model adds one row here and its name and
#: notebook to :data:`casestudy.sweepcli.MODEL_NOTEBOOKS` (the command's ``--model`` choices).
MODELS: Mapping[str, ModelEntry] = MappingProxyType({
    "home": ModelEntry(("base", "home"), scenarios.home, MODEL_NOTEBOOKS["home"]),
    "europe": ModelEntry(("base", "europe"), europe.europe, MODEL_NOTEBOOKS["europe"]),
    "appliances": ModelEntry(("appliances",), appliances.appliances,
                             MODEL_NOTEBOOKS["appliances"]),
})


def get_model(name: str | Model) -> Model:
    """The model called ``name`` in :data:`MODELS` (a :class:`Model` is returned as it is)."""
    if isinstance(name, Model):
        return name
    if not isinstance(name, str) or name not in MODELS:
        raise ScenarioError(f"unknown model {name!r}; expected one of {', '.join(MODELS)}")
    entry = MODELS[name]
    return scenarios.declare(name, entry.function, entry.sections)


class SweepError(CasestudyError, ValueError):
    """A sweep cannot be set up, written or rendered (bad option, path or row)."""


def _table(columns: Mapping[str, np.ndarray], n: int, base: Mapping[str, Any] | None,
           m: Model) -> pd.DataFrame:
    """Evaluate ``n`` scenarios: swept columns of length ``n``, fixed ``base`` values, defaults."""
    both = set(base or {}) & set(columns)
    if both:
        raise SweepError(f"parameter {both.pop()!r} is both swept and fixed; give it in one "
                         "place only")
    given = {**(base or {}), **columns}
    out = evaluate(given, m)  # checks every name and value
    data = {p.name: np.broadcast_to(np.asarray(given.get(p.name, p.default), np.float64), (n,))
            for p in m.parameters}
    return pd.DataFrame({**data, **{k: np.broadcast_to(v, (n,)) for k, v in out.items()}})


def full_grid(values: Mapping[str, Sequence[Any]], base: Mapping[str, Any] | None = None,
              model: str | Model = "home") -> pd.DataFrame:
    """Every combination of the given parameter values, the first varying slowest; other
    parameters at ``base`` or their defaults."""
    m = get_model(model)
    if not values:
        raise SweepError("full_grid: no parameter values given; expected e.g. "
                         "{'absorbed_share': [0, 1]}")
    axes = {name: m.parameter(name).check(list(vals)) for name, vals in values.items()}
    for name, arr in axes.items():
        if arr.ndim != 1 or not arr.size:
            raise SweepError(f"grid parameter {name!r}: got {values[name]!r}; expected a "
                             "non-empty flat list of values")
    n = math.prod(a.size for a in axes.values())
    if n > MAX_ROWS:
        raise SweepError(f"the grid has {n:,} scenarios; at most {MAX_ROWS:,} are allowed "
                         "(use --sample)")
    grids = np.meshgrid(*axes.values(), indexing="ij")
    return _table({k: g.ravel() for k, g in zip(axes, grids, strict=True)}, n, base, m)


def random_sample(n: int, seed: int, model: str | Model = "home") -> pd.DataFrame:
    """``n`` scenarios, each parameter with a declared ``sample_range`` drawn uniformly from it
    in declaration order with ``numpy.random.default_rng(seed)``: the same seed, the same table."""
    m = get_model(model)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_ROWS:
        raise SweepError(f"sample size n = {n!r}; expected a positive integer up to {MAX_ROWS:,}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SweepError(f"seed = {seed!r}; expected a non-negative integer")
    gen = np.random.default_rng(int(seed))
    cols = {p.name: gen.uniform(*p.sample_range, n) for p in m.parameters if p.sample_range}
    return _table(cols, n, None, m)


def write_results(df: pd.DataFrame, path: str | Path) -> Path:
    """Write the table as CSV (``.csv``) or Parquet (``.parquet``/``.pq``), chosen by extension.

    Replaced atomically (:mod:`casestudy.atomic`): an interrupted sweep keeps the previous file.
    CSV goes through Arrow's writer, about ten times faster than pandas' for 100,000 rows with
    the same values read back (``benchmarks/bench_sweep_write.py``).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from .atomic import atomic_path, remove_stale

    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".csv", ".parquet", ".pq"):
        raise SweepError(f"output {str(p)!r}: unknown extension {ext or '(none)'!r}; expected "
                         ".csv or .parquet")
    if p.is_dir():
        raise SweepError(f"output {str(p)!r} is a folder; expected a file name ending in .csv "
                         "or .parquet")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(p.parent)  # a sweep killed earlier left its .NAME.<pid>-*.tmp
        with atomic_path(p) as tmp:
            if ext == ".csv":
                pacsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), str(tmp),
                                pacsv.WriteOptions(quoting_style="needed"))
            else:
                df.to_parquet(tmp, index=False, engine="pyarrow")
    except OSError as exc:
        raise SweepError(f"output {str(p)!r} cannot be written ({exc.strerror or exc}); "
                         "choose another file with -o") from None
    return p


def render_scenarios(df: pd.DataFrame, rows: Sequence[int], notebook: str | Path,
                     outdir: str | Path, model: str | Model = "home") -> list[Path]:
    """Execute ``notebook`` (it needs a cell tagged ``parameters``) once per chosen row with
    papermill, given the row's inputs of ``model`` and ``scenario_row``, into
    ``outdir/<stem>-scenario-<row>.ipynb``; never over the input notebook. Only the model's
    own inputs are passed: another model's input may share a name with one of its outputs."""
    import papermill

    nb = Path(notebook)
    if not nb.is_file() or nb.suffix != ".ipynb":
        raise SweepError(f"notebook {str(nb)!r} does not exist or is not an .ipynb file; "
                         "give the path of a notebook with --notebook")
    bad = [r for r in rows if isinstance(r, bool) or not 0 <= r < len(df)]
    if bad:
        raise SweepError(f"row {bad[0]!r} does not exist; the table has rows 0 to {len(df) - 1}")
    known = set(get_model(model).names)
    names = [c for c in df.columns if c in known]
    Path(outdir).mkdir(parents=True, exist_ok=True)
    written = []
    for r in rows:
        params = {name: float(df[name].iloc[r]) for name in names}
        target = Path(outdir) / f"{nb.stem}-scenario-{int(r)}.ipynb"
        if target.resolve() == nb.resolve():
            raise SweepError(f"output {str(target)!r} would overwrite the input notebook; "
                             "choose another --outdir")
        try:
            papermill.execute_notebook(str(nb), str(target), kernel_name="python3",
                                       parameters={**params, "scenario_row": int(r)},
                                       progress_bar=False, cwd=str(nb.parent))
        except papermill.PapermillExecutionError as exc:
            raise SweepError(f"notebook {str(nb)!r} failed for scenario row {int(r)} "
                             f"({exc.ename}: {exc.evalue}); the partial output is in "
                             f"{str(target)!r}") from None
        written.append(target)
    return written


def _grid(texts: Sequence[str], m: Model) -> dict[str, list[float]]:
    """``--grid NAME=v1,v2`` options as values per parameter (``_`` may group thousands)."""
    values: dict[str, list[float]] = {}
    for text in texts:
        name, eq, rest = (s.strip() for s in text.partition("="))
        parts = [s.strip().replace("_", "") for s in rest.split(",") if s.strip()]
        if not eq or not parts:
            raise SweepError(f"--grid {text!r}: expected NAME=VALUE[,VALUE...], e.g. "
                             "absorbed_share=0,0.5,1")
        p = m.parameter(name)
        if name in values:
            raise SweepError(f"--grid {name!r} is given twice")
        try:
            values[name] = [float(s) for s in parts]
        except ValueError:
            raise ScenarioError(f"parameter {name!r}: got {rest!r}; expected numbers in {p.unit} "
                                f"from {p.low:g} to {p.high:g}") from None
    return values


def _rows(text: str) -> list[int]:
    """Row numbers from ``"0,3,5-7"`` (0-based, inclusive ranges), each once."""
    rows: list[int] = []
    for part in filter(None, (x.strip() for x in text.split(","))):
        a, dash, b = part.partition("-")
        if not a.isdecimal() or dash and (not b.isdecimal() or int(b) < int(a)):
            raise SweepError(f"--render {text!r}: {part!r} is not a row number or a range "
                             "like 3-5")
        rows.extend(range(int(a), int(b if dash else a) + 1))
    if not rows:
        raise SweepError(f"--render {text!r}: no row numbers given")
    return list(dict.fromkeys(rows))


def sweep_command(args: argparse.Namespace) -> int:
    """Run ``casestudy sweep``; its errors are :class:`SweepError` or :class:`ScenarioError`,
    which the command prints as one line."""
    m = get_model(args.model)
    rows = _rows(args.render) if args.render else []
    if args.grid and args.sample is not None:
        raise SweepError("--grid and --sample cannot be combined; choose one")
    if (args.sample is None) != (args.seed is None):
        raise SweepError("--sample N needs --seed S, so that the sample can be reproduced, and "
                         "--seed applies to --sample only")
    if args.grid:
        df = full_grid(_grid(args.grid, m), model=m)
    elif args.sample is not None:
        df = random_sample(args.sample, args.seed, m)
    else:
        df = _table({}, 1, None, m)
    if args.output:
        path = write_results(df, args.output)
        print(f"wrote {len(df):,} {m.name} scenario(s) with {len(m.parameters)} parameters and "
              f"{len(m.outputs)} outputs to {path}")
    else:
        print(f"{len(df):,} scenario(s)")
        with pd.option_context("display.max_columns", None, "display.width", 200):
            print((df if len(df) <= 20 else df.describe()).T.to_string())
    if rows:
        notebook = args.notebook or notebooks_dir() / MODELS[m.name].notebook
        for r, p in zip(rows, render_scenarios(df, rows, notebook, args.outdir, m),
                        strict=True):
            print(f"rendered scenario row {r}: {p}")
    return 0
