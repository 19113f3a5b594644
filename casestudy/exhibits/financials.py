"""Exhibits of ``03_financials``: the Q3 2025 results, the revenue mix, the car business's
unit economics and network, the market's verdicts, growth in scale, appliances, and
checks of every arithmetic claim the articles make.

Every number in these exhibits is one of three things:

* a **fact** of ``corpus.facts()`` (its id is in the table's ``facts`` column and in
  the exhibit's ``facts`` attribute; the verbatim quote is in Exhibit 3.11);
* a **derivation** of facts (:class:`~casestudy.finance.Derived`: the formula with the
  numbers used is in the table; estimates are marked "estimate");
* a **parameter** of the notebook (currency, scale, exchange rates, the tolerance
  for "about"), declared in :mod:`casestudy.parameters`.

This module holds no figure of the case.  Money is converted for display only, with
the rates of :class:`Money` (Exhibit 3.0); formulas are written in the currency the
source reports.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

import pandas as pd

from .. import finance as fin
from ..dates import label as date_label
from ..finance import CANNOT_CHECK, ClaimCheck, Derived, Quantity
from ..report import Note, cite, fmt_value
from ._evidence import FactBook, FactExhibit, as_derived, pct_of, times
from .sources import short_id

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..corpus import Corpus

__all__ = ["Money", "rates_table", "at_a_glance", "revenue_mix", "revenue_mix_figure",
           "car_unit_economics", "car_network", "market_verdicts", "growth_in_scale",
           "ac_market_shares", "appliance_front", "claim_checks", "facts_used", "all_exhibits",
           "decision_note", "FACT_IDS"]

# The facts this notebook reads, by role (ids of corpus.facts()).
REVENUE = "s004-q3-2025-revenue"
REVENUE_G = "s004-q3-2025-revenue-growth"
THRESHOLD = "s004-revenue-threshold"
QUARTERS_ABOVE = "s004-quarters-above-threshold"
ADJ_NP = "s004-q3-2025-adjusted-net-profit"
ADJ_NP_G = "s004-q3-2025-adjusted-net-profit-growth"
INNOV_OP = "s004-q3-2025-innovative-operating-profit"
IOT_REV = "s004-q3-2025-iot-revenue"
IOT_REV_G = "s004-q3-2025-iot-revenue-growth"
IOT_GROWTH_QUARTERS = "s004-iot-consecutive-growth-quarters"
IOT_GM = "s004-q3-2025-iot-gross-margin"
IOT_GM_CHG = "s004-q3-2025-iot-gross-margin-change"
APPL_DECLINE = "s004-q3-2025-large-appliances-revenue-decline"
APPL_DOUBLING = "s004-q1-2025-large-appliances-revenue-doubling"
DELIVERIES = "s004-q3-2025-deliveries"
DELIVERY_TARGET = "s004-2025-delivery-target"
MONTHLY_SEP = "s004-2025-09-monthly-deliveries"
MONTHLY_OCT = "s004-2025-10-monthly-deliveries"
EV_GM = "s004-q3-2025-ev-gross-margin"
EV_PRICE = "s004-q3-2025-ev-average-price"
OUTLETS = "s004-2025-09-sales-outlets"
OUTLET_CITIES = "s004-2025-09-sales-outlet-cities"
SERVICE = "s004-2025-09-service-points"
SERVICE_CITIES = "s004-2025-09-service-point-cities"
PRICE_NOW = "s004-2025-11-19-share-price"
PRICE_DAY_FALL = "s004-2025-11-19-share-price-decline"
PRICE_PEAK = "s004-2025-06-27-share-price-peak"
DECLINE_FROM_PEAK = "s004-2025-share-price-decline-from-peak"
SPEECH_RISE = "s000-share-intraday-rise"
SPEECH_FALL = "s000-share-two-day-fall"
SPEECH_FALL_DAYS = "s000-share-two-day-fall-window"
REV_2020 = "s000-revenue-2020"
REV_2020_JPY = "s000-revenue-2020-jpy"
HARDTECH = "s000-hard-tech-investment"
HARDTECH_JPY = "s000-hard-tech-investment-jpy"
HARDTECH_YEARS = "s000-hard-tech-investment-horizon"
VAL_2013 = "s002-valuation-2013"
VAL_2015 = "s003-valuation-2015"
SALES_2012 = "s002-smartphone-sales-2012"
SALES_DOUBLED = "s002-sales-growth-2013h1"
AGE_2013 = "s002-company-age-2013"
AGE_2015 = "s003-company-age-2015"
ANNIVERSARY = "s004-xiaomi-anniversary"
AC_ONLINE_SHARE = "s004-2025-07-ac-online-share"
AC_ONLINE_RANK = "s004-2025-07-ac-online-rank"
MIDEA_OFFLINE = "s004-2025-midea-offline-ac-share"
GREE_OFFLINE = "s004-2025-gree-offline-ac-share"
WUHAN_INVEST = "s004-wuhan-investment"
WUHAN_CAPACITY = "s004-wuhan-capacity"
PRICE_GAP = "s004-welling-price-gap"
MIDEA_SALE_2024 = "s004-2024-midea-stake-sale"
MIDEA_SALE_TOTAL = "s004-midea-stake-sale-total"
APPL_TARGET_RANK = "s004-appliances-target-rank"
APPL_TARGET_YEARS = "s004-appliances-target-horizon"
AC_TARGET_RANK = "s004-2030-ac-target-rank"
AC_WARRANTY = "s004-2025-09-ac-warranty"

FACT_IDS: tuple[str, ...] = tuple(v for k, v in list(globals().items())
                                  if k.isupper() and isinstance(v, str) and v.startswith("s0"))

_SEED_004 = "004_e1cfa5dcaaabac6e"
_MISSING_TRUNCATED = "missing (source truncated)"
_NOT_GIVEN = "not in the sources"


# --------------------------------------------------------------------------
# Money for display
# --------------------------------------------------------------------------

_RATE_PARAMS = {"USD": "cny_per_usd", "HKD": "cny_per_hkd", "EUR": "cny_per_eur"}


@dataclass(frozen=True)
class Money:
    """How money is shown: the currency, the scale and the rates (CNY per unit of each currency).

    The yen rate is the parameter ``jpy_per_cny`` or, if that is None, the rate implied
    by seed 000's own conversion of 2020 revenue (``jpy_rate``, a Derived with its facts).
    ``tolerance_pct`` is how close "about" must be for a claim to hold.
    """

    currency: str
    scale: str
    rates: Mapping[str, float]
    params: Mapping[str, Any]
    jpy_rate: Derived | None = None
    tolerance_pct: float = 0.0

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any], corpus: "Corpus") -> "Money":
        rates = {"CNY": 1.0}
        for cur, name in _RATE_PARAMS.items():
            rates[cur] = float(params[name])
        jpy = params.get("jpy_per_cny")
        jpy_rate = None
        if jpy is None:
            b = FactBook(corpus)
            jpy_rate = fin.implied_rate(b.row(REV_2020), b.row(REV_2020_JPY),
                                        label="yen per yuan implied by seed 000")
            jpy = jpy_rate.value
        rates["JPY"] = 1.0 / float(jpy)
        return cls(str(params["currency"]), str(params["scale"]), rates, dict(params), jpy_rate,
                   float(params.get("tolerance_pct", 0.0)))

    # -- conversion ---------------------------------------------------------------------------

    def _rate_sources(self, *currencies: str) -> tuple[str, ...]:
        if self.jpy_rate is not None and "JPY" in currencies:
            return self.jpy_rate.sources
        return ()

    def convert(self, x: fin.QuantityLike) -> Derived:
        """``x`` (money, or money per something) in the display currency."""
        d = as_derived(x)
        cur, per = _split_unit(d.unit)
        if cur == self.currency:
            return d
        c = fin.convert(Quantity(d.value, cur, d.sources, d.approx, d.label), self.currency,
                        dict(self.rates), rate_sources=self._rate_sources(cur, self.currency),
                        label=d.label)
        return Derived(c.value, c.unit + per, c.label, c.formula, c.sources, c.approx, d.kind, c.note)

    def fmt(self, x: fin.QuantityLike, *, per: str = "", scaled: bool = True, signed: bool = False,
            hedge: str | None = None) -> str:
        """Money in the display currency: scaled (``113.1 bn CNY``) or per unit (``66,300 CNY``)."""
        d = self.convert(x)
        cur, unit_per = _split_unit(d.unit)
        v = d.value
        factor, suffix = fin.SCALES[self.scale] if scaled else (1.0, "")
        if factor == 1.0:
            num = f"{v:,.0f}" if abs(v) >= 1000 or float(v).is_integer() else f"{v:,.2f}"
        else:
            s = v / factor
            digits = 1 if abs(s) >= 10 else 2 if abs(s) >= 1 else 3
            num = f"{s:,.{digits}f} {suffix}"
        if signed and v > 0:
            num = "+" + num
        text = f"{num} {cur}"
        if per:
            text += f" per {per}"
        if hedge is None:
            hedge = "≈" if d.approx else ""
        return f"{hedge} {text}".strip()

    # -- the rates table ----------------------------------------------------------------------

    def rates_rows(self) -> tuple[list[dict[str, str]], list[str]]:
        from ..parameters import spec_for

        spec = {p.name: p for p in spec_for("03_financials")}
        rows = [{"currency": "CNY", "CNY per unit": "1", "set as": "reporting currency of seed 004",
                 "default from": spec["currency"].source, "facts": ""}]
        for cur, name in _RATE_PARAMS.items():
            p = spec[name]
            changed = "" if self.params.get(name) == p.default else " (changed)"
            rows.append({"currency": cur, "CNY per unit": f"{self.rates[cur]:g}",
                         "set as": f"parameter {name} = {self.params[name]!r}{changed}",
                         "default from": p.source, "facts": ""})
        p = spec["jpy_per_cny"]
        facts: list[str] = []
        if self.jpy_rate is None:
            set_as = f"parameter jpy_per_cny = {self.params['jpy_per_cny']!r} (changed)"
            src = "the run's own value"
        else:
            facts = list(self.jpy_rate.sources)
            set_as = (f"derived: {self.jpy_rate.value:g} JPY per CNY = {self.jpy_rate.formula} "
                      "(seed 000's own conversion; approximate)")
            src = p.source
        rows.append({"currency": "JPY", "CNY per unit": f"{self.rates['JPY']:.6g}", "set as": set_as,
                     "default from": src, "facts": ", ".join(facts)})
        for r in rows:
            if r["currency"] == self.currency:
                r["currency"] += " (shown)"
        return rows, facts


def _split_unit(unit: str) -> tuple[str, str]:
    """'CNY per vehicle' -> ('CNY', ' per vehicle'); 'CNY' -> ('CNY', '')."""
    m = re.match(r"([A-Z]{3})(.*)$", unit)
    if not m:
        raise fin.FinanceError(f"expected a money amount, got the unit {unit!r}")
    return m.group(1), m.group(2)


def rates_table(money: Money, corpus: "Corpus") -> FactExhibit:
    """Exhibit 3.0: the display currency, the scale and every exchange rate used, with its source."""
    rows, facts = money.rates_rows()
    table = pd.DataFrame(rows, columns=["currency", "CNY per unit", "set as", "default from", "facts"])
    b = FactBook(corpus)
    return FactExhibit(
        "3.0", f"Money is shown in {money.currency}, {money.scale}; the exchange rates used", table,
        cite(b.seeds(facts) or [_SEED_004], corpus, "Rates other than the yen's are parameters, "
             "not in the sources."),
        note="Conversions are for display only: every formula in this notebook is written in the "
             "currency the source reports. Change the rates with the parameters cny_per_usd, "
             "cny_per_hkd, cny_per_eur and jpy_per_cny.",
        facts=tuple(facts), values={"rates": dict(money.rates), "jpy_rate": money.jpy_rate})


# --------------------------------------------------------------------------
# Small formatting helpers
# --------------------------------------------------------------------------


def _pct(x: fin.QuantityLike | float, digits: int = 1, signed: bool = False) -> str:
    v = x if isinstance(x, (int, float)) else fin.as_quantity(x).value
    return f"{v:{'+' if signed else ''}.{digits}f}%"


def _pp(x: Derived, digits: int = 1) -> str:
    return f"{x.value:+.{digits}f} pp"


def _reported(b: FactBook, fid: str, signed_change: bool = False) -> str:
    """A fact as the source gives it, with its hedge: 'around 260,000 CNY', '+22.3%'."""
    row = b.row(fid)
    if signed_change:
        return f"{row['value']:+g}%" if row["unit"] == "%" else fmt_value(row["value"], row["unit"])
    text = fmt_value(float(row["value"]), str(row["unit"]))
    hedge = b.hedge(fid)
    return f"{hedge} {text}" if hedge else text


def _count(x: fin.QuantityLike, unit: str = "", digits: int | None = None, hedge: str | None = None) -> str:
    qq = fin.as_quantity(x)
    v = qq.value
    if digits is None:
        digits = 0 if abs(v - round(v)) < 1e-9 else 1
    text = f"{v:,.{digits}f}" + (f" {unit}" if unit else "")
    if hedge is None:
        hedge = "≈" if qq.approx else ""
    return f"{hedge} {text}".strip()


def _ids(*xs: Any) -> str:
    out: list[str] = []
    for x in xs:
        items = x.sources if isinstance(x, (Derived, Quantity, ClaimCheck)) else (
            [x] if isinstance(x, str) else list(x))
        out += [i for i in items if i and i not in out]
    return ", ".join(out)


def _period(b: FactBook, fid: str) -> str:
    period = str(b.row(fid)["period"])
    try:
        return date_label(period)
    except Exception:  # noqa: BLE001 - free-text periods ("as of 2025-09-30") are shown as they are
        return period.replace("/", " to ")


def _prior_quarter(b: FactBook, fid: str) -> str:
    m = re.match(r"(\d{4})-Q([1-4])$", str(b.row(fid)["period"]))
    if not m:
        return "a year earlier"
    return f"Q{m.group(2)} {int(m.group(1)) - 1}"


def _quarters_before(b: FactBook, fid: str, n: int) -> list[str]:
    """The ``n`` quarters before the fact's quarter, oldest first ("Q4 2024", ...)."""
    m = re.match(r"(\d{4})-Q([1-4])$", str(b.row(fid)["period"]))
    if not m:
        return []
    y, q = int(m.group(1)), int(m.group(2))
    out = []
    for _ in range(n):
        q -= 1
        if q == 0:
            y, q = y - 1, 4
        out.append(f"Q{q} {y}")
    return out[::-1]


