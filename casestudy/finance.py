"""Finance helpers: derived numbers with provenance, and arithmetic claim checks.

What
----
Small, pure, typed functions for the arithmetic the casebook does on the
figures the sources report: the prior-period value implied by a growth rate,
margins and margin changes in percentage points, run-rate annualisation, CAGR,
drawdown from a peak, per-unit economics, currency conversion with explicit
rates, implied exchange rates, and scaling for display. Every result is a
:class:`Derived`: the value together with its unit, a label, the formula that
produced it (numbers written out, e.g. ``113.1e9 / (1 + 22.3/100)``) and the
ids of the facts it was derived from, so a notebook can show how each derived
number was computed. :func:`claim_check` and the ``check_*`` helpers turn such
a derived number into a verdict on an arithmetic claim made by a source
("fallen by more than 30% this year", "2000億元 (約4.2兆円)", "doubled").

Why
---
The annotators record what the sources *say* as facts (``corpus.facts()``);
anything computed from them is not a fact and must say where it came from.
This module therefore holds **no figures from the sources**: every function
takes its inputs as arguments. Inputs may be

* a fact row: a ``pandas.Series`` or any mapping with ``fact_id``, ``value``
  and ``unit`` (optionally ``approx``, ``qualifier``); its ``fact_id`` is
  carried into ``sources`` and ``approx`` into the result's ``approx``;
* a :class:`Quantity` (a value with a unit, made with :func:`q`) or a
  :class:`Derived` (whose sources are carried on);
* a bare number, which is *unit-less* (unit ``""``).

Units follow the annotation format (docs/annotations.md): currencies as
ISO codes (``CNY``, ``USD``, ``HKD``, ``JPY``, ``EUR``), ``%`` for percent
numbers, ``pp`` for percentage points, anything else (``vehicles``,
``outlets``, ...) is a count unit. Units are checked strictly: adding CNY to
HKD, taking the margin of a count, or a drawdown between prices in two
currencies raises :class:`FinanceError`, whose message names the input, its
value and what was expected. A bare number only matches another bare number.

Conventions
-----------
* Percentages are percent numbers (22.3 means 22.3 %), as in the facts table.
* :func:`drawdown` is positive for a fall: from 61.45 to 39.14 it is 36.3 (%).
* :func:`run_rate` is labelled ``"annualised run rate (quarter x 4), not a
  reported figure"`` and has ``kind == "run rate"``.
* Exchange rates are an explicit mapping *CNY per one unit of the currency*,
  e.g. ``{"CNY": 1.0, "USD": 7.1}``; no rate is built in.
* A change reported as "%" on a margin (the IoT gross margin's "increase of
  3.2%") is read as percentage points by :func:`prior_margin_from_change`
  unless ``reading="relative"`` is given; the result's note says which.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .errors import CasestudyError

__all__ = [
    "CANNOT_CHECK",
    "DOES_NOT_HOLD",
    "HOLDS",
    "SCALES",
    "VERDICTS",
    "ClaimCheck",
    "Derived",
    "FinanceError",
    "Quantity",
    "QuantityLike",
    "add",
    "as_quantity",
    "cagr",
    "check_doubled",
    "check_fallen_by_more_than",
    "check_rates_consistent",
    "claim_check",
    "convert",
    "drawdown",
    "format_scaled",
    "from_fact",
    "growth",
    "implied_prior",
    "implied_rate",
    "margin",
    "margin_change_pp",
    "per_unit",
    "prior_margin_from_change",
    "q",
    "ratio",
    "run_rate",
    "scale",
    "subtract",
]


class FinanceError(CasestudyError, ValueError):
    """A finance helper was given an input it cannot use (unit, value, missing rate)."""


# --------------------------------------------------------------------------
# Quantities and derived values
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A number with a unit and the fact ids it rests on (an input, not a result)."""

    value: float
    unit: str = ""
    sources: tuple[str, ...] = ()
    approx: bool = False
    name: str = ""


