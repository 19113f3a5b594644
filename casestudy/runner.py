"""Run notebooks headless through papermill's Python API, several at a time.

One driver process imports papermill once and forks worker processes, so the
~1 s import cost (nbformat's JSON-schema stack, with JupyterLab installed) is
paid once, not per notebook; each worker runs notebooks one after another with
nbclient's ``shutdown_kernel="immediate"``, which avoids the occasional 3 s stall
of a graceful kernel shutdown (see ``../shared/MEASURED.md``).

Outputs go to an output folder, never back to ``notebooks/``: a notebook is run
into a hidden temporary file and renamed over the old output only once it is
complete; a failed run is kept beside it as ``NAME.failed.ipynb``.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import paths
from .errors import NotebookRunError, ParameterError
from .parameters import SPECS, check_values, spec_for

__all__ = ["RunResult", "resolve_notebooks", "run_notebooks", "default_jobs", "MAX_JOBS"]

MAX_JOBS = 4  # more kernels than this start unreliably on a 2-core machine


@dataclass
class RunResult:
    """What happened to one notebook."""

    notebook: str
    output: Path | None
    seconds: float
    ok: bool
    cell: int | None = None  # the execution count of the failing cell (its "In [n]")
    error: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        if self.ok:
            return f"{self.notebook}: done in {self.seconds:.1f} s -> {self.output}"
        where = f"cell In [{self.cell}]" if self.cell is not None else "before any cell ran"
        return f"{self.notebook}: FAILED at {where}: {self.error}"


def default_jobs(n_notebooks: int) -> int:
    """Parallel jobs: the number of cores, at most :data:`MAX_JOBS` and the notebook count."""
    return max(1, min(os.cpu_count() or 1, MAX_JOBS, n_notebooks))


def resolve_notebooks(names: Sequence[str] = (), notebooks_dir: Path | None = None) -> list[Path]:
    """Paths of the named notebooks (a stem, a file name or a path); all if none named."""
    folder = notebooks_dir or paths.notebooks_dir()
    available = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not names:
        if not available:
            raise NotebookRunError(f"{folder}: no notebooks found")
        return available
    out = []
    for name in names:
        p = Path(name)
        if p.suffix == ".ipynb" and p.exists():
            out.append(p.resolve())
            continue
        stem = p.name.removesuffix(".ipynb")
        hit = [a for a in available if a.stem == stem]
        if not hit:
            raise NotebookRunError(f"unknown notebook {name!r}; expected a path to an .ipynb file "
                                   f"or one of: {', '.join(a.stem for a in available)}")
        out.append(hit[0])
    return out


def _split_parameters(notebooks: Sequence[Path], parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Give each notebook the parameters it declares; a name no notebook declares is an error."""
    per: list[dict[str, Any]] = []
    declared: set[str] = set()
    for nb in notebooks:
        if nb.stem in SPECS:
            names = {p.name for p in spec_for(nb.stem)}
            declared |= names
            mine = {k: v for k, v in parameters.items() if k in names} if len(notebooks) > 1 \
                else dict(parameters)
            check_values(nb.stem, mine)  # fail fast, before any kernel starts
            per.append(mine)
        else:
            per.append(dict(parameters))
            declared |= set(parameters)
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise ParameterError(f"unknown parameter {', '.join(map(repr, unknown))}: none of "
                             f"{', '.join(nb.stem for nb in notebooks)} declares it")
    return per


def _error_of(exc: BaseException) -> tuple[int | None, str]:
    ename = getattr(exc, "ename", None)
    if ename is not None:  # papermill.exceptions.PapermillExecutionError
        evalue = str(getattr(exc, "evalue", "")).strip()
        return getattr(exc, "exec_count", None), f"{ename}: {evalue}"
    return None, f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


def _run_record(parameters: dict[str, Any], cwd: str | None) -> dict[str, Any]:
    """``{"casestudy": ...}``: the environment and the checksums of the seeds the run read
    (the ``seeds_dir`` parameter if given, else the bundled seeds); see :mod:`.provenance`.
    Only run outputs carry it: ``clean`` drops it from the reference copies."""
    from .provenance import record

    seeds_dir = parameters.get("seeds_dir")
    if isinstance(seeds_dir, str) and seeds_dir:
        seeds_dir = Path(cwd or os.getcwd()) / seeds_dir
    else:
        seeds_dir = None
    return {"casestudy": record(seeds_dir)}


