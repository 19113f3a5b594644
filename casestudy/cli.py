"""The ``casestudy`` command: seeds, run, params, refresh, sweep.

Each subcommand is a thin layer over a module of the package; errors the user
can cause are printed as one paragraph (no traceback) with a non-zero exit.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .errors import CasestudyError


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
        print()
        print("Annotation coverage (numbers found automatically):")
        print(corpus.coverage_summary().to_string(index=False))
        cov = corpus.coverage()
        left = cov[cov["status"] == "uncovered"]
        print()
        if left.empty:
            print("Every number is explained by a fact, an event date or an ignore entry.")
        else:
            print(f"{len(left)} number(s) not explained by any fact, event or ignore entry:")
            for r in left.itertuples():
                seed = corpus[r.seed_id]
                ctx = seed.raw[max(0, r.start - 25):r.end + 25].replace("\n", " ")
                print(f"  {r.seed_id} @{r.start}: {r.text!r} ({r.kind})  …{ctx}…")
    if args.check and not left.empty:
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casestudy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("seeds", help="print the corpus table and the annotation coverage report")
    p.add_argument("--seeds-dir", default=None, help="a folder of seeds (default: the bundled seeds)")
    p.add_argument("--check", action="store_true",
                   help="exit 1 if any number is left unexplained")
    p.set_defaults(func=_cmd_seeds)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CasestudyError as exc:
        print(f"casestudy {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