def _money_q(d: Derived | Quantity, per_dropped: bool = True) -> Quantity:
    """A per-unit money value as plain money (so it can be compared with an amount)."""
    cur, _ = _split_unit(d.unit)
    return Quantity(d.value, cur, d.sources, d.approx, getattr(d, "label", "") or getattr(d, "name", ""))


class _Rows:
    """Collects table rows and the facts they use (in order of first use)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.facts: list[str] = []

    def add(self, facts: str = "", **cols: str) -> None:
        for f in (s.strip() for s in facts.split(",")):
            if f and f not in self.facts:
                self.facts.append(f)
        self.rows.append({**cols, "facts": facts})

    def frame(self, columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=columns + ["facts"])


def _exhibit(number: str, title: str, rows: _Rows, columns: list[str], corpus: "Corpus",
             b: FactBook, note: str, values: dict[str, Any], extra: str = "") -> FactExhibit:
    return FactExhibit(number, title, rows.frame(columns), cite(b.seeds(rows.facts), corpus, extra),
                       note=note, facts=tuple(rows.facts), values=values)


# --------------------------------------------------------------------------
# 3.1 Q3 2025 at a glance
# --------------------------------------------------------------------------


def _glance_values(b: FactBook) -> dict[str, Derived]:
    v: dict[str, Derived] = {}
    for key, cur, g in (("revenue", REVENUE, REVENUE_G), ("adjusted_net_profit", ADJ_NP, ADJ_NP_G),
                        ("iot_revenue", IOT_REV, IOT_REV_G)):
        prior = fin.implied_prior(b.row(cur), b.row(g), label=f"{key}, a year earlier (implied)")
        v[f"{key}_prior"] = prior
        v[f"{key}_change"] = fin.subtract(b.row(cur), prior, label=f"{key}, change on a year earlier")
    v["adjusted_net_margin"] = fin.margin(b.row(ADJ_NP), b.row(REVENUE), label="adjusted net margin")
    v["adjusted_net_margin_prior"] = fin.margin(v["adjusted_net_profit_prior"], v["revenue_prior"],
                                                label="adjusted net margin, a year earlier (implied)")
    v["adjusted_net_margin_change"] = fin.margin_change_pp(v["adjusted_net_margin"],
                                                           v["adjusted_net_margin_prior"])
    chg = b.q(IOT_GM_CHG)
    v["iot_gross_margin_prior"] = fin.prior_margin_from_change(b.row(IOT_GM), chg)
    as_written = Quantity(chg.value, "%", chg.sources, chg.approx, chg.name)
    v["iot_gross_margin_prior_relative"] = fin.prior_margin_from_change(
        b.row(IOT_GM), as_written, reading="relative")
    v["iot_gross_margin_change_relative"] = fin.margin_change_pp(
        b.row(IOT_GM), v["iot_gross_margin_prior_relative"])
    return v


def at_a_glance(corpus: "Corpus", money: Money) -> FactExhibit:
    """Exhibit 3.1: the quarter's reported figures beside the year-earlier base they imply."""
    b = FactBook(corpus)
    v = _glance_values(b)
    now, before = _period(b, REVENUE), _prior_quarter(b, REVENUE)
    c_now, c_g, c_prior = f"{now} (reported)", "growth y/y (reported)", f"{before} (implied)"
    cols = ["item", c_now, c_g, c_prior, "change", "how the implied figures are computed"]
    r = _Rows()
    for key, item, cur, g in (("revenue", "Revenue, Xiaomi Group", REVENUE, REVENUE_G),
                              ("adjusted_net_profit", "Adjusted net profit, Xiaomi Group", ADJ_NP,
                               ADJ_NP_G),
                              ("iot_revenue", "IoT and consumer goods revenue", IOT_REV, IOT_REV_G)):
        prior = v[f"{key}_prior"]
        r.add(item=item, **{c_now: money.fmt(b.row(cur)), c_g: _reported(b, g, signed_change=True),
                            c_prior: money.fmt(prior), "change": money.fmt(v[f"{key}_change"], signed=True),
                            "how the implied figures are computed":
                                f"current / (1 + growth/100) = {prior.formula}"},
              facts=_ids(cur, g))
    m, mp, mc = v["adjusted_net_margin"], v["adjusted_net_margin_prior"], v["adjusted_net_margin_change"]
    r.add(item="Adjusted net margin (derived)",
          **{c_now: f"{_pct(m)} (derived)", c_g: "—", c_prior: _pct(mp), "change": _pp(mc),
             "how the implied figures are computed":
                 f"adjusted net profit / revenue * 100 = {m.formula}; a year earlier the same with "
                 "the implied figures above"},
          facts=_ids(ADJ_NP, REVENUE, ADJ_NP_G, REVENUE_G))
    chg_reading = str(b.row(IOT_GM_CHG)["reading"])
    pp_prior, rel_prior = v["iot_gross_margin_prior"], v["iot_gross_margin_prior_relative"]
    r.add(item="IoT gross margin (reading: change in percentage points)",
          **{c_now: _reported(b, IOT_GM), c_g: f"text: '{chg_reading}', read as {b.value(IOT_GM_CHG):+g} pp",
             c_prior: _pct(pp_prior), "change": f"{b.value(IOT_GM_CHG):+g} pp",
             "how the implied figures are computed": f"margin - change = {pp_prior.formula}"},
          facts=_ids(IOT_GM, IOT_GM_CHG))
    r.add(item="IoT gross margin (other reading: relative change; ambiguous)",
          **{c_now: _reported(b, IOT_GM), c_g: f"text: '{chg_reading}', read as a relative change",
             c_prior: _pct(rel_prior, 2), "change": _pp(v["iot_gross_margin_change_relative"], 2),
             "how the implied figures are computed": f"margin / (1 + change/100) = {rel_prior.formula}"},
          facts=_ids(IOT_GM, IOT_GM_CHG))
    r.add(item="Smart EV gross margin", **{c_now: _reported(b, EV_GM), c_g: "—", c_prior: _NOT_GIVEN,
                                           "change": "—", "how the implied figures are computed": "—"},
          facts=EV_GM)
    r.add(item="EV deliveries", **{c_now: _reported(b, DELIVERIES), c_g: "—", c_prior: _NOT_GIVEN,
                                   "change": "—", "how the implied figures are computed": "—"},
          facts=DELIVERIES)
    r.add(item="Operating profit, innovative segments (smart EV, AI)",
          **{c_now: money.fmt(b.row(INNOV_OP)), c_g: "—",
             c_prior: f"{_NOT_GIVEN} (the text calls this the first profitable quarter)",
             "change": "—", "how the implied figures are computed": "—"},
          facts=INNOV_OP)
    r.add(item="Revenue, large household appliances",
          **{c_now: _NOT_GIVEN, c_g: _pct(b.change(APPL_DECLINE), signed=True), c_prior: _NOT_GIVEN,
             "change": "—", "how the implied figures are computed": "the text gives the decline only"},
          facts=APPL_DECLINE)
    note = (f"Implied {before} = {now} / (1 + growth/100): not reported figures, but what the reported "
            f"growth rates imply. The IoT margin change is written '{chg_reading}' in the text: the "
            "annotators read it as percentage points (the usual way to state a margin change); the "
            "relative reading is shown too, because the text does not say which it means. "
            "'Monthly profit' in the translation is read as the quarter's profit (see the flags of "
            "seed 004).")
    return _exhibit("3.1", f"{now} at a glance: reported figures and the year-earlier base they imply",
                    r, cols, corpus, b, note, dict(v))


