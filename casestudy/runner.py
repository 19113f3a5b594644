"""Run notebooks headless through papermill's Python API, several at a time.

One driver process imports papermill once and forks worker processes, so the
~1 s import cost (nbformat's JSON-schema stack, with JupyterLab installed) is
paid once, not per notebook; each worker runs notebooks one after another with
nbclient's ``shutdown_kernel="immediate"``, which avoids the occasional 3 s stall
of a graceful kernel shutdown (see ``../shared/MEASURED.md``).

Outputs go to an output folder, never back to ``notebooks/``: a notebook is run
into a hidden temporary file (``.NAME.<run token>.running.ipynb``, unique to the
run, so two runs into one folder never share one) and renamed over the old output
only once it is complete (:mod:`casestudy.atomic`); a failed run is kept beside it
as ``NAME.failed.ipynb``, and a stale ``NAME.failed.ipynb`` is removed when NAME
later succeeds.

On SIGINT or SIGTERM the driver starts nothing new, stops its workers and their
kernels (:mod:`casestudy.proctree`), removes the run's temporary files and raises
:class:`~casestudy.errors.RunInterrupted` listing what finished and what did not;
``casestudy run`` then exits 130 (SIGINT) or 143 (SIGTERM).

Parameters are checked before any kernel starts: names must be Python
identifiers (papermill writes them into a code cell), declared notebooks check
their values (:mod:`casestudy.parameters`), and a ``seeds_dir`` must be an
existing folder of ``.txt`` files.  A relative ``seeds_dir`` is passed and
recorded as given and resolved against the folder ``casestudy run`` was started
in (the kernels get it as ``CASESTUDY_CWD``; see :func:`casestudy.load_corpus`).
"""

from __future__ import annotations

import contextlib
import keyword
import multiprocessing
import os
import secrets
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import paths
from .errors import NotebookRunError, ParameterError, RunInterrupted
from .parameters import SPECS, check_values, spec_for

__all__ = ["RunResult", "resolve_notebooks", "run_notebooks", "default_jobs", "MAX_JOBS",
           "check_parameter_names", "check_seeds_dir", "BASE_DIR_ENV"]

BASE_DIR_ENV = "CASESTUDY_CWD"  # where relative paths given as parameters are resolved

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
    saved: bool = True  # False: every cell ran, but the output could not be put in place

    def summary(self) -> str:
        if self.ok:
            return f"{self.notebook}: done in {self.seconds:.1f} s -> {self.output}"
        if not self.saved:
            return f"{self.notebook}: ran to the end but was NOT SAVED: {self.error}"
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
            if not p.is_file():
                raise NotebookRunError(f"{name}: is not a file; expected an .ipynb notebook")
            out.append(p.resolve())
            continue
        stem = p.name.removesuffix(".ipynb")
        hit = [a for a in available if a.stem == stem]
        if not hit:
            raise NotebookRunError(f"unknown notebook {name!r}; expected a path to an .ipynb file "
                                   f"or one of: {', '.join(a.stem for a in available)}")
        out.append(hit[0])
    return out


def check_parameter_names(parameters: Mapping[str, Any]) -> None:
    """Every name must be a Python identifier (not a keyword): papermill writes
    ``NAME = VALUE`` into a code cell, so any other name would run as code."""
    for name in parameters:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ParameterError(f"parameter name {name!r} is not allowed; expected a Python "
                                 "identifier (letters, digits and _, not starting with a digit, "
                                 "not a keyword)")


def _base_dir() -> Path:
    return Path(os.environ.get(BASE_DIR_ENV) or os.getcwd())


def check_seeds_dir(notebook: str, value: Any) -> None:
    """A ``seeds_dir`` given as a parameter must be an existing folder holding ``.txt``
    files; a relative one is resolved against the folder the run was started in."""
    if value is None or not isinstance(value, str):
        return  # None = the bundled seeds; a wrong type is check_values' business
    if not value.strip():
        raise ParameterError(f"{notebook}: parameter 'seeds_dir' = {value!r} is empty; expected "
                             "a folder of .txt seed files, or None for the bundled seeds")
    folder = _base_dir() / value
    if not folder.exists():
        raise ParameterError(f"{notebook}: parameter 'seeds_dir' = {value!r}: no such folder "
                             f"({folder}); expected a folder of .txt seed files")
    if not folder.is_dir():
        raise ParameterError(f"{notebook}: parameter 'seeds_dir' = {value!r} is not a folder; "
                             "expected a folder of .txt seed files")
    try:
        has_seed = any(p.suffix.lower() == ".txt" for p in folder.iterdir())
    except OSError as exc:
        raise ParameterError(f"{notebook}: parameter 'seeds_dir' = {value!r}: the folder cannot "
                             f"be read ({exc.strerror}); expected a folder of .txt seed files") from None
    if not has_seed:
        raise ParameterError(f"{notebook}: parameter 'seeds_dir' = {value!r} holds no .txt file; "
                             "expected a folder of .txt seed files")