@dataclass(frozen=True)
class Derived:
    """A computed number with its provenance.

    ``formula`` writes the computation with the numbers used (e.g.
    ``"113.1e9 / (1 + 22.3/100)"``); ``sources`` are the fact ids it was
    derived from, in order of use and without repeats; ``approx`` is true if
    any input was marked approximate ("about", "more than", ...); ``kind`` is
    ``"derived"`` or ``"run rate"``; ``note`` carries caveats.
    """

    value: float
    unit: str
    label: str
    formula: str
    sources: tuple[str, ...] = ()
    approx: bool = False
    kind: str = "derived"
    note: str = ""

    def __float__(self) -> float:
        return float(self.value)

    def explain(self) -> str:
        """A few lines for a notebook: label = value unit, formula, sources, notes."""
        lines = [f"{self.label} = {format_scaled(self.value, self.unit)}"]
        lines.append(f"  formula: {self.formula}")
        lines.append(f"  sources: {', '.join(self.sources) if self.sources else '(none)'}")
        if self.kind != "derived":
            lines.append(f"  kind: {self.kind}")
        if self.approx:
            lines.append("  approximate: at least one input is hedged in the source")
        if self.note:
            lines.append(f"  note: {self.note}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for a DataFrame row)."""
        return {
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "formula": self.formula,
            "sources": ", ".join(self.sources),
            "approx": self.approx,
            "kind": self.kind,
            "note": self.note,
        }


QuantityLike = Quantity | Derived | Mapping[str, Any] | float | int

HOLDS = "holds"
DOES_NOT_HOLD = "does not hold"
CANNOT_CHECK = "cannot be checked from the sources"
VERDICTS: tuple[str, str, str] = (HOLDS, DOES_NOT_HOLD, CANNOT_CHECK)


@dataclass(frozen=True)
class ClaimCheck:
    """The verdict on an arithmetic claim, with the computed value it rests on."""

    claim: str
    verdict: str
    computed: Derived | None
    explanation: str
    threshold: float = math.nan
    threshold_sources: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        return self.verdict == HOLDS

    @property
    def sources(self) -> tuple[str, ...]:
        """Fact ids behind the computed value and behind the threshold (the claim itself)."""
        own = () if self.computed is None else self.computed.sources
        return tuple(dict.fromkeys(own + self.threshold_sources))

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "verdict": self.verdict,
            "value": None if self.computed is None else self.computed.value,
            "unit": None if self.computed is None else self.computed.unit,
            "formula": None if self.computed is None else self.computed.formula,
            "threshold": self.threshold,
            "sources": ", ".join(self.sources),
            "explanation": self.explanation,
        }


def q(value: float, unit: str = "", source: str | tuple[str, ...] | None = None,
      *, approx: bool = False, name: str = "") -> Quantity:
    """Make a :class:`Quantity`: ``q(61.45, "HKD", "share-peak")``."""
    if source is None:
        sources: tuple[str, ...] = ()
    elif isinstance(source, str):
        sources = (source,)
    else:
        sources = tuple(source)
    return Quantity(_finite(value, name or "value"), str(unit), sources, bool(approx), name)


def _truthy(x: Any) -> bool:
    """True only for a real true value (pandas NA / NaN / None count as false)."""
    try:
        return bool(x is True or (x is not None and not _isnan(x) and bool(x)))
    except (TypeError, ValueError):
        return False


def _isnan(x: Any) -> bool:
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def _finite(value: Any, name: str) -> float:
    if isinstance(value, bool):
        raise FinanceError(f"{name}: got the bool {value!r}; expected a number")
    if isinstance(value, (str, bytes)):
        raise FinanceError(f"{name}: got the text {value!r}; expected a number (not a string)")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise FinanceError(f"{name}: got {value!r} ({type(value).__name__}); expected a number") from None
    if not math.isfinite(v):
        raise FinanceError(f"{name}: got {value!r}; expected a finite number")
    return v


def from_fact(row: Mapping[str, Any], name: str = "fact") -> Quantity:
    """Read a fact row (Series or mapping with fact_id, value, unit) into a :class:`Quantity`."""
    missing = [k for k in ("value", "unit") if k not in row]
    if missing:
        raise FinanceError(
            f"{name}: the fact row has no {', '.join(missing)}; expected a row of corpus.facts() "
            f"with fact_id, value and unit"
        )
    fid = row.get("fact_id")
    fid_str = "" if fid is None or _isnan(fid) else str(fid)
    label = f"{name} ({fid_str})" if fid_str else name
    unit = row["unit"]
    unit_str = "" if unit is None or _isnan(unit) else str(unit)
    approx = _truthy(row["approx"]) if "approx" in row else False
    if not approx and "qualifier" in row:
        qual = row["qualifier"]
        approx = isinstance(qual, str) and qual.strip() != ""
    return Quantity(
        _finite(row["value"], label),
        unit_str,
        (fid_str,) if fid_str else (),
        approx,
        fid_str or name,
    )