# --------------------------------------------------------------------------
# 3.2 Revenue mix
# --------------------------------------------------------------------------


def _mix_values(b: FactBook) -> dict[str, Derived]:
    v: dict[str, Derived] = {}
    v["revenue"] = as_derived(b.row(REVENUE), "group revenue")
    v["iot_revenue"] = as_derived(b.row(IOT_REV), "IoT and consumer goods revenue")
    v["ev_revenue_estimate"] = times(
        b.row(DELIVERIES), b.row(EV_PRICE), label="car revenue (estimate: deliveries x average price)",
        note="estimate: the average price is approximate; the reported segment also includes other "
             "innovative businesses")
    rest = fin.subtract(fin.subtract(b.row(REVENUE), b.row(IOT_REV)), v["ev_revenue_estimate"])
    v["rest_residual"] = Derived(
        rest.value, rest.unit, "everything else (residual)",
        f"{fin._num(b.value(REVENUE))} - {fin._num(b.value(IOT_REV))} - "
        f"{v['ev_revenue_estimate'].formula}", rest.sources, rest.approx,
        note="residual: group revenue - IoT revenue - the car estimate")
    for k in ("iot_revenue", "ev_revenue_estimate", "rest_residual", "revenue"):
        v[f"{k}_share"] = fin.margin(v[k], b.row(REVENUE), label=f"{k}: share of group revenue")
    v["iot_gross_profit"] = pct_of(b.row(IOT_GM), b.row(IOT_REV), label="IoT gross profit (derived)")
    v["ev_gross_profit_estimate"] = pct_of(b.row(EV_GM), v["ev_revenue_estimate"],
                                           label="car gross profit (estimate)")
    return v


