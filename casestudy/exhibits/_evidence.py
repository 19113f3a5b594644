"""Shared plumbing of the numeric exhibits (``03_financials``, ``04_ev_scenarios``).

* :class:`FactBook`: the corpus's facts table indexed by fact id, with the
  lookups an exhibit needs (a fact as a :class:`~casestudy.finance.Quantity`,
  a decline as a negative change, the year of a fact's period, the seeds of a
  set of facts).
* :class:`FactExhibit`: an :class:`~casestudy.report.Exhibit` that also lists
  the ids of the facts it shows or derives from (``facts``) and keeps the
  unformatted numbers behind its table (``values``), so tests can check both.
* :func:`times` and :func:`pct_of`: the two products the finance helpers do
  not have (deliveries x price, margin x price), written out with their
  formula and the facts they rest on, like every :class:`~casestudy.finance.Derived`.

No figure of the case lives here: every number comes from ``corpus.facts()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

import pandas as pd

from .. import finance as fin
from ..errors import CasestudyError
from ..finance import Derived, Quantity
from ..report import Exhibit

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["FactBook", "FactExhibit", "MissingFactError", "times", "pct_of", "as_derived"]


class MissingFactError(CasestudyError, KeyError):
    """An exhibit needs a fact that the corpus does not have (e.g. a user's own seeds folder)."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class FactBook:
    """The facts of a corpus, by id."""

    def __init__(self, corpus: "Corpus") -> None:
        self.corpus = corpus
        self.table = corpus.facts()
        self._rows = {fid: row for fid, (_, row) in zip(self.table["fact_id"], self.table.iterrows())}

    def __contains__(self, fact_id: str) -> bool:
        return fact_id in self._rows

    def row(self, fact_id: str) -> pd.Series:
        """The fact's row of ``corpus.facts()``; :class:`MissingFactError` if there is none."""
        try:
            return self._rows[fact_id]
        except KeyError:
            raise MissingFactError(
                f"the exhibit needs fact {fact_id!r}, which is not in the corpus "
                f"(seeds: {', '.join(self.corpus.ids) or 'none'}); see docs/annotations.md") from None

    def value(self, fact_id: str) -> float:
        return float(self.row(fact_id)["value"])

    def q(self, fact_id: str) -> Quantity:
        """The fact as a Quantity (value, unit, its id, hedged or not)."""
        return fin.from_fact(self.row(fact_id), fact_id)

    def change(self, fact_id: str) -> Quantity:
        """A fact recording the *size* of a decline (``share_price_decline`` = 8) as a change (-8)."""
        x = self.q(fact_id)
        return Quantity(-x.value, x.unit, x.sources, x.approx, x.name)

    def year(self, fact_id: str) -> int:
        """The year of the fact's period ("2025-Q3" -> 2025)."""
        period = str(self.row(fact_id)["period"])
        m = re.match(r"(\d{4})", period)
        if not m:
            raise MissingFactError(f"fact {fact_id!r}: its period {period!r} names no year")
        return int(m.group(1))

    def seed(self, fact_id: str) -> str:
        return str(self.row(fact_id)["seed_id"])

    def seeds(self, fact_ids: Iterable[str]) -> list[str]:
        return sorted({self.seed(f) for f in fact_ids if f in self._rows})

    def hedge(self, fact_id: str) -> str:
        """The source's hedge ("more than", "around", ...) or ""."""
        qual = self.row(fact_id)["qualifier"]
        return qual if isinstance(qual, str) else ""

    def quote(self, fact_id: str) -> str:
        return " ".join(str(self.row(fact_id)["quote"]).split())


@dataclass(repr=False, eq=False)
class FactExhibit(Exhibit):
    """An exhibit that names the facts behind it.

    ``facts`` lists the ids of every fact the table shows or derives from (in
    order of first use); ``values`` keeps the numbers behind the table
    (Derived, Quantity or plain values, in the facts' own units) by key.
    """

    facts: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)


def as_derived(x: fin.QuantityLike, label: str = "") -> Derived:
    """A fact, Quantity or Derived as a Derived (a fact keeps its id as its source)."""
    if isinstance(x, Derived):
        return x
    qq = fin.as_quantity(x)
    return Derived(qq.value, qq.unit, label or qq.name, fin._num(qq.value), qq.sources, qq.approx,
                   kind="reported")


def _sources(*xs: Quantity) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for x in xs for s in x.sources if s))


def times(count: fin.QuantityLike, amount: fin.QuantityLike, *, label: str, note: str = "") -> Derived:
    """``count x amount`` (e.g. deliveries x average price): an amount in the amount's unit."""
    c = fin.as_quantity(count, "count")
    a = fin.as_quantity(amount, "amount")
    if c.unit in ("%", "pp") or a.unit in ("%", "pp"):
        raise fin.FinanceError(f"times: got {c.unit!r} and {a.unit!r}; use pct_of for a percentage")
    return Derived(c.value * a.value, a.unit, label, f"{fin._num(c.value)} * {fin._num(a.value)}",
                   _sources(c, a), c.approx or a.approx, note=note)


def pct_of(pct: fin.QuantityLike, amount: fin.QuantityLike, *, label: str, note: str = "") -> Derived:
    """``pct/100 x amount`` (e.g. a gross margin times a price): an amount in the amount's unit."""
    p = fin.as_quantity(pct, "pct")
    a = fin.as_quantity(amount, "amount")
    if p.unit not in ("%", ""):
        raise fin.FinanceError(f"pct_of: {p.name or 'pct'} is in {p.unit!r}; expected a percent number")
    return Derived(p.value / 100 * a.value, a.unit, label,
                   f"{fin._num(p.value)}/100 * {fin._num(a.value)}", _sources(p, a),
                   p.approx or a.approx, note=note)
