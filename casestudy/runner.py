"""Run notebooks headless through papermill's Python API, several at a time.

The driver imports papermill once (about 1 s) and forks workers that run notebooks
one after another.  A notebook runs into ``.NAME.<run token>.running.ipynb`` and its
complete output replaces the old one atomically; a failed run is kept as
``NAME.failed.ipynb`` until NAME succeeds.  Parameters are checked before any kernel
starts.  On SIGINT or SIGTERM nothing new starts, workers and kernels are stopped,
temporary files removed and :class:`~casestudy.errors.RunInterrupted` raised.
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
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .atomic import remove_stale, temp_name
from .errors import NotebookRunError, ParameterError, RunInterrupted
from .parameters import SPECS, check_plain, check_values, spec_for
from .processes import wait_ended
from .values import short

__all__ = ["RunResult", "resolve_notebooks", "run_notebooks", "check_parameter_names"]

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

    def status(self) -> str:
        if self.ok:
            return f"done in {self.seconds:.1f} s -> {self.output}"
        if not self.saved:
            return f"ran to the end but was NOT SAVED: {self.error}"
        where = f"cell In [{self.cell}]" if self.cell is not None else "before any cell ran"
        return f"FAILED at {where}: {self.error}"

    def summary(self) -> str:
        return f"{self.notebook}: {self.status()}"


def resolve_notebooks(names: Sequence[str] = (), notebooks_dir: Path | None = None) -> list[Path]:
    """Paths of the named notebooks (a stem, a file name or a path); all if none named."""
    folder = notebooks_dir or paths.notebooks_dir()
    available = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not names and not available:
        raise NotebookRunError(f"{folder}: no notebooks found")
    out = []
    for name in names:
        p = Path(name)
        hit = ([p.resolve()] if p.suffix == ".ipynb" and p.is_file()
               else [a for a in available if a.stem == p.name.removesuffix(".ipynb")])
        if not hit:
            raise NotebookRunError(f"unknown notebook {name!r}; expected a path to an .ipynb file "
                                   f"or one of: {', '.join(a.stem for a in available)}")
        out.append(hit[0])
    return out or available


def check_parameter_names(parameters: Mapping[str, Any]) -> None:
    """Every name must be an identifier, not a keyword: papermill writes ``NAME = VALUE``
    into a code cell, so any other name would run as code."""
    for name in parameters:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ParameterError(f"parameter name {short(name)} is not allowed; expected a Python "
                                 "identifier (letters, digits and _, "
                                 "not starting with a digit, not a keyword)")


def _base_dir() -> Path:
    return Path(os.environ.get("CASESTUDY_CWD") or os.getcwd())


def check_seeds_dir(notebook: str, value: Any) -> None:
    """A ``seeds_dir`` must be a folder holding ``.txt`` files; a relative one is resolved
    against the folder the run started in (kernels get it as ``CASESTUDY_CWD``)."""
    if not isinstance(value, str):
        return  # None = the bundled seeds; a wrong type is check_values' business
    folder = _base_dir() / value
    problem = ("is empty" if not value.strip() else
               f"names no such folder ({folder})" if not folder.exists() else
               "is not a folder" if not folder.is_dir() else "")
    if not problem:
        try:
            if not any(p.suffix.lower() == ".txt" for p in folder.iterdir()):
                problem = "holds no .txt file"
        except OSError as exc:
            problem = f"cannot be read ({exc.strerror})"
    if problem:
        raise ParameterError(f"{notebook}: parameter 'seeds_dir' = {value!r} {problem}; expected "
                             "a folder of .txt seed files, or None for the bundled seeds")


def _split_parameters(notebooks: Sequence[Path],
                      parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each notebook's checked parameters; a name no notebook declares is an error."""
    check_parameter_names(parameters)
    per: list[dict[str, Any]] = []
    declared: set[str] = set()
    for nb in notebooks:
        names = {p.name for p in spec_for(nb.stem)} if nb.stem in SPECS else set(parameters)
        declared |= names
        mine = {k: v for k, v in parameters.items() if k in names or len(notebooks) == 1}
        if nb.stem in SPECS:  # fail fast; the kernel gets the checked value (1e3 for an int: 1000)
            checked = check_values(nb.stem, mine)
            check_seeds_dir(nb.stem, checked.get("seeds_dir"))
            mine = {k: checked[k] for k in mine}
        per.append({k: check_plain(nb.stem, k, v) for k, v in mine.items()})
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
    lines = str(exc).strip().splitlines()
    return None, f"{type(exc).__name__}: {lines[0] if lines else ''}"


def _run_record(parameters: dict[str, Any]) -> dict[str, Any]:
    """The run record (:mod:`.provenance`), with a ``seeds_dir`` as given, not a machine path."""
    from .provenance import record

    given = parameters.get("seeds_dir")
    rec = record(_base_dir() / given if isinstance(given, str) and given else None)
    if rec["seeds_dir"] != "bundled":
        rec["seeds_dir"] = given
    return {"casestudy": rec}