def revenue_mix(corpus: "Corpus", money: Money) -> FactExhibit:
    """Exhibit 3.2: the quarter's revenue by business, the car part estimated, the rest a residual."""
    b = FactBook(corpus)
    v = _mix_values(b)
    now = _period(b, REVENUE)
    cols = ["business", "basis", f"revenue {now}", "share of group revenue", "gross margin",
            "gross profit", "formula"]
    r = _Rows()
    r.add(business="IoT and consumer goods", basis="reported",
          **{f"revenue {now}": money.fmt(v["iot_revenue"]), "share of group revenue":
             _pct(v["iot_revenue_share"]), "gross margin": f"{_reported(b, IOT_GM)} (reported)",
             "gross profit": f"{money.fmt(v['iot_gross_profit'])} (derived)",
             "formula": f"gross profit = {v['iot_gross_profit'].formula}"},
          facts=_ids(IOT_REV, REVENUE, IOT_GM))
    ev = v["ev_revenue_estimate"]
    r.add(business="Smart EV: cars only (ESTIMATE)",
          basis="estimate: deliveries x average price",
          **{f"revenue {now}": f"{money.fmt(ev)} (estimate)",
             "share of group revenue": f"{_pct(v['ev_revenue_estimate_share'])} (estimate)",
             "gross margin": f"{_reported(b, EV_GM)} (reported, EV business)",
             "gross profit": f"{money.fmt(v['ev_gross_profit_estimate'])} (estimate)",
             "formula": f"revenue = {ev.formula}; gross profit = {v['ev_gross_profit_estimate'].formula}"},
          facts=_ids(DELIVERIES, EV_PRICE, REVENUE, EV_GM))
    rest = v["rest_residual"]
    r.add(business="Everything else: smartphones, internet services, other (RESIDUAL)",
          basis="residual: group - IoT - car estimate",
          **{f"revenue {now}": f"{money.fmt(rest)} (residual)",
             "share of group revenue": f"{_pct(v['rest_residual_share'])} (residual)",
             "gross margin": _NOT_GIVEN, "gross profit": _NOT_GIVEN,
             "formula": f"{rest.formula}"},
          facts=_ids(REVENUE, IOT_REV, DELIVERIES, EV_PRICE))
    r.add(business="Xiaomi Group", basis="reported",
          **{f"revenue {now}": money.fmt(v["revenue"]), "share of group revenue":
             _pct(v["revenue_share"]), "gross margin": _NOT_GIVEN, "gross profit": _NOT_GIVEN,
             "formula": "—"},
          facts=REVENUE)
    note = (f"The car line is an ESTIMATE: Q3 deliveries x the average net price, which the source "
            f"gives only approximately ('{b.row(EV_PRICE)['reading']}', {b.hedge(EV_PRICE)}). It is not "
            "the reported 'smart EV and AI' segment revenue: that segment also includes other "
            "innovative businesses, which the sources do not quantify. The residual takes every "
            "error of the estimate. Margins only where the sources give them.")
    return _exhibit("3.2", f"The revenue mix, {now}: IoT reported, cars estimated, the rest a residual",
                    r, cols, corpus, b, note, dict(v))


def revenue_mix_figure(corpus: "Corpus", money: Money) -> "Figure":
    """Exhibit 3.3: the revenue mix and the gross profit where a margin is given, as stacked bars."""
    from matplotlib.figure import Figure

    from ..plotting import COLOURS, exhibit, use_house_style

    use_house_style()
    b = FactBook(corpus)
    v = _mix_values(b)
    factor, suffix = fin.SCALES[money.scale]
    unit = f"{money.currency} {suffix}".strip() if suffix else money.currency

    def s(d: Derived) -> float:
        return money.convert(d).value / factor

    fig = Figure(figsize=(8.0, 3.6))
    ax = fig.add_subplot()
    parts = [("IoT and consumer goods\n(reported)", "iot_revenue", v["iot_gross_profit"],
              COLOURS[0], None),
             ("cars\n(ESTIMATE)", "ev_revenue_estimate", v["ev_gross_profit_estimate"],
              COLOURS[1], "//"),
             ("everything else\n(residual)", "rest_residual", None, "#bbbbbb", None)]
    left_rev = left_gp = 0.0
    for name, key, gp, colour, hatch in parts:
        w = s(v[key])
        ax.barh(1, w, left=left_rev, color=colour, hatch=hatch, edgecolor="white", height=0.6)
        ink = "white" if colour == COLOURS[0] else "black"
        ax.text(left_rev + w / 2, 1, f"{name}\n{_pct(v[key + '_share'])}", ha="center",
                va="center", fontsize=8, color=ink)
        left_rev += w
        if gp is not None:
            g = s(gp)
            ax.barh(0, g, left=left_gp, color=colour, hatch=hatch, edgecolor="white", height=0.6)
            ax.text(left_gp + g / 2, 0, f"{g:,.1f}", ha="center", va="center", fontsize=8, color=ink)
            left_gp += g
    ax.text(left_gp, 0, "  rest: margin not in the sources", va="center", ha="left", fontsize=8,
            color="#555555")
    ax.set_yticks([0, 1])
    ax.set_yticklabels(["gross profit\n(where a margin\nis given)", "revenue"])
    ax.set_xlabel(f"{_period(b, REVENUE)}, {unit}")
    ax.set_xlim(0, s(v["revenue"]) * 1.02)
    ax.set_ylim(-0.6, 1.6)
    ax.grid(axis="x", color="#dddddd")
    ax.grid(axis="y", visible=False)
    exhibit(ax, "Exhibit 3.3. Where the revenue comes from: IoT reported, cars estimated",
            cite(b.seeds([REVENUE, IOT_REV, DELIVERIES, EV_PRICE]), corpus),
            note="Hatched = estimate (deliveries x approximate average price; the reported segment also "
                 "includes other innovative businesses). Grey = residual. Converted at the rates of "
                 "Exhibit 3.0.")
    return fig


# --------------------------------------------------------------------------
# 3.4 and 3.5 The car business
# --------------------------------------------------------------------------


def _car_values(b: FactBook) -> dict[str, Derived]:
    v: dict[str, Derived] = {}
    v["gross_profit_per_vehicle"] = pct_of(b.row(EV_GM), b.row(EV_PRICE),
                                           label="gross profit per vehicle (estimate)")
    v["cost_per_vehicle"] = fin.subtract(b.row(EV_PRICE), v["gross_profit_per_vehicle"],
                                         label="cost of sales per vehicle (estimate)")
    v["ev_revenue_estimate"] = times(b.row(DELIVERIES), b.row(EV_PRICE), label="car revenue (estimate)")
    v["ev_gross_profit_estimate"] = times(b.row(DELIVERIES), v["gross_profit_per_vehicle"],
                                          label="car gross profit (estimate)")
    v["operating_profit_per_vehicle"] = fin.per_unit(b.row(INNOV_OP), b.row(DELIVERIES),
                                                     label="segment operating profit per car delivered")
    v["operating_margin_estimate"] = fin.margin(b.row(INNOV_OP), v["ev_revenue_estimate"],
                                                label="segment operating profit / car revenue estimate")
    v["deliveries_per_outlet"] = fin.per_unit(b.row(DELIVERIES), b.row(OUTLETS))
    v["deliveries_per_service_point"] = fin.per_unit(b.row(DELIVERIES), b.row(SERVICE))
    v["outlets_per_city"] = fin.per_unit(b.row(OUTLETS), b.row(OUTLET_CITIES))
    v["service_points_per_city"] = fin.per_unit(b.row(SERVICE), b.row(SERVICE_CITIES))
    v["deliveries_run_rate"] = fin.run_rate(b.row(DELIVERIES))
    v["monthly_run_rate"] = fin.run_rate(b.row(MONTHLY_SEP), periods_per_year=12)
    return v