def as_quantity(x: QuantityLike, name: str = "value") -> Quantity:
    """Coerce a fact row, :class:`Derived`, :class:`Quantity` or bare number to a Quantity."""
    if isinstance(x, Quantity):
        _finite(x.value, name)
        return x
    if isinstance(x, Derived):
        return Quantity(_finite(x.value, f"{name} ({x.label})"), x.unit, x.sources, x.approx, x.label)
    if isinstance(x, Mapping) or (hasattr(x, "keys") and hasattr(x, "__getitem__")):
        # a dict-like fact row, or a pandas Series (not a registered Mapping)
        return from_fact(x, name)  # type: ignore[arg-type]
    return Quantity(_finite(x, name), "", (), False, "")


def _num(v: float) -> str:
    """Write a number compactly for a formula: 113100000000.0 -> '113.1e9'."""
    if v == 0:
        return "0"
    if abs(v) >= 1e6:
        exp = int(math.floor(math.log10(abs(v)) / 3) * 3)
        mant = v / 10**exp
        return f"{mant:.10g}e{exp}"
    return f"{v:.10g}"


def _sources(*qs: Quantity) -> tuple[str, ...]:
    seen: list[str] = []
    for qq in qs:
        for s in qq.sources:
            if s and s not in seen:
                seen.append(s)
    return tuple(seen)


def _approx(*qs: Quantity) -> bool:
    return any(qq.approx for qq in qs)


def _desc(name: str, qq: Quantity) -> str:
    unit = f" {qq.unit}" if qq.unit else " (no unit)"
    ident = qq.name or ", ".join(qq.sources)
    who = f" [{ident}]" if ident and ident != name else ""
    return f"{name}{who} = {qq.value!r}{unit}"


