"""The few formulas that earn a name: each is shown to the reader the first time a
notebook uses it (``cs.formulas.implied_prior?`` prints the docstring), and each works
on plain numbers, NumPy arrays and pandas Series alike."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

__all__ = ["implied_prior", "margin", "pp_change", "pct_change", "run_rate"]


def implied_prior(current: T, growth_pct: T) -> T:
    """The year-earlier value a growth rate implies: ``current / (1 + growth_pct / 100)``.

    Not a reported figure: it inherits the rounding of the growth rate.
    """
    return current / (1 + growth_pct / 100)  # type: ignore[operator, return-value]


def margin(part: T, whole: T) -> T:
    """A margin in per cent: ``100 * part / whole`` (e.g. profit over revenue)."""
    return 100 * part / whole  # type: ignore[operator, return-value]


def pp_change(new_pct: T, old_pct: T) -> T:
    """A change between two percentages in percentage points: ``new - old``
    (22.3% after 20.0% is +2.3 pp, which is a relative change of +11.5%)."""
    return new_pct - old_pct  # type: ignore[operator]


def pct_change(new: T, old: T) -> T:
    """A relative change in per cent: ``100 * (new / old - 1)``."""
    return 100 * (new / old - 1)  # type: ignore[operator]


def run_rate(quarter_value: T, periods_per_year: int = 4) -> T:
    """A quarter's value times four: what a year would be if every quarter were like
    this one. A run rate, not an annual figure."""
    return quarter_value * periods_per_year  # type: ignore[operator, return-value]