def car_unit_economics(corpus: "Corpus", money: Money) -> FactExhibit:
    """Exhibit 3.4: price, margin, gross profit and cost per vehicle; profit per car delivered."""
    b = FactBook(corpus)
    v = _car_values(b)
    cols = ["item", "value", "basis", "formula"]
    r = _Rows()
    r.add(item="Average net price per vehicle", value=money.fmt(b.row(EV_PRICE), scaled=False,
                                                                per="vehicle", hedge=b.hedge(EV_PRICE)),
          basis="reported (approximate)", formula="—", facts=EV_PRICE)
    r.add(item="Gross margin, EV business", value=_reported(b, EV_GM), basis="reported", formula="—",
          facts=EV_GM)
    for key, item in (("gross_profit_per_vehicle", "Gross profit per vehicle"),
                      ("cost_per_vehicle", "Cost of sales per vehicle")):
        d = v[key]
        r.add(item=item, value=money.fmt(d, scaled=False, per="vehicle"), basis="ESTIMATE",
              formula=d.formula, facts=_ids(d))
    r.add(item=f"Deliveries, {_period(b, DELIVERIES)}", value=_reported(b, DELIVERIES),
          basis="reported", formula="—", facts=DELIVERIES)
    for key, item in (("ev_revenue_estimate", "Car revenue in the quarter"),
                      ("ev_gross_profit_estimate", "Car gross profit in the quarter")):
        d = v[key]
        r.add(item=item, value=money.fmt(d), basis="ESTIMATE", formula=d.formula, facts=_ids(d))
    r.add(item="Operating profit, innovative segments (smart EV, AI)", value=money.fmt(b.row(INNOV_OP)),
          basis="reported", formula="—", facts=INNOV_OP)
    d = v["operating_profit_per_vehicle"]
    r.add(item="... per car delivered", value=money.fmt(_money_q(d), scaled=False, per="vehicle"),
          basis="derived (rough: the segment is more than cars)", formula=d.formula, facts=_ids(d))
    d = v["operating_margin_estimate"]
    r.add(item="... as a share of the car revenue estimate", value=_pct(d), basis="ESTIMATE (rough)",
          formula=d.formula, facts=_ids(d))
    note = ("Per-vehicle figures are in units, not scaled. Estimates multiply the reported margin by an "
            "approximate price; 'cost of sales' is what the margin leaves of the price. The operating "
            "profit belongs to the whole 'smart EV and AI' segment, so per car it is only a rough "
            "indication. Between the gross profit and the operating profit lie the segment's "
            "selling, research and administrative costs, which the sources do not give. The text "
            "does not name the quarter of the margin and the price; they are read as the third "
            "quarter's, from the context of the report.")
    return _exhibit("3.4", "The car business's unit economics (estimates marked)", r, cols, corpus, b,
                    note, dict(v))


def car_network(corpus: "Corpus") -> FactExhibit:
    """Exhibit 3.5: the sales and service network, and the pace of deliveries against the target."""
    b = FactBook(corpus)
    v = _car_values(b)
    cols = ["item", "value", "basis", "formula"]
    r = _Rows()
    r.add(item=f"Sales outlets ({_period(b, OUTLETS)})", value=_reported(b, OUTLETS), basis="reported",
          formula="—", facts=OUTLETS)
    r.add(item="... in cities", value=_reported(b, OUTLET_CITIES), basis="reported", formula="—",
          facts=OUTLET_CITIES)
    r.add(item=f"Service points ({_period(b, SERVICE)})", value=_reported(b, SERVICE), basis="reported",
          formula="—", facts=SERVICE)
    r.add(item="... in cities", value=_reported(b, SERVICE_CITIES), basis="reported", formula="—",
          facts=SERVICE_CITIES)
    for key, item, unit in (
            ("outlets_per_city", "Sales outlets per city covered", "outlets per city"),
            ("service_points_per_city", "Service points per city covered", "service points per city"),
            ("deliveries_per_outlet", f"Deliveries per sales outlet, {_period(b, DELIVERIES)}",
             "vehicles per outlet"),
            ("deliveries_per_service_point", f"Deliveries per service point, {_period(b, DELIVERIES)}",
             "vehicles per service point")):
        d = v[key]
        r.add(item=item, value=_count(d, unit, 1), basis="derived", formula=d.formula, facts=_ids(d))
    d = v["deliveries_run_rate"]
    r.add(item="Deliveries: quarter's run rate", value=_count(d, "vehicles per year"),
          basis="RUN RATE (quarter x 4), not a reported figure", formula=d.formula, facts=_ids(d))
    d = v["monthly_run_rate"]
    r.add(item="Deliveries: September/October pace", value=_count(d, "vehicles per year", hedge=b.hedge(MONTHLY_SEP) or None),
          basis="RUN RATE (month x 12), not a reported figure; the monthly figure is 'over'",
          formula=d.formula, facts=_ids(MONTHLY_SEP, MONTHLY_OCT))
    r.add(item="Delivery target for the year", value=_reported(b, DELIVERY_TARGET),
          basis="reported (a target)", formula="—", facts=DELIVERY_TARGET)
    note = ("Outlets and service points are counted at the end of the quarter, deliveries over the "
            "quarter: if outlets opened during the quarter, the deliveries per outlet that was open "
            "were higher. Run rates assume every period of the year is like this one.")
    return _exhibit("3.5", "The car business's sales and service network, and the pace of deliveries",
                    r, cols, corpus, b, note, dict(v))


# --------------------------------------------------------------------------
# 3.6 The market's verdicts
# --------------------------------------------------------------------------


def _market_values(b: FactBook) -> dict[str, Any]:
    v: dict[str, Any] = {}
    v["drawdown"] = fin.drawdown(b.row(PRICE_PEAK), b.row(PRICE_NOW))
    v["previous_close"] = fin.implied_prior(b.row(PRICE_NOW), b.change(PRICE_DAY_FALL),
                                            label="price before the day's fall (implied)")
    v["check_30pct"] = fin.check_fallen_by_more_than(b.row(PRICE_PEAK), b.row(PRICE_NOW),
                                                     b.row(DECLINE_FROM_PEAK),
                                                     claim=b.quote(DECLINE_FROM_PEAK))
    return v


def market_verdicts(corpus: "Corpus", money: Money) -> FactExhibit:
    """Exhibit 3.6: the share price's peak, the post-results price, the drawdown; the speech days."""
    b = FactBook(corpus)
    v = _market_values(b)
    cur = money.currency
    cols = ["date", "what", "as reported", f"in {cur}", "formula"]
    r = _Rows()
    r.add(date=_period(b, PRICE_PEAK), what="Share price peak (HKEX 1810)",
          **{"as reported": _reported(b, PRICE_PEAK),
             f"in {cur}": money.fmt(b.row(PRICE_PEAK), scaled=False, per="share"), "formula": "—"},
          facts=PRICE_PEAK)
    r.add(date=_period(b, PRICE_DAY_FALL), what="Fall on the day after the results (intraday)",
          **{"as reported": _pct(b.change(PRICE_DAY_FALL), 2, signed=True), f"in {cur}": "—",
             "formula": "—"}, facts=PRICE_DAY_FALL)
    d = v["previous_close"]
    r.add(date=_period(b, PRICE_DAY_FALL), what="... price before that fall (implied)",
          **{"as reported": "—", f"in {cur}": money.fmt(d, scaled=False, per="share"),
             "formula": f"price / (1 + change/100) = {d.formula}"}, facts=_ids(d))
    r.add(date=_period(b, PRICE_NOW), what="Share price after the results (intraday)",
          **{"as reported": _reported(b, PRICE_NOW),
             f"in {cur}": money.fmt(b.row(PRICE_NOW), scaled=False, per="share"), "formula": "—"},
          facts=PRICE_NOW)
    d = v["drawdown"]
    r.add(date=f"{_period(b, PRICE_PEAK)} to {_period(b, PRICE_NOW)}", what="Drawdown from the peak",
          **{"as reported": f"{_reported(b, DECLINE_FROM_PEAK)} (claimed)",
             f"in {cur}": f"{_pct(d)} (computed; claim {v['check_30pct'].verdict})",
             "formula": f"(peak - price) / peak * 100 = {d.formula}"},
          facts=_ids(d, DECLINE_FROM_PEAK))
    r.add(date=_period(b, SPEECH_RISE), what="Speech day: intraday rise (seed 000)",
          **{"as reported": _pct(b.q(SPEECH_RISE), 1, signed=True), f"in {cur}": "—", "formula": "—"},
          facts=SPEECH_RISE)
    r.add(date=_period(b, SPEECH_FALL),
          what=f"... then the fall over {_count(b.q(SPEECH_FALL_DAYS), 'days')} (seed 000)",
          **{"as reported": _pct(b.change(SPEECH_FALL), 1, signed=True), f"in {cur}": "—",
             "formula": "—"}, facts=_ids(SPEECH_FALL, SPEECH_FALL_DAYS))
    note = ("Prices are converted at the HKD rate of Exhibit 3.0. The speech-day rise is an intraday "
            "high and the two-day fall starts the next day: the two changes have different bases and "
            "do not add up. The article says 'this year' but measures the fall from the June peak, "
            "not from the start of the year (flag in seed 004).")
    return _exhibit("3.6", "The market's verdicts: the peak, the post-results price and the speech days",
                    r, cols, corpus, b, note, v)


