"""The options of ``casestudy sweep``, kept apart from the models they choose between.

Why a module of its own: the command builds its whole argument parser before it knows the
subcommand, so ``casestudy --help`` or a mistyped option would otherwise import numpy and
pandas (half a second) through :mod:`casestudy.sweep` and the models. This module imports
neither; :data:`MODEL_NOTEBOOKS` names the models, and :data:`casestudy.sweep.MODELS`, the
table of models by name, takes each model's notebook from it (``tests/test_sweep.py`` checks
that the two list the same models).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["DEFAULT_OUTDIR", "MODEL_NOTEBOOKS", "add_sweep_arguments"]

DEFAULT_OUTDIR = "build/scenarios"

#: Each scenario model's name and the notebook ``--render`` executes for it by default.
MODEL_NOTEBOOKS: Mapping[str, str] = MappingProxyType({
    "home": "04_ev_scenarios.ipynb",
    "europe": "04_ev_scenarios.ipynb",
    "appliances": "05_options.ipynb",
})


def add_sweep_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``casestudy sweep`` options to ``parser``."""
    parser.add_argument("--model", default="home", choices=tuple(MODEL_NOTEBOOKS),
                        help="the scenario model (default home: the 2026 car business in China; "
                             "europe: a car made in China sold in Germany, 2027; "
                             "appliances: the offline air-conditioner channel, notebook 05)")
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...",
                        help="sweep a parameter over these values (repeat for a full grid)")
    parser.add_argument("--sample", type=int, default=None, metavar="N",
                        help="draw N scenarios from the declared sample ranges (needs --seed)")
    parser.add_argument("--seed", type=int, default=None, metavar="S",
                        help="seed of the random sample, for reproducibility")
    parser.add_argument("-o", "--output", default=None, metavar="FILE",
                        help="write the table to FILE (.csv or .parquet)")
    parser.add_argument("--render", default=None, metavar="ROWS",
                        help="render these rows (e.g. 0,3,5-7) as executed notebooks (papermill)")
    parser.add_argument("--notebook", default=None, metavar="PATH",
                        help="notebook to render (default: the model's own in the bundled "
                             f"notebooks folder, e.g. {MODEL_NOTEBOOKS['home']})")
    parser.add_argument("--outdir", default=DEFAULT_OUTDIR, metavar="DIR",
                        help=f"folder for rendered notebooks (default: {DEFAULT_OUTDIR})")