def _is_currency(unit: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{3}", unit))


def _is_money(unit: str) -> bool:
    """A currency, or a currency per something ('CNY per vehicle')."""
    return bool(re.match(r"[A-Z]{3}(\b|$)", unit))


def _is_percent(unit: str) -> bool:
    return unit in ("%", "pp")


def _same_unit(a: Quantity, an: str, b: Quantity, bn: str, what: str) -> None:
    if a.unit != b.unit:
        raise FinanceError(
            f"{what}: {_desc(an, a)} and {_desc(bn, b)} have different units; expected both in the "
            f"same unit (convert currencies first with convert())"
        )


def _need_percent(x: Quantity, name: str, what: str, allowed: tuple[str, ...] = ("%",)) -> None:
    if x.unit not in allowed and x.unit != "":
        raise FinanceError(
            f"{what}: {_desc(name, x)}; expected a percent number in "
            f"{' or '.join(repr(a) for a in allowed)} (or a bare number)"
        )


def _not_percent(x: Quantity, name: str, what: str) -> None:
    if _is_percent(x.unit):
        raise FinanceError(
            f"{what}: {_desc(name, x)}; expected an amount or a count, not a percentage "
            f"(for margins use margin_change_pp / prior_margin_from_change)"
        )


# --------------------------------------------------------------------------
# Growth, margins, run rate, CAGR, drawdown
# --------------------------------------------------------------------------


def implied_prior(current: QuantityLike, growth_pct: QuantityLike, *, label: str | None = None) -> Derived:
    """Prior-period value implied by a growth rate: ``current / (1 + g/100)``.

    ``implied_prior(q(113.1e9, "CNY"), 22.3)`` -> 92.48e9 CNY (Q3 2024 revenue
    implied by Q3 2025 revenue and its year-on-year growth).
    """
    cur = as_quantity(current, "current")
    g = as_quantity(growth_pct, "growth_pct")
    what = "implied_prior"
    _not_percent(cur, "current", what)
    _need_percent(g, "growth_pct", what)
    if g.value <= -100:
        raise FinanceError(f"{what}: {_desc('growth_pct', g)}; expected a growth rate above -100%")
    value = cur.value / (1 + g.value / 100)
    return Derived(
        value, cur.unit, label or "implied prior-period value",
        f"{_num(cur.value)} / (1 + {_num(g.value)}/100)",
        _sources(cur, g), _approx(cur, g),
    )


def growth(prior: QuantityLike, current: QuantityLike, *, label: str | None = None) -> Derived:
    """Growth in percent from ``prior`` to ``current``: ``(current / prior - 1) * 100``."""
    p = as_quantity(prior, "prior")
    c = as_quantity(current, "current")
    what = "growth"
    _same_unit(p, "prior", c, "current", what)
    if p.value == 0:
        raise FinanceError(f"{what}: {_desc('prior', p)}; expected a non-zero prior value")
    value = (c.value / p.value - 1) * 100
    return Derived(value, "%", label or "growth", f"({_num(c.value)} / {_num(p.value)} - 1) * 100",
                   _sources(p, c), _approx(p, c))


def ratio(numerator: QuantityLike, denominator: QuantityLike, *, label: str | None = None) -> Derived:
    """``numerator / denominator`` of two quantities in the same unit (a multiple, unit 'x')."""
    n = as_quantity(numerator, "numerator")
    d = as_quantity(denominator, "denominator")
    what = "ratio"
    _same_unit(n, "numerator", d, "denominator", what)
    if d.value == 0:
        raise FinanceError(f"{what}: {_desc('denominator', d)}; expected a non-zero denominator")
    return Derived(n.value / d.value, "x", label or "ratio", f"{_num(n.value)} / {_num(d.value)}",
                   _sources(n, d), _approx(n, d))


def margin(numerator: QuantityLike, denominator: QuantityLike, *, label: str | None = None) -> Derived:
    """Margin in percent: ``numerator / denominator * 100``; both money in the same currency."""
    n = as_quantity(numerator, "numerator")
    d = as_quantity(denominator, "denominator")
    what = "margin"
    for nm, x in (("numerator", n), ("denominator", d)):
        if x.unit and not _is_money(x.unit):
            raise FinanceError(
                f"{what}: {_desc(nm, x)}; expected a money amount (a currency such as CNY): "
                f"a margin of a count or a percentage is not defined"
            )
    _same_unit(n, "numerator", d, "denominator", what)
    if d.value == 0:
        raise FinanceError(f"{what}: {_desc('denominator', d)}; expected a non-zero denominator")
    return Derived(n.value / d.value * 100, "%", label or "margin",
                   f"{_num(n.value)} / {_num(d.value)} * 100", _sources(n, d), _approx(n, d))


def margin_change_pp(current_margin: QuantityLike, prior_margin: QuantityLike, *,
                     label: str | None = None) -> Derived:
    """Change of a margin in percentage points: ``current - prior`` (both in %)."""
    c = as_quantity(current_margin, "current_margin")
    p = as_quantity(prior_margin, "prior_margin")
    what = "margin_change_pp"
    _need_percent(c, "current_margin", what)
    _need_percent(p, "prior_margin", what)
    return Derived(c.value - p.value, "pp", label or "margin change",
                   f"{_num(c.value)} - {_num(p.value)}", _sources(c, p), _approx(c, p))


def prior_margin_from_change(current_margin: QuantityLike, change: QuantityLike, *,
                             reading: Literal["pp", "relative"] = "pp",
                             label: str | None = None) -> Derived:
    """The prior margin implied by a margin and its change.

    ``reading="pp"`` (default): the change is in percentage points, prior =
    current - change. ``reading="relative"``: the change is a relative growth
    of the margin, prior = current / (1 + change/100). A change whose unit is
    ``"pp"`` can only be read as points; a change in ``"%"`` read as points
    gets a note saying so (sources often write "%" for points).
    """
    c = as_quantity(current_margin, "current_margin")
    ch = as_quantity(change, "change")
    what = "prior_margin_from_change"
    _need_percent(c, "current_margin", what)
    _need_percent(ch, "change", what, ("%", "pp"))
    sources = _sources(c, ch)
    if reading == "pp":
        note = ""
        if ch.unit == "%":
            note = "the change is given in '%' and read as percentage points"
        return Derived(c.value - ch.value, "%", label or "implied prior margin",
                       f"{_num(c.value)} - {_num(ch.value)}", sources, _approx(c, ch), note=note)
    if reading == "relative":
        if ch.unit == "pp":
            raise FinanceError(
                f"{what}: {_desc('change', ch)} is in percentage points; expected a '%' change "
                f"for reading='relative' (use reading='pp')"
            )
        if ch.value <= -100:
            raise FinanceError(f"{what}: {_desc('change', ch)}; expected a change above -100%")
        return Derived(c.value / (1 + ch.value / 100), "%", label or "implied prior margin",
                       f"{_num(c.value)} / (1 + {_num(ch.value)}/100)", sources, _approx(c, ch),
                       note="the change is read as a relative change of the margin")
    raise FinanceError(f"{what}: reading={reading!r}; expected 'pp' or 'relative'")


RUN_RATE_LABEL = "annualised run rate (quarter x 4), not a reported figure"


def run_rate(quarter_value: QuantityLike, *, periods_per_year: int = 4,
             label: str | None = None) -> Derived:
    """Annualise one period's value: ``value * periods_per_year`` (default quarter x 4).

    The result is labelled as a run rate (``kind == "run rate"``), never as a
    reported annual figure.
    """
    v = as_quantity(quarter_value, "quarter_value")
    what = "run_rate"
    _not_percent(v, "quarter_value", what)
    if isinstance(periods_per_year, bool) or not isinstance(periods_per_year, int) or periods_per_year < 1:
        raise FinanceError(f"{what}: periods_per_year = {periods_per_year!r}; expected a positive integer")
    default_label = (RUN_RATE_LABEL if periods_per_year == 4 else
                     f"annualised run rate (period x {periods_per_year}), not a reported figure")
    return Derived(v.value * periods_per_year, v.unit, label or default_label,
                   f"{_num(v.value)} * {periods_per_year}", _sources(v), _approx(v), kind="run rate",
                   note="a run rate assumes every period of the year is like this one")


def cagr(start: QuantityLike, end: QuantityLike, years: float, *, label: str | None = None) -> Derived:
    """Compound annual growth rate in percent: ``((end/start)**(1/years) - 1) * 100``."""
    s = as_quantity(start, "start")
    e = as_quantity(end, "end")
    what = "cagr"
    _same_unit(s, "start", e, "end", what)
    yrs = _finite(years, f"{what}: years")
    if yrs <= 0:
        raise FinanceError(f"{what}: years = {years!r}; expected a positive number of years")
    if s.value <= 0:
        raise FinanceError(f"{what}: {_desc('start', s)}; expected a positive start value")
    if e.value < 0:
        raise FinanceError(f"{what}: {_desc('end', e)}; expected a non-negative end value")
    value = ((e.value / s.value) ** (1 / yrs) - 1) * 100
    return Derived(value, "%", label or "CAGR",
                   f"(({_num(e.value)} / {_num(s.value)}) ** (1/{_num(yrs)}) - 1) * 100",
                   _sources(s, e), _approx(s, e))


def drawdown(peak: QuantityLike, current: QuantityLike, *, label: str | None = None) -> Derived:
    """Fall from a peak in percent, positive for a fall: ``(peak - current) / peak * 100``."""
    p = as_quantity(peak, "peak")
    c = as_quantity(current, "current")
    what = "drawdown"
    _same_unit(p, "peak", c, "current", what)
    _not_percent(p, "peak", what)
    if p.value <= 0:
        raise FinanceError(f"{what}: {_desc('peak', p)}; expected a positive peak")
    value = (p.value - c.value) / p.value * 100
    return Derived(value, "%", label or "drawdown from peak",
                   f"({_num(p.value)} - {_num(c.value)}) / {_num(p.value)} * 100",
                   _sources(p, c), _approx(p, c))


def _singular(unit: str) -> str:
    """'vehicles' -> 'vehicle', 'cities' -> 'city', 'service points' -> 'service point'."""
    if " per " in unit or "/" in unit:
        return unit
    if " " in unit:
        head, _, last = unit.rpartition(" ")
        return f"{head} {_singular(last)}"
    if unit.endswith("ies"):
        return unit[:-3] + "y"
    if unit.endswith("s") and not unit.endswith("ss"):
        return unit[:-1]
    return unit


def per_unit(total: QuantityLike, units: QuantityLike, *, label: str | None = None) -> Derived:
    """Per-unit economics: ``total / units`` (e.g. revenue per vehicle, vehicles per outlet)."""
    t = as_quantity(total, "total")
    u = as_quantity(units, "units")
    what = "per_unit"
    _not_percent(t, "total", what)
    if u.unit and (_is_money(u.unit) or _is_percent(u.unit)):
        raise FinanceError(
            f"{what}: {_desc('units', u)}; expected a count (vehicles, outlets, ...), "
            f"not money or a percentage"
        )
    if u.value <= 0:
        raise FinanceError(f"{what}: {_desc('units', u)}; expected a positive count")
    if t.unit and u.unit:
        unit = f"{t.unit} per {_singular(u.unit)}"
    elif t.unit:
        unit = f"{t.unit} per unit"
    else:
        unit = f"per {_singular(u.unit)}" if u.unit else ""
    return Derived(t.value / u.value, unit, label or "per unit",
                   f"{_num(t.value)} / {_num(u.value)}", _sources(t, u), _approx(t, u))


# --------------------------------------------------------------------------
# Currencies
# --------------------------------------------------------------------------


def _rate(rates: Mapping[str, float], cur: str, what: str) -> float:
    if not isinstance(rates, Mapping):
        raise FinanceError(f"{what}: rates = {rates!r}; expected a mapping like {{'CNY': 1.0, 'USD': 7.1}}")
    if cur not in rates:
        given = ", ".join(f"{k}={v!r}" for k, v in rates.items()) or "(none)"
        raise FinanceError(
            f"{what}: no exchange rate for {cur!r}; rates given: {given} "
            f"(expected a rate for every currency involved, in CNY per unit)"
        )
    r = rates[cur]
    try:
        rv = _finite(r, f"{what}: rate for {cur}")
    except FinanceError as exc:
        raise FinanceError(f"{exc}; expected a positive number (CNY per {cur})") from None
    if rv <= 0:
        raise FinanceError(f"{what}: rate for {cur} = {r!r}; expected a positive number (CNY per {cur})")
    return rv


def convert(amount: QuantityLike, to: str, rates: Mapping[str, float], *,
            rate_sources: tuple[str, ...] = (), label: str | None = None) -> Derived:
    """Convert a money amount into currency ``to`` with explicit rates.

    ``rates`` maps each currency to *CNY per one unit of it* (``{"CNY": 1.0,
    "USD": 7.1}``): ``value_to = value * rates[from] / rates[to]``.
    ``rate_sources`` (fact ids or notes for the rates) are added to sources.
    """
    a = as_quantity(amount, "amount")
    what = "convert"
    if not _is_currency(a.unit):
        raise FinanceError(f"{what}: {_desc('amount', a)}; expected a money amount with an ISO currency unit")
    if not isinstance(to, str) or not _is_currency(to):
        raise FinanceError(f"{what}: to = {to!r}; expected an ISO currency code such as 'USD'")
    r_from = _rate(rates, a.unit, what)
    r_to = _rate(rates, to, what)
    value = a.value * r_from / r_to
    return Derived(value, to, label or f"{a.unit} converted to {to}",
                   f"{_num(a.value)} * {_num(r_from)} / {_num(r_to)}",
                   tuple(dict.fromkeys(_sources(a) + tuple(rate_sources))), a.approx,
                   note=f"rates in CNY per unit: {a.unit}={r_from!r}, {to}={r_to!r}")


def implied_rate(amount_from: QuantityLike, amount_to: QuantityLike, *, label: str | None = None) -> Derived:
    """Exchange rate implied by an amount and its conversion: ``to / from`` (unit 'TO per FROM').

    ``implied_rate(q(2000e8, "CNY"), q(4.2e12, "JPY"))`` -> 21.0 JPY per CNY.
    """
    f = as_quantity(amount_from, "amount_from")
    t = as_quantity(amount_to, "amount_to")
    what = "implied_rate"
    for nm, x in (("amount_from", f), ("amount_to", t)):
        if not _is_currency(x.unit):
            raise FinanceError(f"{what}: {_desc(nm, x)}; expected a money amount with an ISO currency unit")
    if f.value == 0:
        raise FinanceError(f"{what}: {_desc('amount_from', f)}; expected a non-zero amount")
    return Derived(t.value / f.value, f"{t.unit} per {f.unit}", label or f"implied {t.unit}/{f.unit} rate",
                   f"{_num(t.value)} / {_num(f.value)}", _sources(f, t), _approx(f, t))


# --------------------------------------------------------------------------
# Unit-checked sums
# --------------------------------------------------------------------------


def add(a: QuantityLike, b: QuantityLike, *, label: str | None = None) -> Derived:
    """``a + b`` in the same unit (CNY + HKD raises: convert first)."""
    x = as_quantity(a, "a")
    y = as_quantity(b, "b")
    _same_unit(x, "a", y, "b", "add")
    return Derived(x.value + y.value, x.unit, label or "sum", f"{_num(x.value)} + {_num(y.value)}",
                   _sources(x, y), _approx(x, y))


def subtract(a: QuantityLike, b: QuantityLike, *, label: str | None = None) -> Derived:
    """``a - b`` in the same unit."""
    x = as_quantity(a, "a")
    y = as_quantity(b, "b")
    _same_unit(x, "a", y, "b", "subtract")
    return Derived(x.value - y.value, x.unit, label or "difference", f"{_num(x.value)} - {_num(y.value)}",
                   _sources(x, y), _approx(x, y))


# --------------------------------------------------------------------------
# Display scaling
# --------------------------------------------------------------------------

SCALES: dict[str, tuple[float, str]] = {
    "units": (1.0, ""),
    "thousands": (1e3, "k"),
    "millions": (1e6, "m"),
    "billions": (1e9, "bn"),
}


def scale(value: float | Derived | Quantity, to: str = "billions") -> float:
    """Divide by the scale's factor: ``scale(113.1e9, "billions") == 113.1``."""
    v = value.value if isinstance(value, (Derived, Quantity)) else _finite(value, "value")
    if to not in SCALES:
        raise FinanceError(f"scale: to = {to!r}; expected one of {', '.join(SCALES)}")
    return v / SCALES[to][0]


def format_scaled(value: float | Derived | Quantity, unit: str | None = None, to: str = "auto",
                  digits: int = 1) -> str:
    """Text for display: ``format_scaled(113.1e9, "CNY") == "113.1 bn CNY"``.

    ``to="auto"`` picks the largest scale not above the value; percent units
    are never scaled (``"25.5%"``, ``"3.2 pp"``).
    """
    if isinstance(value, (Derived, Quantity)):
        unit = value.unit if unit is None else unit
        v = value.value
    else:
        v = _finite(value, "value")
    unit = unit or ""
    if unit == "%":
        return f"{v:.{digits}f}%"
    if unit == "pp":
        return f"{v:.{digits}f} pp"
    if to == "auto":
        to = "units"
        for name, (factor, _) in SCALES.items():
            if abs(v) >= factor:
                to = name
    if to not in SCALES:
        raise FinanceError(f"format_scaled: to = {to!r}; expected 'auto' or one of {', '.join(SCALES)}")
    factor, suffix = SCALES[to]
    if to == "units":
        num = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.{max(digits, 2)}f}"
    else:
        num = f"{v / factor:,.{digits}f} {suffix}"
    return f"{num} {unit}".rstrip()