# --------------------------------------------------------------------------
# 3.7 Growth in scale
# --------------------------------------------------------------------------


def _scale_values(b: FactBook) -> dict[str, Derived]:
    v: dict[str, Derived] = {}
    years = b.year(VAL_2015) - b.year(VAL_2013)
    v["valuation_multiple"] = fin.ratio(b.row(VAL_2015), b.row(VAL_2013), label="valuation multiple")
    v["valuation_cagr"] = fin.cagr(b.row(VAL_2013), b.row(VAL_2015), years,
                                   label="valuation growth per year (CAGR)")
    v["revenue_run_rate"] = fin.run_rate(b.row(REVENUE))
    v["run_rate_vs_2020"] = fin.ratio(v["revenue_run_rate"], b.row(REV_2020),
                                      label="Q3 2025 run rate / 2020 revenue")
    v["hardtech_per_year"] = fin.per_unit(b.row(HARDTECH), b.row(HARDTECH_YEARS),
                                          label="hard-tech commitment per year")
    v["hardtech_vs_2020_revenue"] = fin.margin(b.row(HARDTECH), b.row(REV_2020),
                                               label="commitment / 2020 revenue")
    v["hardtech_vs_quarter"] = fin.margin(b.row(HARDTECH), b.row(REVENUE),
                                          label="commitment / Q3 2025 revenue")
    v["hardtech_per_year_vs_run_rate"] = fin.margin(_money_q(v["hardtech_per_year"]),
                                                    v["revenue_run_rate"],
                                                    label="commitment per year / run-rate revenue")
    return v


def growth_in_scale(corpus: "Corpus", money: Money) -> FactExhibit:
    """Exhibit 3.7: valuations of 2013 and 2015, the 2020 revenue milestone against today's run rate,
    and the hard-tech commitment against revenue."""
    b = FactBook(corpus)
    v = _scale_values(b)
    cols = ["item", "value", "basis", "formula"]
    r = _Rows()
    for fid, item in ((VAL_2013, "Valuation"), (VAL_2015, "Valuation")):
        r.add(item=f"{item}, {_period(b, fid)} (seed {short_id(b.seed(fid))})",
              value=money.fmt(b.row(fid), hedge=b.hedge(fid)), basis=f"reported: {_reported(b, fid)}",
              formula="—", facts=fid)
    for key, basis in (("valuation_multiple", "derived"), ("valuation_cagr", "derived")):
        d = v[key]
        val = f"{d.value:.2f}x" if d.unit == "x" else _pct(d)
        r.add(item=d.label, value=("≈ " if d.approx else "") + val, basis=basis, formula=d.formula,
              facts=_ids(d))
    r.add(item=f"Revenue, {_period(b, REV_2020)} (seed 000)",
          value=money.fmt(b.row(REV_2020), hedge=b.hedge(REV_2020)), basis="reported (a milestone)",
          formula="—", facts=REV_2020)
    d = v["revenue_run_rate"]
    r.add(item=f"Revenue, {_period(b, REVENUE)} x 4", value=money.fmt(d),
          basis="RUN RATE (quarter x 4), not a reported figure", formula=d.formula, facts=_ids(d))
    d = v["run_rate_vs_2020"]
    r.add(item="Run rate / 2020 revenue", value=f"at most {d.value:.2f}x",
          basis="derived ('more than' in 2020, so at most this)", formula=d.formula, facts=_ids(d))
    r.add(item=f"Hard-tech commitment over {_count(b.q(HARDTECH_YEARS), 'years')} (seed 000)",
          value=money.fmt(b.row(HARDTECH)), basis="reported (a commitment)", formula="—",
          facts=_ids(HARDTECH, HARDTECH_YEARS))
    d = v["hardtech_per_year"]
    r.add(item="... per year, if spread evenly", value=money.fmt(_money_q(d), per="year"),
          basis="derived", formula=d.formula, facts=_ids(d))
    for key, item in (("hardtech_vs_2020_revenue", "... as a share of 2020 revenue"),
                      ("hardtech_vs_quarter", f"... as a share of one quarter's revenue "
                                              f"({_period(b, REVENUE)})"),
                      ("hardtech_per_year_vs_run_rate", "... per year, as a share of the run-rate revenue")):
        d = v[key]
        r.add(item=item, value=("≈ " if d.approx else "") + _pct(d), basis="derived", formula=d.formula,
              facts=_ids(d))
    note = ("The valuations come from two different sources (a Dutch magazine and Chinese training notes) "
            "and are valuations as the sources report them (seed 002: an estimate based on the latest "
            "financing round), not market capitalisations. The run rate is not an annual figure: it "
            "assumes four quarters like the third. The commitment's start year is not stated.")
    return _exhibit("3.7", "Growth in scale: valuations, revenue and the hard-tech bet", r, cols, corpus,
                    b, note, dict(v))


# --------------------------------------------------------------------------
# 3.8 and 3.9 Appliances
# --------------------------------------------------------------------------


def ac_market_shares(corpus: "Corpus") -> FactExhibit:
    """Exhibit 3.8: air-conditioner shares online and offline; Xiaomi's offline share is missing."""
    b = FactBook(corpus)
    flags = corpus.text_issues()
    trunc = flags[(flags["seed_id"] == b.seed(MIDEA_OFFLINE)) & (flags["kind"] == "truncation")]
    trunc_quote = " ".join(str(trunc.iloc[0]["original"]).split()) if len(trunc) else ""
    rows = [
        {"channel": "online", "period": _period(b, AC_ONLINE_SHARE), "company": "Xiaomi",
         "share (%)": b.value(AC_ONLINE_SHARE), "rank": f"{b.value(AC_ONLINE_RANK):g}",
         "as the source gives it": b.quote(AC_ONLINE_SHARE), "facts": _ids(AC_ONLINE_SHARE, AC_ONLINE_RANK)},
        {"channel": "offline", "period": _period(b, MIDEA_OFFLINE), "company": "Midea",
         "share (%)": b.value(MIDEA_OFFLINE), "rank": "—",
         "as the source gives it": "first value of the list (assigned by order)", "facts": MIDEA_OFFLINE},
        {"channel": "offline", "period": _period(b, GREE_OFFLINE), "company": "Gree",
         "share (%)": b.value(GREE_OFFLINE), "rank": "—",
         "as the source gives it": "second value of the list (assigned by order)", "facts": GREE_OFFLINE},
        {"channel": "offline", "period": _period(b, MIDEA_OFFLINE), "company": "Xiaomi",
         "share (%)": math.nan, "rank": "—",
         "as the source gives it": f"{_MISSING_TRUNCATED}: the text ends '{trunc_quote[-40:]}'",
         "facts": ""},
    ]
    table = pd.DataFrame(rows, columns=["channel", "period", "company", "share (%)", "rank",
                                        "as the source gives it", "facts"])
    facts = [AC_ONLINE_SHARE, AC_ONLINE_RANK, MIDEA_OFFLINE, GREE_OFFLINE]
    note = ("Seed 004 is cut off mid-sentence after the second offline value: Xiaomi's own offline share "
            "is missing and is shown as missing (—), not estimated. Data from Aowei Cloud Network "
            "(AVC), as the article cites it. Online and offline shares cover different periods and "
            "cannot be compared directly.")
    return FactExhibit("3.8", "Air conditioners: Xiaomi is second online; offline its share is missing",
                       table, cite(b.seeds(facts), corpus), note=note, facts=tuple(facts),
                       values={"xiaomi_online_share": b.value(AC_ONLINE_SHARE),
                               "xiaomi_offline_share": math.nan,
                               "midea_offline_share": b.value(MIDEA_OFFLINE),
                               "gree_offline_share": b.value(GREE_OFFLINE)})


def _appliance_values(b: FactBook) -> dict[str, Derived]:
    v: dict[str, Derived] = {}
    v["investment_per_unit_capacity"] = fin.per_unit(b.row(WUHAN_INVEST), b.row(WUHAN_CAPACITY),
                                                     label="investment per unit of annual capacity")
    v["midea_2024_share_of_total"] = fin.margin(b.row(MIDEA_SALE_2024), b.row(MIDEA_SALE_TOTAL),
                                                label="2024 sale / total proceeds")
    v["midea_before_2024"] = fin.subtract(b.row(MIDEA_SALE_TOTAL), b.row(MIDEA_SALE_2024),
                                          label="proceeds before 2024")
    return v