def _ignore(signum: int, frame: Any) -> None:
    """A worker's handler of SIGINT and SIGTERM: nothing (see :func:`_worker_init`)."""


def _worker_init() -> None:
    """Only the driver handles Ctrl-C and SIGTERM (they reach the whole process group): it
    stops the kernels first, then the workers.  A worker dies with its driver (Linux's
    ``prctl(PR_SET_PDEATHSIG)``), so a driver killed with SIGKILL leaves no worker running."""
    # a handler that does nothing, not SIG_IGN: an ignored signal stays ignored across exec,
    # so the kernels a worker starts would ignore the driver's SIGTERM too (and every stop
    # waited the full 3 s for SIGKILL); a handler is reset to the default by exec
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _ignore)
    if sys.platform == "linux":
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the driver died before prctl
            os._exit(1)


def _execute(src: Path, out: Path, parameters: dict[str, Any], cwd: str | None, token: str,
             base_dir: str) -> RunResult:
    """Run one notebook (in a worker process); kernel stderr goes to ``OUTDIR/.logs/``."""
    import logging

    import nbformat
    import papermill as pm

    from .nbclean import write_clean

    logging.getLogger("papermill").setLevel(logging.ERROR)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ["CASESTUDY_CWD"] = base_dir  # inherited by the kernel: relative paths resolve here
    (out.parent / ".logs").mkdir(exist_ok=True)
    log = open(out.parent / ".logs" / f"{out.stem}.log", "w", encoding="utf-8")  # noqa: SIM115
    os.dup2(log.fileno(), 2)
    tmp = _running_name(out, token)
    failed = out.with_name(f"{out.stem}.failed.ipynb")
    started = time.monotonic()
    for attempt in (1, 2):
        cell, message = None, ""
        try:
            pm.execute_notebook(str(src), str(tmp), parameters=parameters, kernel_name="python3",
                                progress_bar=False, log_output=False, cwd=cwd,
                                shutdown_kernel="immediate")
            break
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none is fatal
            cell, message = _error_of(exc)
            if attempt == 2 or cell is not None or "kernel" not in message.lower():
                break  # else a kernel that failed to start: try once more
    ok = not message
    try:
        if tmp.exists():
            write_clean(nbformat.read(str(tmp), as_version=4), out if ok else failed,
                        metadata=_run_record(parameters), tag=token)
    except (OSError, ValueError) as exc:  # ReplaceError; NotJSONError: a truncated output
        why = f"{exc}{_disk_full(out.parent)}"
        if ok:  # every cell ran, but the output could not be put in place
            return RunResult(src.stem, None, time.monotonic() - started, False, None, why,
                             parameters, saved=False)
        message += f" (the partial output could not be kept: {why})"
    finally:
        tmp.unlink(missing_ok=True)
    if message and "disk holding" not in message:
        message += _disk_full(out.parent)
    if ok:
        failed.unlink(missing_ok=True)  # a stale failure of an earlier run no longer holds
    output = out if ok else failed if failed.exists() else None
    return RunResult(src.stem, output, time.monotonic() - started, ok, cell, message, parameters)


def _disk_full(folder: Path) -> str:
    """A note if the disk holding ``folder`` is (nearly) full, which truncates outputs."""
    import shutil

    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    return (f"; the disk holding {folder} is full ({free:,} bytes free): free some space and "
            "run again") if free < 10_000_000 else ""


def _running_name(out: Path, token: str) -> Path:
    return out.with_name(f".{out.stem}.{token}.running.ipynb")


def _check_writable(outdir: Path) -> None:
    if outdir.exists() and not outdir.is_dir():
        raise NotebookRunError(f"{outdir}: the output folder is a file; choose a folder with -o")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        temp_name(outdir / "write-test").unlink()
    except OSError as exc:
        raise NotebookRunError(f"{outdir}: the output folder cannot be written "
                               f"({exc.strerror or exc}); choose another with -o") from None


class _Stop(BaseException):
    """Raised in the driver by SIGINT or SIGTERM while notebooks run; args: the signal."""

    @staticmethod
    def handler(signum: int, frame: Any) -> None:
        raise _Stop(signum)


def _connection_file(proc: Any) -> str | None:
    """The ``-f FILE`` a Jupyter kernel was started with (it holds the kernel's HMAC key)."""
    import psutil

    try:
        args = proc.cmdline()
    except psutil.Error:
        return None
    return next((b for a, b in zip(args, args[1:], strict=False)
                 if a == "-f" and b.endswith(".json")), None)