# --------------------------------------------------------------------------
# Claim checks
# --------------------------------------------------------------------------

_OPS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    ">": (operator.gt, "more than"),
    ">=": (operator.ge, "at least"),
    "<": (operator.lt, "less than"),
    "<=": (operator.le, "at most"),
    "==": (operator.eq, "equal to"),
    "~": (lambda a, b: False, "about"),  # handled with the tolerance below
}


def claim_check(claim: str, computed: Derived | QuantityLike | None, op: str, threshold: QuantityLike, *,
                rel_tol: float = 0.0, abs_tol: float = 0.0, missing: str = "") -> ClaimCheck:
    """Verdict on an arithmetic claim: does ``computed <op> threshold`` hold?

    ``op`` is one of ``> >= < <= == ~``; ``~`` (about) holds when
    ``|computed - threshold| <= max(abs_tol, rel_tol * |threshold|)``, and
    ``==`` also honours the tolerances. ``threshold`` may be a number or the
    fact row of the claim itself (its id is kept in ``threshold_sources``;
    its unit must match the computed value's unless one of them has none).
    With ``computed=None`` (a figure the sources do not give) the verdict is
    "cannot be checked from the sources"; ``missing`` says which figure is
    missing.
    """
    if op not in _OPS:
        raise FinanceError(f"claim_check: op = {op!r}; expected one of {' '.join(_OPS)}")
    tq = as_quantity(threshold, "threshold")
    thr = tq.value
    if computed is None:
        why = missing or "the sources do not give the figures needed"
        return ClaimCheck(claim, CANNOT_CHECK, None, f"Cannot be checked: {why}.", thr, tq.sources)
    d = computed if isinstance(computed, Derived) else _as_derived(as_quantity(computed, "computed"))
    if d.unit and tq.unit and d.unit != tq.unit:
        raise FinanceError(
            f"claim_check: the computed {d.label} is in {d.unit!r} but threshold = {thr!r} {tq.unit}; "
            f"expected the same unit"
        )
    v = d.value
    if op in ("~", "=="):
        tol = max(abs_tol, rel_tol * abs(thr))
        ok = abs(v - thr) <= tol
        cmp_text = f"within {tol:g} of {thr:g}" if tol else f"equal to {thr:g}"
    else:
        fn, words = _OPS[op]
        ok = fn(v, thr)
        cmp_text = f"{words} {thr:g}"
    verdict = HOLDS if ok else DOES_NOT_HOLD
    unit = f" {d.unit}" if d.unit and d.unit not in ("%",) else d.unit
    expl = (f"{d.label} = {v:.6g}{unit} ({d.formula}); the claim needs it to be {cmp_text}: "
            f"{'yes' if ok else 'no'}.")
    if d.approx:
        expl += " At least one input is hedged in the source (approximate)."
    return ClaimCheck(claim, verdict, d, expl, thr, tq.sources)