def appliance_front(corpus: "Corpus", money: Money) -> FactExhibit:
    """Exhibit 3.9: the appliance front in figures: the Wuhan factory, the JD price gap, Midea's exit."""
    b = FactBook(corpus)
    v = _appliance_values(b)
    cols = ["item", "value", "basis", "formula"]
    r = _Rows()
    r.add(item="Revenue, large household appliances", value=f"{_period(b, APPL_DOUBLING)}: doubled; "
          f"{_period(b, APPL_DECLINE)}: {_pct(b.change(APPL_DECLINE), signed=True)} year on year",
          basis="reported (changes only; no levels); the doubling's quarter is inferred: the text "
                "says only 'at that time' (the Q1 results conference)", formula="—",
          facts=_ids(APPL_DOUBLING, APPL_DECLINE))
    r.add(item="Wuhan factory, first phase: investment", value=money.fmt(b.row(WUHAN_INVEST),
                                                                         hedge=b.hedge(WUHAN_INVEST)),
          basis="reported", formula="—", facts=WUHAN_INVEST)
    r.add(item="... planned peak capacity", value=_reported(b, WUHAN_CAPACITY), basis="reported",
          formula="—", facts=WUHAN_CAPACITY)
    d = v["investment_per_unit_capacity"]
    r.add(item="... investment per unit of annual capacity",
          value=money.fmt(_money_q(d), scaled=False, per="air conditioner a year", hedge="more than"),
          basis="derived ('more than' the investment, so at least this)", formula=d.formula,
          facts=_ids(d))
    r.add(item="Price gap on JD: Welling (Midea) below Xiaomi, same specification",
          value=money.fmt(b.row(PRICE_GAP), scaled=False, per="air conditioner"), basis="reported",
          formula="the sources give neither price, so the gap cannot be put as a percentage",
          facts=PRICE_GAP)
    r.add(item="Midea's sale of Xiaomi shares, 2024", value=money.fmt(b.row(MIDEA_SALE_2024)),
          basis="reported", formula="—", facts=MIDEA_SALE_2024)
    r.add(item="... total proceeds since 2020",
          value=money.fmt(b.row(MIDEA_SALE_TOTAL), hedge=b.hedge(MIDEA_SALE_TOTAL)),
          basis="reported", formula="—", facts=MIDEA_SALE_TOTAL)
    for key in ("midea_before_2024", "midea_2024_share_of_total"):
        d = v[key]
        val = money.fmt(d) if d.unit == "CNY" else "≈ " + _pct(d)
        r.add(item=f"... {d.label}", value=val, basis="derived (the total is 'nearly')",
              formula=d.formula, facts=_ids(d))
    r.add(item="Targets", value=f"top {b.value(APPL_TARGET_RANK):g} in large appliances in China within "
          f"{_count(b.q(APPL_TARGET_YEARS), 'years')}; rank {b.value(AC_TARGET_RANK):g} in air "
          f"conditioners by {_period(b, AC_TARGET_RANK)}", basis="reported (targets)", formula="—",
          facts=_ids(APPL_TARGET_RANK, APPL_TARGET_YEARS, AC_TARGET_RANK))
    r.add(item="Air-conditioner warranty", value=_reported(b, AC_WARRANTY),
          basis=f"reported ({_period(b, AC_WARRANTY)})", formula="—", facts=AC_WARRANTY)
    note = ("Midea's proceeds are a signal, not a loss for Xiaomi: the former shareholder left before "
            "the competition hardened. The per-unit investment is a lower bound and ignores later phases.")
    return _exhibit("3.9", "The appliance front in figures", r, cols, corpus, b, note, dict(v))


# --------------------------------------------------------------------------
# 3.10 Claim checks
# --------------------------------------------------------------------------


def _sentence(corpus: "Corpus", seed_id: str, phrase: str, occurrence: int = 1) -> str:
    """The sentence of the seed's original that contains ``phrase`` (whitespace normalised)."""
    raw = corpus[seed_id].raw
    i = -1
    for _ in range(occurrence):
        i = raw.find(phrase, i + 1)
        if i < 0:
            return f"… {phrase} …"
    start = max(raw.rfind(". ", 0, i) + 2, raw.rfind("\n", 0, i) + 1, 0)
    m = re.compile(r"[.!?][\"”]?(\s|$)").search(raw, i)
    end = m.end() if m else len(raw)
    return " ".join(raw[start:end].split())


def _cannot(claim: str, why: str, sources: tuple[str, ...]) -> ClaimCheck:
    return ClaimCheck(claim, CANNOT_CHECK, None, f"Cannot be checked: {why}.", math.nan, sources)


def _claim_list(corpus: "Corpus", money: Money) -> list[tuple[str, ClaimCheck]]:
    b = FactBook(corpus)
    tol = money.tolerance_pct / 100
    out: list[tuple[str, ClaimCheck]] = []
    s004 = b.seed(REVENUE)

    out.append((b.seed(DECLINE_FROM_PEAK), _market_values(b)["check_30pct"]))

    first, second = b.quote(REV_2020), b.quote(HARDTECH)
    rates = fin.check_rates_consistent((b.row(REV_2020), b.row(REV_2020_JPY)),
                                       (b.row(HARDTECH), b.row(HARDTECH_JPY)), rel_tol=tol,
                                       claim=f"{first} … {second}")
    out.append((b.seed(REV_2020), rates))
    claim = f"{b.row(REV_2020)['reading']} ≈ {b.row(REV_2020_JPY)['reading']} at this run's yen rate"
    if money.jpy_rate is not None:
        out.append((b.seed(REV_2020), _cannot(
            claim, "the sources give no exchange rate, and this run uses the rate implied by this very "
                   "conversion (jpy_per_cny = None); set jpy_per_cny to test it against a rate of your "
                   "choice", (REV_2020, REV_2020_JPY))))
    else:
        conv = money_convert_to(money, b.row(REV_2020), "JPY")
        out.append((b.seed(REV_2020), fin.claim_check(claim, conv, "~", b.row(REV_2020_JPY), rel_tol=tol)))

    out.append((s004, fin.claim_check(b.quote(THRESHOLD) + f" ({_period(b, REVENUE)})",
                                      as_derived(b.row(REVENUE), "revenue"), ">", b.row(THRESHOLD))))
    n = int(b.value(QUARTERS_ABOVE))
    missing_q = _quarters_before(b, REVENUE, n - 1)
    prior = _glance_values(b)["revenue_prior"]
    below = prior.value < b.value(THRESHOLD)
    out.append((s004, _cannot(
        _sentence(corpus, s004, b.quote(QUARTERS_ABOVE)),
        f"the sources give no revenue for {', '.join(missing_q) or 'the quarters before'}. What they do "
        f"give fits: {_period(b, REVENUE)} is above the mark and the implied {_prior_quarter(b, REVENUE)} "
        f"revenue ({money.fmt(prior)}) is {'below' if below else 'above'} it, so the run is "
        f"{'at most' if below else 'at least'} {n} quarters long",
        (REVENUE, THRESHOLD, QUARTERS_ABOVE, REVENUE_G))))
    np_prior = _glance_values(b)["adjusted_net_profit_prior"]
    out.append((s004, _cannot(
        _sentence(corpus, s004, "a record high", 1),
        f"the sources give no earlier quarter's adjusted net profit; the one they imply "
        f"({_prior_quarter(b, ADJ_NP)}: {money.fmt(np_prior)}) is lower, which fits but does not prove "
        "a record", (ADJ_NP, ADJ_NP_G))))
    out.append((s004, _cannot(_sentence(corpus, s004, "a record high", 2),
                              "the sources give no earlier quarter's deliveries", (DELIVERIES,))))
    out.append((s004, _cannot(
        _sentence(corpus, s004, b.quote(DELIVERY_TARGET)),
        f"the sources give the deliveries of {_period(b, DELIVERIES)} and a monthly pace for "
        f"{_period(b, MONTHLY_SEP)} and {_period(b, MONTHLY_OCT)}, not the year-to-date total",
        (DELIVERY_TARGET, DELIVERIES, MONTHLY_SEP, MONTHLY_OCT))))
    out.append((s004, _cannot(
        _sentence(corpus, s004, b.quote(IOT_GROWTH_QUARTERS)),
        f"the sources give only the latest quarter's growth ({_pct(b.q(IOT_REV_G), signed=True)}), "
        "which fits", (IOT_GROWTH_QUARTERS, IOT_REV_G))))
    out.append((s004, _cannot(
        _sentence(corpus, s004, "higher gross profit than the smartphone business"),
        "the sources give no gross profit by business for that quarter", ())))
    doubled = fin.check_doubled(b.row(SALES_2012), None, claimed=b.row(SALES_DOUBLED), rel_tol=tol,
                                claim=_sentence(corpus, b.seed(SALES_DOUBLED), "verdubbelde"))
    out.append((b.seed(SALES_DOUBLED), ClaimCheck(
        doubled.claim, doubled.verdict, None,
        doubled.explanation.rstrip(".") + f" (only the earlier figure is given: "
        f"{_reported(b, SALES_2012)} in {_period(b, SALES_2012)}); the text is also ambiguous: the "
        "doubling may be cumulative or of the half-year's sales.", doubled.threshold,
        tuple(dict.fromkeys((SALES_2012,) + doubled.threshold_sources)))))
    out.append((s004, fin.check_doubled(None, None, claimed=b.row(APPL_DOUBLING), rel_tol=tol,
                                        claim=_sentence(corpus, s004, b.quote(APPL_DOUBLING)))))
    # the company's age, across sources: the 15th anniversary in 2025 (seed 004) against 2013 and 2015
    anniv, anniv_year = b.value(ANNIVERSARY), b.year(ANNIVERSARY)
    for fid, op in ((AGE_2013, "=="), (AGE_2015, "<=")):
        year = b.year(fid)
        implied = Derived(anniv - (anniv_year - year), "years",
                          f"age in {year} implied by the {anniv:g}th anniversary in {anniv_year}",
                          f"{anniv:g} - ({anniv_year} - {year})", (ANNIVERSARY,))
        chk = fin.claim_check(f"{b.quote(fid)} ({year})", implied, op, b.row(fid))
        extra = (" The article may count from the first phone's launch rather than the founding."
                 if chk.verdict != fin.HOLDS else "")
        out.append((b.seed(fid), ClaimCheck(chk.claim, chk.verdict, chk.computed,
                                            chk.explanation + extra, chk.threshold,
                                            chk.threshold_sources)))
    return out


