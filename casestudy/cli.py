"""The ``casestudy`` command: seeds, run, params, refresh, sweep, build, assign, grade.

Each subcommand is a thin layer over a module of the package (``-p`` and ``-f``
values are read by :mod:`casestudy.values`); a user's mistake is one line of at most
:data:`MAX_MESSAGE_CHARS` printable characters, no traceback, exit 2; SIGINT or SIGTERM
unwinds (temporary files removed) and exits 130 or 143.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import CasestudyError, ParameterError
from .sweepcli import add_sweep_arguments
from .values import RULE, load_parameter_file, parse_value

__all__ = ["main", "build_parser", "parse_value", "load_parameter_file", "MAX_MESSAGE_CHARS"]

MAX_MESSAGE_CHARS = 600  # an error line is cut here: a value quoted in it may be megabytes


def _positive(text: str) -> int:
    """``-j``: a positive number of parallel jobs (0 or less is refused by argparse)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n} jobs: expected a positive number of parallel jobs")
    return n


def _printable(text: str) -> str:
    """``text`` with control characters (ANSI escapes included) shown as escapes, so a seed
    cannot drive the terminal: ESC [ 2 J prints as \\x1b[2J."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode()
                   for c in text)


def _cmd_seeds(args: argparse.Namespace) -> int:
    import pandas as pd

    from .corpus import load_corpus

    corpus = load_corpus(args.seeds_dir)
    with pd.option_context("display.max_columns", None, "display.width", 200,
                           "display.max_colwidth", 40, "display.max_rows", None):
        table = corpus.seeds_table()[["seed_id", "date", "date_precision", "languages", "genre",
                                      "stance", "chars", "title_en"]]
        print("Corpus:", _printable(str(corpus.folder)))
        print("\n".join(map(_printable, table.to_string(index=False).splitlines())))
        print("\nAnnotation coverage (numbers found automatically):")
        print(corpus.coverage_summary().to_string(index=False))
        cov = corpus.coverage()
        left = cov[cov["status"] == "uncovered"]
        if left.empty:
            print("\nEvery number is explained by a fact, an event date or an ignore entry.")
        else:
            print(f"\n{len(left)} number(s) not explained by any fact, event or ignore entry:")
            for r in left.itertuples():
                seed = corpus[r.seed_id]
                ctx = seed.raw[max(0, r.start - 25):r.end + 25].replace("\n", " ")
                print(_printable(f"  {r.seed_id} @{r.start}: {r.text!r} ({r.kind})  …{ctx}…"))
    return 1 if args.check and not left.empty else 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .errors import RunInterrupted
    from .runner import resolve_notebooks, run_notebooks

    params: dict[str, Any] = {}
    for f in args.param_file or []:
        params.update(load_parameter_file(f))
    given: dict[str, str] = {}
    for name, text in args.param or []:
        if name in given:
            raise ParameterError(f"parameter {name!r} is given twice on the command line "
                                 f"({given[name]!r} and {text!r}); give it once")
        given[name] = text
        params[name] = parse_value(name, text)
    notebooks = resolve_notebooks(args.notebooks)
    print(f"Running {len(notebooks)} notebook(s) into {args.outdir}", flush=True)
    try:
        results = run_notebooks(notebooks, Path(args.outdir), params, jobs=args.jobs,
                                progress=lambda line: print(line, flush=True))
    except RunInterrupted as stop:
        print(f"\nInterrupted by {stop.signal_name}: workers and kernels stopped, temporary "
              "files removed.", file=sys.stderr, flush=True)
        lines = ([f"finished:    {r.summary()}" for r in stop.finished]
                 + [f"not finished: {name} (stopped while running; its previous output, if any, "
                    "is unchanged)" for name in stop.running]
                 + [f"not finished: {name} (not started)" for name in stop.queued])
        print("".join(f"  {line}\n" for line in lines), end="", file=sys.stderr)
        return stop.exit_code
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed "
          f"(notebook time {sum(r.seconds for r in results):.1f} s)", flush=True)
    if failed:
        print("\nFailures:", file=sys.stderr)
    for r in failed:
        kept = f" (partial output kept: {r.output})" if r.output and r.saved else ""
        print(f"  {r.summary()}{kept}", file=sys.stderr)
    return 1 if failed else 0


def _cmd_params(args: argparse.Namespace) -> int:
    from .parameters import spec_for
    from .runner import resolve_notebooks

    nb = resolve_notebooks([args.notebook])[0]
    print(f"Parameters of {nb.stem} (set with: casestudy run {nb.stem} -p NAME VALUE; "
          "None for None)\n")
    for p in spec_for(nb.stem):
        print(f"  {p.name}: {p.type_name} = {p.default!r}")
        print(f"      {p.help}")
        print(f"      allowed: {p.allowed()}" + (f"; unit: {p.unit}" if p.unit else ""))
        if p.source:
            print(f"      default from: {p.source}")
    return 0


def _cmd_refresh(args: argparse.Namespace) -> int:
    from .refresh import refresh
    from .runner import resolve_notebooks

    notebooks = resolve_notebooks(args.notebooks)
    results = refresh(notebooks, jobs=args.jobs, progress=lambda line: print(line, flush=True))
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"  {r.summary()} (notebook left unchanged)", file=sys.stderr)
    print(f"{len(results) - len(failed)} refreshed, {len(failed)} failed")
    return 1 if failed else 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from .sweep import sweep_command

    return sweep_command(args)


def _cmd_build(args: argparse.Namespace) -> int:
    from .site import build_site

    result = build_site(args.notebooks_dir, args.outdir, args.edition, seeds_dir=args.seeds_dir,
                        progress=lambda line: print(line, flush=True), pdf_files=args.pdf)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    n = sum(len(p.exhibits) for p in result.pages)
    print(f"{result.edition} edition: {len(result.pages)} notebook page(s), {n} exhibit(s) and "
          f"figure(s), sources.html -> {result.index}")
    return 0


def _cmd_assign(args: argparse.Namespace) -> int:
    from .grading.assign import assign, read_roster
    from .runner import resolve_notebooks

    students = read_roster(args.roster)
    notebooks = resolve_notebooks(args.notebooks)
    print(f"Assigning {len(notebooks)} notebook(s) to {len(students)} student(s) into "
          f"{args.outdir} (seed {args.seed})", flush=True)
    manifest = assign(notebooks, students, args.outdir, seed=args.seed, jobs=args.jobs,
                      progress=lambda line: print(line, flush=True))
    for sid in students:
        varied = "; ".join(f"{nb}: " + ", ".join(f"{k}={v!r}" for k, v in values.items())
                           for nb, values in manifest["variants"][sid].items() if values)
        print(f"  {sid}: {varied or 'no declared variants'}")
    print(f"Hand out {args.outdir}/<student_id>/*.ipynb; keep solutions/, assignment.json and "
          "answers.json")
    return 0


def _cmd_grade(args: argparse.Namespace) -> int:
    from .grading.grade import grade, summarise
    from .grading.sandbox import MB, Limits, isolation

    mode = ("bubblewrap" if isolation() == "bwrap"
            else "NONE (no usable bwrap, or CASESTUDY_SANDBOX=none): see README")
    print(f"Grading {args.submissions} against {args.assignment} (isolation: {mode}; "
          f"{args.timeout:g} s and {args.memory} MB per notebook)", flush=True)
    rows = grade(args.submissions, args.assignment, args.output,
                 limits=Limits(seconds=args.timeout, memory=args.memory * MB), jobs=args.jobs,
                 progress=lambda line: print(line, flush=True), feedback_dir=args.feedback)
    print("\nstudent_id  points  " + "  ".join(s for s in ("right", "wrong", "not yet", "error",
                                                             "timeout", "missing")))
    for s in summarise(rows):
        print(f"{s['student_id']:<10}  {s['points']:g}/{s['max_points']:g}  "
              + "  ".join(f"{s[k]}" for k in ("right", "wrong", "not yet", "error", "timeout",
                                                "missing")))
    print(f"Gradebook: {args.output}")
    return 0


def _add_grading_commands(sub: Any) -> None:
    p = sub.add_parser("assign", help="write each student's copy of notebooks under their own "
                       "variant, with the instructor's solutions")
    p.add_argument("notebooks", nargs="+",
                   help="notebook names or paths, as `casestudy run` takes them")
    p.add_argument("--roster", required=True, help="a CSV with a student_id column")
    p.add_argument("-o", "--outdir", required=True, help="the assignment folder to write")
    p.add_argument("--seed", type=int, default=0, help="the variants' seed (default: %(default)s)")
    p.add_argument("-j", "--jobs", type=int, default=None, help="parallel notebooks")
    p.set_defaults(func=_cmd_assign)

    p = sub.add_parser("grade", help="grade returned notebooks in isolation into a gradebook CSV")
    p.add_argument("submissions", help="a folder holding one folder per student id")
    p.add_argument("-a", "--assignment", required=True, help="the folder `casestudy assign` wrote")
    p.add_argument("-o", "--output", default="gradebook.csv", help="default: %(default)s")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="seconds per notebook (default: %(default)s)")
    p.add_argument("--memory", type=int, default=3072,
                   help="address-space limit per process, MB (default: %(default)s)")
    p.add_argument("--feedback", default=None,
                   help="folder of the feedback pages (default: feedback/ beside the gradebook)")
    p.add_argument("-j", "--jobs", type=int, default=None, help="parallel notebooks")
    p.set_defaults(func=_cmd_grade)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casestudy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("seeds", help="print the corpus table and the annotation coverage report")
    p.add_argument("--seeds-dir", default=None,
                   help="a folder of seeds (default: the bundled seeds)")
    p.add_argument("--check", action="store_true", help="exit 1 if a number is unexplained")
    p.set_defaults(func=_cmd_seeds)

    p = sub.add_parser("run", help="execute notebooks headless into an output folder")
    p.add_argument("notebooks", nargs="*", help="notebook names or paths (default: all)")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help=f"a parameter. {RULE}".replace("%", "%%"))
    p.add_argument("-f", "--param-file", action="append", metavar="FILE",
                   help="a YAML file of parameters (applied before -p; values as inside [...])")
    p.add_argument("-o", "--outdir", default="build/notebooks", help="default: %(default)s")
    p.add_argument("-j", "--jobs", type=_positive, default=None,
                   help="parallel notebooks (default: the number of cores, at most 4)")
    # -p elasticity -2e0: a negative number in any notation is a value, not an option
    p._negative_number_matcher = re.compile(  # noqa: SLF001 - argparse has no public setting
        r"^-(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("params", help="list a notebook's parameters")
    p.add_argument("notebook")
    p.set_defaults(func=_cmd_params)

    p = sub.add_parser("refresh", help="re-execute notebooks in place to store reference outputs")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("-j", "--jobs", type=_positive, default=None)
    p.set_defaults(func=_cmd_refresh)

    p = sub.add_parser("sweep", help="evaluate the 2026 car-business scenario model over a grid or "
                       "a seeded random sample; optionally render chosen rows as notebooks")
    add_sweep_arguments(p)
    p.set_defaults(func=_cmd_sweep)

    p = sub.add_parser("build", help="render the executed notebooks as a static HTML casebook")
    p.add_argument("--edition", choices=("student", "instructor"), default="instructor",
                   help="student: without teaching notes, answers and exercise outputs")
    p.add_argument("--notebooks-dir", default="build/notebooks", help="default: %(default)s")
    p.add_argument("-o", "--outdir", default="build/site",
                   help="OUTDIR/EDITION (default: %(default)s)")
    p.add_argument("--seeds-dir", default=None,
                   help="the seeds for sources.html (default: bundled)")
    p.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=True,
                   help="also print case.pdf and casebook.pdf with the system's Chromium")
    p.set_defaults(func=_cmd_build)

    _add_grading_commands(sub)
    return parser


class _Terminated(BaseException):
    """SIGTERM, raised so that ``finally`` clauses remove temporary files (args: the signal)."""

    @staticmethod
    def handler(signum: int, frame: Any) -> None:
        raise _Terminated(signum)


def _one_line(message: str) -> str:
    """``message`` on one line, printable, at most :data:`MAX_MESSAGE_CHARS` characters."""
    text = _printable(" ".join(message.split()))
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def main(argv: Sequence[str] | None = None) -> int:
    from ._speedups import skip_slow_optional_imports

    skip_slow_optional_imports()
    args = build_parser().parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGTERM, _Terminated.handler) if main_thread else None
    try:  # SIGTERM unwinds as Ctrl-C does
        return int(args.func(args))
    except (KeyboardInterrupt, _Terminated) as exc:  # `run` reports its own; files are cleaned
        signum = exc.args[0] if isinstance(exc, _Terminated) else signal.SIGINT
        print(f"casestudy {args.command}: interrupted by {signal.Signals(signum).name}; "
              "temporary files removed, earlier outputs unchanged", file=sys.stderr)
        return 128 + signum
    except CasestudyError as exc:
        print(f"casestudy {args.command}: error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `casestudy seeds | head`: the reader has gone; nothing to report
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a tool stopped by SIGPIPE
    except OSError as exc:  # a file or folder the user named cannot be used: one line, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"casestudy {args.command}: error: {_one_line(f'{where}{exc.strerror or exc}')}",
              file=sys.stderr)
        return 2
    finally:
        if old is not None:
            signal.signal(signal.SIGTERM, old)


if __name__ == "__main__":
    sys.exit(main())