def _as_derived(x: Quantity) -> Derived:
    return Derived(x.value, x.unit, x.name or "value", _num(x.value), x.sources, x.approx)


def check_fallen_by_more_than(peak: QuantityLike | None, current: QuantityLike | None,
                              threshold_pct: QuantityLike, *, claim: str | None = None) -> ClaimCheck:
    """Check "has fallen by more than X%" from a peak: drawdown(peak, current) > X.

    ``threshold_pct`` may be a number or the claim's own fact row; a negative
    value (a change, as a fact "-30 %" records "fallen by more than 30%") is
    read as a fall of that size.
    """
    tq = as_quantity(threshold_pct, "threshold_pct")
    _need_percent(tq, "threshold_pct", "check_fallen_by_more_than")
    tq = Quantity(abs(tq.value), "%", tq.sources, tq.approx, tq.name)
    text = claim or f"fallen by more than {tq.value:g}% from the peak"
    if peak is None or current is None:
        which = "the peak" if peak is None else "the current value"
        return claim_check(text, None, ">", tq, missing=f"the sources do not give {which}")
    return claim_check(text, drawdown(peak, current), ">", tq)


def check_doubled(before: QuantityLike | None, after: QuantityLike | None, *, claimed: QuantityLike = 2.0,
                  at_least: bool = False, rel_tol: float = 0.05, claim: str | None = None) -> ClaimCheck:
    """Check "doubled": ``after / before`` is about ``claimed`` (2) within ``rel_tol``, or >= it.

    ``claimed`` may be the claim's own fact row (e.g. a fact "2.0 x" read
    from "verdubbelde"), whose id is then kept in the result's sources. With
    ``before`` or ``after`` missing (None) the verdict is "cannot be checked
    from the sources".
    """
    cq = as_quantity(claimed, "claimed")
    if cq.unit not in ("", "x"):
        raise FinanceError(f"check_doubled: {_desc('claimed', cq)}; expected a multiple in 'x' (or a bare number)")
    cq = Quantity(cq.value, "x", cq.sources, cq.approx, cq.name)
    text = claim or ("at least doubled" if at_least else "doubled")
    if before is None or after is None:
        which = "the earlier figure" if before is None else "the later figure"
        if before is None and after is None:
            which = "either figure"
        return claim_check(text, None, "~", cq, missing=f"the sources do not give {which}")
    r = ratio(after, before, label="multiple (after / before)")
    if at_least:
        return claim_check(text, r, ">=", cq)
    return claim_check(text, r, "~", cq, rel_tol=rel_tol)