def _execute(src: Path, out: Path, parameters: dict[str, Any], cwd: str | None) -> RunResult:
    """Run one notebook (in a worker process)."""
    import nbformat
    import papermill as pm

    from .nbclean import write_clean

    import logging

    logging.getLogger("papermill").setLevel(logging.ERROR)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # This runs in a worker process: kernel chatter on stderr goes to a log file
    # beside the outputs, so the console shows only the progress lines.
    logdir = out.parent / ".logs"
    logdir.mkdir(exist_ok=True)
    log = open(logdir / f"{out.stem}.log", "w", encoding="utf-8")  # noqa: SIM115
    os.dup2(log.fileno(), 2)
    tmp = out.with_name(f".{out.stem}.running.ipynb")
    started = time.monotonic()
    attempts = 0
    while True:
        attempts += 1
        try:
            pm.execute_notebook(str(src), str(tmp), parameters=parameters, kernel_name="python3",
                                progress_bar=False, log_output=False, cwd=cwd,
                                shutdown_kernel="immediate")
            nb = nbformat.read(str(tmp), as_version=4)
            write_clean(nb, out, metadata=_run_record(parameters, cwd))
            tmp.unlink(missing_ok=True)
            return RunResult(src.stem, out, time.monotonic() - started, True, parameters=parameters)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none is fatal
            cell, message = _error_of(exc)
            started_kernel = tmp.exists() and cell is not None
            if not started_kernel and attempts < 2 and "kernel" in message.lower():
                continue  # a kernel that failed to start: try once more
            failed = out.with_name(f"{out.stem}.failed.ipynb")
            if tmp.exists():
                try:
                    write_clean(nbformat.read(str(tmp), as_version=4), failed,
                                metadata=_run_record(parameters, cwd))
                finally:
                    tmp.unlink(missing_ok=True)
            return RunResult(src.stem, failed if failed.exists() else None,
                             time.monotonic() - started, False, cell, message, parameters)


def _check_writable(outdir: Path) -> None:
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        probe = outdir / ".casestudy-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise NotebookRunError(f"{outdir}: the output folder cannot be written ({exc.strerror}); "
                               "choose another with -o") from None


def run_notebooks(notebooks: Iterable[Path], outdir: Path, parameters: Mapping[str, Any] | None = None,
                  jobs: int | None = None, progress: Callable[[str], None] | None = None,
                  cwd: str | None = None, per_notebook: Sequence[Mapping[str, Any]] | None = None,
                  output_names: Sequence[str] | None = None) -> list[RunResult]:
    """Execute ``notebooks`` into ``outdir``; return one :class:`RunResult` each, in input order.

    ``parameters`` go to every notebook that declares them (checked before any
    kernel starts); ``per_notebook`` instead gives each notebook its own.
    ``progress`` receives one line per event (running, done, failed).
    """
    notebooks = [Path(n) for n in notebooks]
    outdir = Path(outdir)
    for nb in notebooks:
        if nb.resolve().parent == outdir.resolve():
            raise NotebookRunError(f"{outdir}: the output folder is the notebooks' own folder; "
                                   "choose another with -o (outputs never overwrite notebooks)")
    per = [dict(p) for p in per_notebook] if per_notebook is not None else \
        _split_parameters(notebooks, parameters or {})
    names = list(output_names) if output_names is not None else [nb.name for nb in notebooks]
    _check_writable(outdir)
    say = progress or (lambda line: None)
    jobs = jobs or default_jobs(len(notebooks))
    if jobs < 1:
        raise ParameterError(f"-j/--jobs = {jobs}: expected a positive number of parallel jobs")
    total = len(notebooks)
    results: list[RunResult | None] = [None] * total

    def done(i: int, r: RunResult) -> None:
        results[i] = r
        if r.ok:
            say(f"[{i + 1}/{total}] done    {notebooks[i].name} in {r.seconds:.1f} s")
        else:
            say(f"[{i + 1}/{total}] FAILED  {notebooks[i].name} after {r.seconds:.1f} s: "
                f"{f'cell In [{r.cell}]' if r.cell is not None else 'before any cell'}: {r.error}")

    import papermill  # noqa: F401 - imported once here, inherited by the forked workers

    # Always in worker processes, even for one job: a crashing kernel cannot take
    # the driver down, and kernel stderr is captured per notebook.
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, total), mp_context=ctx) as pool:
        pending: dict[Future[RunResult], int] = {}
        for i, nb in enumerate(notebooks):
            say(f"[{i + 1}/{total}] {'running' if i < jobs else 'queued '} {nb.name}")
            pending[pool.submit(_execute, nb, outdir / names[i], per[i], cwd)] = i
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = pending.pop(fut)
                try:
                    done(i, fut.result())
                except Exception as exc:  # noqa: BLE001 - a crashed worker is a failed run
                    done(i, RunResult(notebooks[i].stem, None, 0.0, False, None,
                                      f"{type(exc).__name__}: {exc}", per[i]))
    return [r for r in results if r is not None]
