"""The ``casestudy`` command: seeds, run, params, refresh, sweep, build.

Each subcommand is a thin layer over a module of the package (``-p`` and ``-f``
values are read here); a user's mistake is one line, no traceback, exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import re
import sys
from pathlib import Path
from typing import Any, Sequence

from .errors import CasestudyError, ParameterError


@functools.cache
def _yaml_loader() -> Any:
    """PyYAML's safe loader, reading what ``casestudy params`` prints: ``5e+06`` and ``1e3``
    are numbers (PyYAML reads text) and ``None`` is None; a key given twice is an error."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            self.flatten_mapping(node)
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key, line = self.construct_object(key_node, deep=deep), key_node.start_mark.line + 1
                with contextlib.suppress(TypeError):  # an unhashable key: PyYAML reports it
                    if key in seen:
                        raise ParameterError(f"{key!r} is given twice (lines {seen[key]} and {line})")
                    seen[key] = line
            return super().construct_mapping(node, deep=deep)

    Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
        r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))
    Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^None$"), ["N"])
    return Loader


def parse_value(name: str, text: str) -> Any:
    """The value of ``-p NAME TEXT``, read as YAML (``[ja, zh]`` a list) by :func:`_yaml_loader`;
    an empty value is an error, not a silent None.  Text that is not YAML stays text."""
    import yaml

    if not text.strip():
        raise ParameterError(f"parameter {name!r} = {text!r}: the value is empty; give a value, "
                             "or None for None")
    try:
        return yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a safe loader
    except ParameterError as exc:
        raise ParameterError(f"parameter {name!r} = {text!r}: key {exc}") from None
    except yaml.YAMLError:
        return text


def load_parameter_file(path: str | Path) -> dict[str, Any]:
    """A YAML mapping of parameter names to values; :class:`ParameterError` on any problem."""
    import yaml

    expected = "expected a mapping of parameter names to values"
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_yaml_loader())  # noqa: S506
    except OSError as exc:
        raise ParameterError(f"{path}: the parameter file cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path}: the parameter file is not UTF-8 text (byte "
                             f"{exc.object[exc.start:exc.start + 1]!r} at offset {exc.start}); "
                             f"{expected}") from None
    except ParameterError as exc:
        raise ParameterError(f"{path}: parameter {exc}; expected each parameter once") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(f"{path}: the parameter file is not valid YAML{at} ({problem}); "
                             f"{expected}") from None
    if data is not None and not isinstance(data, dict):
        raise ParameterError(f"{path}: {expected}, got {type(data).__name__}")
    return data or {}  # a name that is not an identifier: see runner.check_parameter_names


def _cmd_seeds(args: argparse.Namespace) -> int:
    import pandas as pd

    from .corpus import load_corpus

    corpus = load_corpus(args.seeds_dir)
    with pd.option_context("display.max_columns", None, "display.width", 200,
                           "display.max_colwidth", 40, "display.max_rows", None):
        table = corpus.seeds_table()[["seed_id", "date", "date_precision", "languages", "genre",
                                      "stance", "chars", "title_en"]]
        print("Corpus:", corpus.folder)
        print(table.to_string(index=False))
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
                print(f"  {r.seed_id} @{r.start}: {r.text!r} ({r.kind})  …{ctx}…")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casestudy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("seeds", help="print the corpus table and the annotation coverage report")
    p.add_argument("--seeds-dir", default=None, help="a folder of seeds (default: the bundled seeds)")
    p.add_argument("--check", action="store_true", help="exit 1 if a number is unexplained")
    p.set_defaults(func=_cmd_seeds)

    p = sub.add_parser("run", help="execute notebooks headless into an output folder")
    p.add_argument("notebooks", nargs="*", help="notebook names or paths (default: all)")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="a parameter, its value read as YAML (2015 is an int, 5e+06 and 1e3 numbers, "
                   "[ja, zh] a list, None or null is None; an empty value is an error)")
    p.add_argument("-f", "--param-file", action="append", metavar="FILE",
                   help="a YAML file of parameters (applied before -p)")
    p.add_argument("-o", "--outdir", default="build/notebooks", help="default: %(default)s")
    p.add_argument("-j", "--jobs", type=int, default=None,
                   help="parallel notebooks (default: the number of cores, at most 4)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("params", help="list a notebook's parameters")
    p.add_argument("notebook")
    p.set_defaults(func=_cmd_params)

    p = sub.add_parser("refresh", help="re-execute notebooks in place to store reference outputs")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("-j", "--jobs", type=int, default=None)
    p.set_defaults(func=_cmd_refresh)

    from .sweep import add_sweep_arguments, sweep_command

    p = sub.add_parser("sweep", help="evaluate the 2026 car-business scenario model over a grid or "
                       "a seeded random sample; optionally render chosen rows as notebooks")
    add_sweep_arguments(p)
    p.set_defaults(func=sweep_command)

    p = sub.add_parser("build", help="render the executed notebooks as a static HTML casebook")
    p.add_argument("--edition", choices=("student", "instructor"), default="instructor",
                   help="student: without teaching notes, answers and exercise outputs")
    p.add_argument("--notebooks-dir", default="build/notebooks", help="default: %(default)s")
    p.add_argument("-o", "--outdir", default="build/site", help="OUTDIR/EDITION (default: %(default)s)")
    p.add_argument("--seeds-dir", default=None, help="the seeds for sources.html (default: bundled)")
    p.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=True,
                   help="also print case.pdf and casebook.pdf with the system's Chromium")
    p.set_defaults(func=_cmd_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from ._speedups import skip_slow_optional_imports

    skip_slow_optional_imports()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CasestudyError as exc:
        print(f"casestudy {args.command}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file or folder the user named cannot be used: one line, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"casestudy {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