def _split_parameters(notebooks: Sequence[Path], parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Give each notebook the parameters it declares; a name no notebook declares is an error."""
    check_parameter_names(parameters)
    per: list[dict[str, Any]] = []
    declared: set[str] = set()
    for nb in notebooks:
        if nb.stem in SPECS:
            names = {p.name for p in spec_for(nb.stem)}
            declared |= names
            mine = {k: v for k, v in parameters.items() if k in names} if len(notebooks) > 1 \
                else dict(parameters)
            checked = check_values(nb.stem, mine)  # fail fast, before any kernel starts
            check_seeds_dir(nb.stem, checked.get("seeds_dir"))
            # the checked values (an integral 1e3 for an int is 1000) are what the kernel gets
            per.append({k: checked[k] for k in mine})
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


def _run_record(parameters: dict[str, Any]) -> dict[str, Any]:
    """``{"casestudy": ...}``: the environment and the checksums of the seeds the run read
    (the ``seeds_dir`` parameter if given, else the bundled seeds); see :mod:`.provenance`.
    Only run outputs carry it: ``clean`` drops it from the reference copies."""
    from .provenance import record

    given = parameters.get("seeds_dir")
    if isinstance(given, str) and given:
        rec = record(_base_dir() / given)
        if rec.get("seeds_dir") != "bundled":
            rec["seeds_dir"] = given  # as given: outputs must not depend on where the checkout is
    else:
        rec = record(None)
    return {"casestudy": rec}


def _worker_init() -> None:
    """In each worker: the driver alone decides about SIGINT (a Ctrl-C reaches the whole
    foreground process group); SIGTERM, sent by the driver when it stops, ends the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _execute(src: Path, out: Path, parameters: dict[str, Any], cwd: str | None, token: str,
             base_dir: str) -> RunResult:
    """Run one notebook (in a worker process)."""
    import nbformat
    import papermill as pm

    from .atomic import ReplaceError
    from .nbclean import write_clean

    import logging

    logging.getLogger("papermill").setLevel(logging.ERROR)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ[BASE_DIR_ENV] = base_dir  # inherited by the kernel: relative paths resolve here
    # This runs in a worker process: kernel chatter on stderr goes to a log file
    # beside the outputs, so the console shows only the progress lines.
    logdir = out.parent / ".logs"
    logdir.mkdir(exist_ok=True)
    log = open(logdir / f"{out.stem}.log", "w", encoding="utf-8")  # noqa: SIM115
    os.dup2(log.fileno(), 2)
    tmp = _running_name(out, token)
    failed = out.with_name(f"{out.stem}.failed.ipynb")
    started = time.monotonic()
    attempts = 0
    while True:
        attempts += 1
        try:
            pm.execute_notebook(str(src), str(tmp), parameters=parameters, kernel_name="python3",
                                progress_bar=False, log_output=False, cwd=cwd,
                                shutdown_kernel="immediate")
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none is fatal
            cell, message = _error_of(exc)
            started_kernel = tmp.exists() and cell is not None
            if not started_kernel and attempts < 2 and "kernel" in message.lower():
                continue  # a kernel that failed to start: try once more
            try:
                if tmp.exists():
                    write_clean(nbformat.read(str(tmp), as_version=4), failed,
                                metadata=_run_record(parameters), tag=token)
            except (ReplaceError, OSError) as exc2:
                message += f" (the partial output could not be kept: {exc2})"
            finally:
                tmp.unlink(missing_ok=True)
            return RunResult(src.stem, failed if failed.exists() else None,
                             time.monotonic() - started, False, cell, message, parameters)
        # every cell ran: now put the output in place
        try:
            nb = nbformat.read(str(tmp), as_version=4)
            write_clean(nb, out, metadata=_run_record(parameters), tag=token)
        except (ReplaceError, OSError) as exc:
            return RunResult(src.stem, None, time.monotonic() - started, False, None,
                             str(exc), parameters, saved=False)
        finally:
            tmp.unlink(missing_ok=True)
        failed.unlink(missing_ok=True)  # a stale failure of an earlier run no longer holds
        return RunResult(src.stem, out, time.monotonic() - started, True, parameters=parameters)


def _running_name(out: Path, token: str) -> Path:
    return out.with_name(f".{out.stem}.{token}.running.ipynb")


def _remove_temp_files(outdir: Path, token: str) -> None:
    """Remove this run's temporary files (and only this run's: they carry its token)."""
    for p in outdir.glob(f".*.{token}.*"):
        with contextlib.suppress(OSError):
            p.unlink()


def _check_writable(outdir: Path) -> None:
    if outdir.exists() and not outdir.is_dir():
        raise NotebookRunError(f"{outdir}: the output folder is a file; choose a folder with -o")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        import tempfile

        fd, probe = tempfile.mkstemp(dir=outdir, prefix=".casestudy-write-test.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise NotebookRunError(f"{outdir}: the output folder cannot be written "
                               f"({exc.strerror or exc}); choose another with -o") from None


class _Stop(BaseException):
    """Raised in the driver by the SIGINT/SIGTERM handler of :func:`run_notebooks`."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum: int, frame: Any) -> None:
    raise _Stop(signum)


@contextlib.contextmanager
def _signals_raise_stop() -> Any:
    """While running, SIGINT and SIGTERM raise :class:`_Stop` in the driver (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _raise_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def run_notebooks(notebooks: Iterable[Path], outdir: Path, parameters: Mapping[str, Any] | None = None,
                  jobs: int | None = None, progress: Callable[[str], None] | None = None,
                  cwd: str | None = None, per_notebook: Sequence[Mapping[str, Any]] | None = None,
                  output_names: Sequence[str] | None = None) -> list[RunResult]:
    """Execute ``notebooks`` into ``outdir``; return one :class:`RunResult` each, in input order.

    ``parameters`` go to every notebook that declares them (checked before any
    kernel starts); ``per_notebook`` instead gives each notebook its own.
    ``progress`` receives one line per event (running, done, failed).  ``cwd`` is
    the kernels' working directory (default: the current one).

    On SIGINT or SIGTERM (when called from the main thread) nothing new starts,
    the workers and their kernels are stopped, this run's temporary files are
    removed and :class:`~casestudy.errors.RunInterrupted` is raised.
    """
    notebooks = [Path(n) for n in notebooks]
    outdir = Path(outdir)
    for nb in notebooks:
        if nb.resolve().parent == outdir.resolve():
            raise NotebookRunError(f"{outdir}: the output folder is the notebooks' own folder; "
                                   "choose another with -o (outputs never overwrite notebooks)")
    if per_notebook is not None:
        per = [dict(p) for p in per_notebook]
        for p in per:
            check_parameter_names(p)
    else:
        per = _split_parameters(notebooks, parameters or {})
    names = list(output_names) if output_names is not None else [nb.name for nb in notebooks]
    jobs = jobs or default_jobs(len(notebooks))
    if jobs < 1:
        raise ParameterError(f"-j/--jobs = {jobs}: expected a positive number of parallel jobs")
    _check_writable(outdir)
    say = progress or (lambda line: None)
    total = len(notebooks)
    results: list[RunResult | None] = [None] * total
    token = f"{os.getpid()}-{secrets.token_hex(4)}"  # this run's temp files carry it
    base_dir = str(_base_dir())

    def done(i: int, r: RunResult) -> None:
        results[i] = r
        if r.ok:
            say(f"[{i + 1}/{total}] done    {notebooks[i].name} in {r.seconds:.1f} s")
        elif not r.saved:
            say(f"[{i + 1}/{total}] NOT SAVED {notebooks[i].name} after {r.seconds:.1f} s: "
                f"every cell ran, but {r.error}")
        else:
            say(f"[{i + 1}/{total}] FAILED  {notebooks[i].name} after {r.seconds:.1f} s: "
                f"{f'cell In [{r.cell}]' if r.cell is not None else 'before any cell'}: {r.error}")

    import papermill  # noqa: F401 - imported once here, inherited by the forked workers

    # Always in worker processes, even for one job: a crashing kernel cannot take
    # the driver down, and kernel stderr is captured per notebook.
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    workers = min(jobs, total)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)
    pending: dict[Future[RunResult], int] = {}
    try:
        with _signals_raise_stop():
            try:
                for i, nb in enumerate(notebooks):
                    say(f"[{i + 1}/{total}] {'running' if i < workers else 'queued '} {nb.name}")
                    pending[pool.submit(_execute, nb, outdir / names[i], per[i], cwd, token,
                                        base_dir)] = i
                while pending:
                    finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        i = pending.pop(fut)
                        try:
                            done(i, fut.result())
                        except Exception as exc:  # noqa: BLE001 - a crashed worker is a failed run
                            done(i, RunResult(notebooks[i].stem, None, 0.0, False, None,
                                              f"{type(exc).__name__}: {exc}", per[i]))
            except _Stop as stop:
                for s in (signal.SIGINT, signal.SIGTERM):  # one clean-up, even if signalled again
                    signal.signal(s, signal.SIG_IGN)
                # running: its kernel had started (papermill writes the temp output first)
                order = sorted(pending.values())
                running = [notebooks[i].name for i in order
                           if _running_name(outdir / names[i], token).exists()]
                queued = [notebooks[i].name for i in order if notebooks[i].name not in running]
                _interrupt(pool, pending, outdir, token)
                finished_results = [r for r in results if r is not None]
                raise RunInterrupted(stop.signum, finished_results, running, queued) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _remove_temp_files(outdir, token)
    return [r for r in results if r is not None]


def _interrupt(pool: ProcessPoolExecutor, pending: Mapping[Future[RunResult], int], outdir: Path,
               token: str) -> None:
    """Cancel what has not started, stop every worker and kernel, remove the temp files."""
    from .proctree import stop_descendants

    for fut in pending:
        fut.cancel()
    stop_descendants()
    _remove_temp_files(outdir, token)