def money_convert_to(money: Money, x: fin.QuantityLike, to: str) -> Derived:
    """Convert ``x`` into ``to`` with the run's rates (not necessarily the display currency)."""
    qq = fin.as_quantity(x)
    return fin.convert(qq, to, dict(money.rates), rate_sources=money._rate_sources(qq.unit, to),
                       label=f"{qq.unit} converted to {to} at this run's rates")


def _fmt_computed(d: Derived | None) -> str:
    if d is None:
        return "—"
    if d.unit == "%":
        return _pct(d)
    if d.unit == "x":
        return f"{d.value:.3f}x"
    if re.match(r"[A-Z]{3}$", d.unit):
        return fin.format_scaled(d.value, d.unit)
    return f"{d.value:g} {d.unit}".strip()


def claim_checks(corpus: "Corpus", money: Money) -> FactExhibit:
    """Exhibit 3.10: every arithmetic claim the facts can test, with the computed value and a verdict."""
    b = FactBook(corpus)
    rows = []
    facts: list[str] = []
    checks = _claim_list(corpus, money)
    for seed_id, c in checks:
        ids = [i for i in c.sources if i]
        facts += [i for i in ids if i not in facts]
        rows.append({"claim (verbatim)": c.claim, "seed": short_id(seed_id), "verdict": c.verdict,
                     "computed": _fmt_computed(c.computed),
                     "formula": "—" if c.computed is None else c.computed.formula,
                     "explanation": c.explanation, "facts": ", ".join(ids)})
    table = pd.DataFrame(rows, columns=["claim (verbatim)", "seed", "verdict", "computed", "formula",
                                        "explanation", "facts"])
    counts = table["verdict"].value_counts()
    note = (f"Verdicts: {', '.join(f'{counts.get(k, 0)} {k}' for k in fin.VERDICTS)}. 'About' is read "
            f"as within {money.tolerance_pct:g}% (parameter tolerance_pct). 'Cannot be checked' means "
            "the sources lack a figure the check needs; the explanation says which, and whether what "
            "they do give fits.")
    return FactExhibit("3.10", "Claim checks: the articles' arithmetic against their own figures", table,
                       cite(b.seeds(facts), corpus), note=note, facts=tuple(facts),
                       values={"checks": [c for _, c in checks]})


# --------------------------------------------------------------------------
# 3.11 The facts behind the notebook; the decision
# --------------------------------------------------------------------------


def all_exhibits(corpus: "Corpus", money: Money) -> list[FactExhibit]:
    """Every table exhibit of the notebook (for the facts index and for tests)."""
    return [rates_table(money, corpus), at_a_glance(corpus, money), revenue_mix(corpus, money),
            car_unit_economics(corpus, money), car_network(corpus), market_verdicts(corpus, money),
            growth_in_scale(corpus, money), ac_market_shares(corpus), appliance_front(corpus, money),
            claim_checks(corpus, money)]


def facts_used(corpus: "Corpus", money: Money) -> FactExhibit:
    """Exhibit 3.11: every fact the exhibits use, with its seed, value, verbatim quote and offsets."""
    b = FactBook(corpus)
    used: dict[str, list[str]] = {}
    for e in all_exhibits(corpus, money):
        for f in e.facts:
            used.setdefault(f, []).append(e.number)
    rows = []
    for fid in sorted(used, key=lambda f: (b.seed(f), int(b.row(f)["start"]))):
        row = b.row(fid)
        rows.append({"fact": fid, "seed": short_id(b.seed(fid)), "value": _reported(b, fid),
                     "period": str(row["period"]), "quote (verbatim)": b.quote(fid),
                     "offsets": f"{int(row['start'])}-{int(row['end'])}",
                     "used in": ", ".join(dict.fromkeys(used[fid]))})
    table = pd.DataFrame(rows, columns=["fact", "seed", "value", "period", "quote (verbatim)", "offsets",
                                        "used in"])
    return FactExhibit("3.11", "The facts behind this notebook, verbatim", table,
                       cite(b.seeds(used), corpus), note="Offsets are character positions in the "
                       "seed's original text (seed.raw[start:end] is the quote).",
                       facts=tuple(table["fact"]))


def decision_note(corpus: "Corpus", money: Money) -> Note:
    """The numbers the closing section rests on, each computed above."""
    b = FactBook(corpus)
    mix, car, mkt, sc = _mix_values(b), _car_values(b), _market_values(b), _scale_values(b)
    lines = [
        "**The evidence in numbers** (from the exhibits above):",
        f"- *Cars*: about {_pct(mix['ev_revenue_estimate_share'], 0)} of the quarter's revenue "
        f"(estimate) at a reported gross margin of {_reported(b, EV_GM)}, i.e. "
        f"{money.fmt(car['gross_profit_per_vehicle'], scaled=False, per='vehicle')} of gross profit; "
        "the whole segment's operating profit per car delivered is only "
        f"{money.fmt(car['operating_profit_per_vehicle'], scaled=False, hedge='')}.",
        f"- *Market*: the share price is {_pct(mkt['drawdown'])} below its peak although revenue grew "
        f"{_pct(b.q(REVENUE_G), signed=True)} and adjusted net profit {_pct(b.q(ADJ_NP_G), signed=True)}.",
        f"- *Appliances*: IoT revenue grew {_pct(b.q(IOT_REV_G), signed=True)}, large appliances "
        f"{_pct(b.change(APPL_DECLINE), signed=True)}; Xiaomi is second online "
        f"({_reported(b, AC_ONLINE_SHARE)}) but its offline share is {_MISSING_TRUNCATED}.",
        f"- *Scale*: the hard-tech commitment per year is {_pct(sc['hardtech_per_year_vs_run_rate'])} "
        "of the run-rate revenue.",
    ]
    return Note("\n".join(lines))