def check_rates_consistent(first: tuple[QuantityLike, QuantityLike], second: tuple[QuantityLike, QuantityLike],
                           *, rel_tol: float = 0.02, claim: str | None = None) -> ClaimCheck:
    """Check that two conversions in a source use the same exchange rate.

    Each argument is ``(amount_from, amount_to)``, e.g. 2000億元 and 4.2兆円.
    The computed value is the ratio of the two implied rates (unit 'x'),
    which should be about 1 (within ``rel_tol``).
    """
    r1 = implied_rate(*first, label="implied rate, first conversion")
    r2 = implied_rate(*second, label="implied rate, second conversion")
    if r1.unit != r2.unit:
        raise FinanceError(
            f"check_rates_consistent: the first conversion gives {r1.unit!r} and the second {r2.unit!r}; "
            f"expected the same pair of currencies"
        )
    both = Derived(r1.value / r2.value, "x", "ratio of the implied rates",
                   f"({r1.formula}) / ({r2.formula})", tuple(dict.fromkeys(r1.sources + r2.sources)),
                   r1.approx or r2.approx,
                   note=f"first: {r1.value:.6g} {r1.unit}; second: {r2.value:.6g} {r2.unit}")
    text = claim or "the two conversions use the same exchange rate"
    res = claim_check(text, both, "~", 1.0, rel_tol=rel_tol)
    return ClaimCheck(res.claim, res.verdict, res.computed,
                      res.explanation + f" First rate {r1.value:.6g}, second {r2.value:.6g} {r1.unit}.")