def _stop_process_tree() -> None:
    """Stop every descendant of this process: first the kernels (Jupyter starts them in
    sessions of their own, so they would outlive their worker) with SIGTERM, SIGKILL after 3 s,
    and remove their connection files; then the workers (which ignore SIGTERM); return only
    when all have ended (a zombie has: :mod:`casestudy.processes`)."""
    import psutil

    me = psutil.Process()
    workers = me.children()
    kernels = [p for p in me.children(recursive=True) if p not in workers]
    files = [f for f in map(_connection_file, kernels) if f]
    for group, sig in ((kernels, signal.SIGTERM), (workers, signal.SIGKILL)):
        for p in group:
            with contextlib.suppress(psutil.Error):
                p.send_signal(sig)
        for p in wait_ended(group, 3):
            with contextlib.suppress(psutil.Error):
                p.kill()
        wait_ended(group, 3)
    for f in files:
        with contextlib.suppress(OSError):
            os.unlink(f)


def run_notebooks(notebooks: Iterable[Path], outdir: Path,
                  parameters: Mapping[str, Any] | None = None,
                  jobs: int | None = None, progress: Callable[[str], None] | None = None,
                  cwd: str | None = None, per_notebook: Sequence[Mapping[str, Any]] | None = None,
                  output_names: Sequence[str] | None = None) -> list[RunResult]:
    """Execute ``notebooks`` into ``outdir``; return one :class:`RunResult` each, in input order.

    ``parameters`` go to every notebook that declares them, ``per_notebook`` gives each
    its own; ``progress`` gets one line per event; ``cwd`` is the kernels' working folder.
    """
    notebooks = [Path(n) for n in notebooks]
    outdir = Path(outdir)
    if any(nb.resolve().parent == outdir.resolve() for nb in notebooks):
        raise NotebookRunError(f"{outdir}: the output folder is the notebooks' own folder; "
                               "choose another with -o (outputs never overwrite notebooks)")
    per = ([dict(p) for p in per_notebook] if per_notebook is not None
           else _split_parameters(notebooks, parameters or {}))
    for nb, values in zip(notebooks, per, strict=True):
        check_parameter_names(values)
        for k, v in values.items():
            check_plain(nb.stem, k, v)
    names = list(output_names or [nb.name for nb in notebooks])
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # two runs into one output would share its temporary file
        raise NotebookRunError(f"notebook {', '.join(twice)} is named more than once; name each "
                               "notebook once (or run the copies into different folders with -o)")
    total = len(notebooks)
    jobs = jobs or max(1, min(os.cpu_count() or 1, MAX_JOBS, total))
    if jobs < 1:
        raise ParameterError(f"-j/--jobs = {jobs}: expected a positive number of parallel jobs")
    _check_writable(outdir)
    remove_stale(outdir)  # temp files of a run killed earlier (SIGKILL leaves them)
    say = progress or (lambda line: None)
    results: list[RunResult | None] = [None] * total
    token = f"{os.getpid()}-{secrets.token_hex(4)}"  # this run's temp files carry it

    import papermill  # noqa: F401 - imported once here, inherited by the forked workers

    # workers even for one job: a crashing kernel cannot take the driver down
    pool = ProcessPoolExecutor(max_workers=min(jobs, total), initializer=_worker_init,
                               mp_context=multiprocessing.get_context("fork"))
    pending: dict[Future[RunResult], int] = {}
    in_main = threading.current_thread() is threading.main_thread()
    old = ({s: signal.signal(s, _Stop.handler) for s in (signal.SIGINT, signal.SIGTERM)}
           if in_main else {})
    try:
        for i, nb in enumerate(notebooks):
            say(f"[{i + 1}/{total}] {'running' if i < jobs else 'queued '} {nb.name}")
            pending[pool.submit(_execute, nb, outdir / names[i], per[i], cwd, token,
                                str(_base_dir()))] = i
        while pending:
            for fut in wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)[0]:
                i = pending.pop(fut)
                try:
                    r = fut.result()
                except Exception as exc:  # noqa: BLE001 - a crashed worker is a failed run
                    r = RunResult(notebooks[i].stem, None, 0.0, False, None,
                                  f"{type(exc).__name__}: {exc}", per[i])
                results[i] = r
                say(f"[{i + 1}/{total}] {notebooks[i].name}: {r.status()}")
    except _Stop as stop:
        for s in old:  # one clean-up, even if signalled again
            signal.signal(s, signal.SIG_IGN)
        order = sorted(pending.values())  # running: its kernel had started (it wrote the temp file)
        running = [notebooks[i].name for i in order
                   if _running_name(outdir / names[i], token).exists()]
        queued = [notebooks[i].name for i in order if notebooks[i].name not in running]
        for fut in pending:
            fut.cancel()
        _stop_process_tree()
        raise RunInterrupted(stop.args[0], [r for r in results if r is not None], running,
                              queued) from None
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        pool.shutdown(wait=True, cancel_futures=True)
        for tmp in outdir.glob(f".*.{token}.*"):  # this run's temporary files, only this run's
            with contextlib.suppress(OSError):
                tmp.unlink()
    return [r for r in results if r is not None]
