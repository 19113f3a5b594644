"""The 2026 scenario model of Xiaomi's car business: one vectorised function made of named parts.

What
----
:func:`home` computes one year of the car business in China under the 2026 purchase-tax
rule, step by step, with the parts notebook 04 walks through (so notebook and
``casestudy sweep`` use the same code):

1. calibration, once, at the reported base (seed 004, Q3 2025): variable cost per car
   ``c = base_price x (1 - base_margin)`` (:func:`unit_cost`); fixed costs of the car
   business per year ``F = 4 x (deliveries_q3 x (base_price - c) - operating_profit_q3)``
   (:func:`fixed_costs`: the quarter's gross profit minus its operating profit is what
   the operating costs took, times four);
2. price build-up: net price ``p`` (the lever), purchase tax (:func:`purchase_tax`), the
   part of the extra tax Xiaomi absorbs, VAT, the buyer's all-in price (:func:`buyer_price`);
3. volume from elasticities (:func:`volume`): Xiaomi's buyer price relative to the 2025
   base, against rivals whose buyer price moves by ``competitor_price_change_pct`` and
   the tax change (they pass the tax on);
4. revenue, variable cost, gross profit and margin, fixed costs, operating profit;
5. break-evens: the volume at which operating profit is zero at this price, and the
   price cut that would take operating profit to zero at this volume.

Because ``c`` and ``F`` are fixed at the base, ``price`` moves the margin; the demand
response decides whether a higher price earns more. Every input is a declared
:class:`Parameter` (unit, default, allowed range, origin, source, and the range a
sensitivity uses with where it comes from). :mod:`casestudy.europe` adds the Europe 2027
model on the same machinery; :data:`MODELS` lists both for the sweep.

Why
---
Seed 004 quotes Xiaomi's president: the car business's gross margin "may decline
slightly" in 2026, naming the halved purchase-tax exemption and competition. The model
makes the statement checkable without settling it: every figure follows from named
inputs. Inputs may be scalars or numpy arrays that broadcast; scalars give floats.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import ParameterError

__all__ = ["Parameter", "Model", "ScenarioError", "HOME", "MODELS", "get_model", "unit_cost",
           "fixed_costs", "purchase_tax", "buyer_price", "volume", "home", "evaluate",
           "parameters_frame", "tornado", "solve"]


class ScenarioError(ParameterError, ValueError):
    """A scenario input is unknown, of the wrong type or outside its allowed range."""


@dataclass(frozen=True)
class Parameter:
    """A model input: ``origin`` is "fact", "derived", "outside the sources" or "assumption";
    ``sample_range`` (with ``range_source``) is what sweeps and sensitivities vary over."""

    name: str
    unit: str
    default: float
    low: float
    high: float
    origin: str
    source: str
    description: str
    sample_range: tuple[float, float] | None = None
    range_source: str = ""
    fact: str = ""

    def check(self, value: Any) -> np.ndarray:
        """``value`` as a float array; :class:`ScenarioError` naming the parameter otherwise."""
        if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
            raise ScenarioError(f"parameter {self.name!r}: got {value!r}; expected a number in "
                                f"{self.unit} from {self.low:g} to {self.high:g}")
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ScenarioError(f"parameter {self.name!r}: got {value!r}; expected a number "
                                f"or an array of numbers") from None
        bad = np.isnan(arr) | (arr < self.low) | (arr > self.high)
        if bad.any():
            first = float(arr[bad].flat[0])
            raise ScenarioError(f"parameter {self.name!r}: got {first!r}; allowed range is "
                                f"{self.low:g} to {self.high:g} ({self.unit}; {self.description})")
        return arr


@dataclass(frozen=True)
class Model:
    """A named vectorised model: its inputs, its outputs (name -> unit) and its function."""

    name: str
    parameters: tuple[Parameter, ...]
    outputs: dict[str, str]
    function: Callable[..., dict[str, np.ndarray]]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise ScenarioError(f"unknown parameter {name!r} of the {self.name} model; known "
                            f"parameters: {', '.join(self.names)}")

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.parameters}


_F, _D, _O, _A = "fact", "derived", "outside the sources", "assumption"
_S4 = "seed 004"
BASE: tuple[Parameter, ...] = (
    Parameter("base_price", "CNY/vehicle", 260_000.0, 1_000.0, 5e6, _F,
              f"{_S4}: average net price per vehicle 'stable at around 260,000 yuan' (Q3 2025; read "
              "as revenue per car, excluding VAT: an assumption)", "Reported average net price: the "
              "calibration base.", fact="s004-q3-2025-ev-average-price"),
    Parameter("base_margin", "%", 25.5, 0.0, 99.0, _F,
              f"{_S4}: the car business's gross margin of 25.5% (Q3 2025)",
              "Reported gross margin: calibrates the variable cost per car.",
              fact="s004-q3-2025-ev-gross-margin"),
)
PARAMETERS: tuple[Parameter, ...] = BASE + (
    Parameter("deliveries_q3", "vehicles", 108_796.0, 1.0, 1e7, _F, f"{_S4}: 108,796 cars "
              "delivered in Q3 2025", "Deliveries of the calibration quarter.",
              fact="s004-q3-2025-deliveries"),
    Parameter("operating_profit_q3", "CNY", 7e8, -1e11, 1e11, _F,
              f"{_S4}: operating result of 700 million yuan of the innovative segments (cars, AI "
              "and others), Q3 2025; treating all of it as the car business is an assumption",
              "Operating profit of the calibration quarter.",
              fact="s004-q3-2025-innovative-operating-profit"),
    Parameter("base_volume", "vehicles/year", 435_184.0, 0.0, 5e6, _D,
              f"derived: 4 x the Q3 2025 deliveries ({_S4}), the annual rate at the base price",
              "Deliveries per year at the base price under the 2025 tax rule.",
              (350_000.0, 480_000.0), f"{_S4}: from the 2025 target of 350,000 (fact "
              "s004-2025-delivery-target) to 12 x the 'over 40,000' monthly deliveries of "
              "September and October (fact s004-2025-09-monthly-deliveries)"),
    Parameter("price", "CNY/vehicle", 260_000.0, 1_000.0, 5e6, _A,
              "assumption: the lever; default = the reported average net price (no change)",
              "Xiaomi's 2026 net price per car (excluding VAT).", (234_000.0, 286_000.0),
              "assumption: the base price +/- 10%, an illustrative price war or premium"),
    Parameter("vat_rate", "%", 13.0, 0.0, 50.0, _O, "not in the sources: PRC standard VAT on "
              "goods, 13% since 2019-04-01", "VAT on the net price."),
    Parameter("purchase_tax_rate", "%", 10.0, 0.0, 50.0, _O, "not in the sources: Vehicle "
              "Purchase Tax Law of the PRC, 10% of the price excluding VAT",
              "Vehicle purchase tax before any exemption."),
    Parameter("exemption_2025", "share", 1.0, 0.0, 1.0, _F, f"{_S4}: the current 'full "
              "exemption' (no cap given)", "Share of the purchase tax exempted in 2025."),
    Parameter("exemption_2026", "share", 0.5, 0.0, 1.0, _F, f"{_S4}: 'half - exemption' in 2026",
              "Share of the purchase tax exempted in 2026.",
              fact="s004-2026-purchase-tax-exemption-rate"),
    Parameter("cap_2026", "CNY/vehicle", 15_000.0, 0.0, 1e6, _F, f"{_S4}: 'a maximum amount of "
              "15,000 yuan per vehicle'", "Largest exemption per car in 2026.",
              fact="s004-2026-purchase-tax-exemption-cap"),
    Parameter("absorbed_share", "share", 0.0, 0.0, 1.0, _A, "assumption: no source says; "
              "0 = the buyer pays the extra tax", "Share of the buyer's extra 2026 tax Xiaomi pays "
              "(lowers its revenue per car).", (0.0, 1.0), "the two ends: buyer pays all, Xiaomi "
              "pays all"),
    Parameter("elasticity", "1", -3.92, -20.0, 0.0, _D, "derived: -1 / (25.5/100), the own-price "
              "elasticity at which the reported price maximises profit (Lerner rule; assumes "
              "Xiaomi prices to maximise profit)", "Xiaomi's volume against its buyer price "
              "relative to rivals'.", (-5.0, -2.0), "assumption: the Lerner values of margins of "
              "20% (-5) and 50% (-2) around the reported 25.5%"),
    Parameter("market_elasticity", "1", -1.0, -5.0, 0.0, _A, "assumption, no source: unit "
              "elastic", "The car market's volume against the buyer price level of all cars.",
              (-1.5, -0.5), "assumption: illustrative, half to one and a half times unit elastic"),
    Parameter("competitor_price_change_pct", "%", 0.0, -50.0, 50.0, _A, "assumption: rivals "
              "keep prices and pass the tax on", "Rivals' change of their net prices in 2026.",
              (-10.0, 0.0), f"assumption: up to a 10% cut ({_S4} speaks of 'fierce "
              "competition', no figure)"),
    Parameter("unit_cost_change_pct", "%", 0.0, -50.0, 50.0, _A, "assumption: no source gives "
              "2026 costs", "Change of the variable cost per car.", (-5.0, 5.0),
              "assumption: illustrative +/- 5%"),
    Parameter("fixed_cost_change_pct", "%", 0.0, -50.0, 100.0, _A, "assumption: no source gives "
              "2026 costs", "Change of the fixed costs of the car business.", (-10.0, 10.0),
              "assumption: illustrative +/- 10%"),
)


# -- the parts --------------------------------------------------------------------------


def unit_cost(base_price: Any, base_margin: Any, change_pct: Any = 0.0) -> Any:
    """Variable cost per car, calibrated once at the base: base_price x (1 - margin/100)."""
    return base_price * (1 - base_margin / 100) * (1 + change_pct / 100)


def fixed_costs(base_price: Any, base_margin: Any, deliveries_q3: Any, operating_profit_q3: Any,
                change_pct: Any = 0.0) -> Any:
    """Fixed costs per year: 4 x (Q3 gross profit - Q3 operating profit), then changed."""
    gross_q3 = deliveries_q3 * (base_price - unit_cost(base_price, base_margin))
    return 4 * (gross_q3 - operating_profit_q3) * (1 + change_pct / 100)


def purchase_tax(price: Any, rate_pct: Any, exemption: Any, cap: Any = math.inf) -> Any:
    """The buyer's purchase tax: full tax minus the exemption (a share, at most ``cap``)."""
    full = price * rate_pct / 100
    return full - np.minimum(exemption * full, cap)


def buyer_price(price: Any, vat_rate: Any, tax: Any, absorbed: Any = 0.0) -> Any:
    """What the buyer pays: net price + VAT + purchase tax - what Xiaomi absorbs."""
    return price * (1 + vat_rate / 100) + tax - absorbed


def volume(base_volume: Any, own_ratio: Any, rival_ratio: Any, elasticity: Any,
           market_elasticity: Any) -> Any:
    """Deliveries: the market moves with rivals' buyer price, Xiaomi's share with its price
    relative to theirs: V0 x rival^market_e x (own/rival)^e."""
    return base_volume * rival_ratio ** market_elasticity * (own_ratio / rival_ratio) ** elasticity


def home(base_price: Any, base_margin: Any, deliveries_q3: Any, operating_profit_q3: Any,
         base_volume: Any, price: Any, vat_rate: Any, purchase_tax_rate: Any, exemption_2025: Any,
         exemption_2026: Any, cap_2026: Any, absorbed_share: Any, elasticity: Any,
         market_elasticity: Any, competitor_price_change_pct: Any, unit_cost_change_pct: Any,
         fixed_cost_change_pct: Any) -> dict[str, Any]:
    """The 2026 car business under these inputs (arrays broadcast); see the module docstring."""
    cost = unit_cost(base_price, base_margin, unit_cost_change_pct)
    fixed = fixed_costs(base_price, base_margin, deliveries_q3, operating_profit_q3,
                        fixed_cost_change_pct)
    buyer_base = buyer_price(base_price, vat_rate, purchase_tax(base_price, purchase_tax_rate,
                                                                exemption_2025))
    tax = purchase_tax(price, purchase_tax_rate, exemption_2026, cap_2026)
    extra = np.maximum(tax - purchase_tax(price, purchase_tax_rate, exemption_2025), 0.0)
    absorbed = absorbed_share * extra
    buyer = buyer_price(price, vat_rate, tax, absorbed)
    rival_base = buyer_price(base_price, vat_rate, purchase_tax(
        base_price, purchase_tax_rate, exemption_2026, cap_2026))
    rival = (1 + competitor_price_change_pct / 100) * rival_base / buyer_base
    cars = volume(base_volume, buyer / buyer_base, rival, elasticity, market_elasticity)
    revenue_per_car = price - absorbed
    gp_per_car = revenue_per_car - cost
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = gp_per_car / revenue_per_car * 100
        be_volume = np.where(gp_per_car > 0, fixed / np.where(gp_per_car > 0, gp_per_car, 1), np.nan)
        op_per_car = gp_per_car - fixed / cars
    operating = cars * gp_per_car - fixed
    base_operating = base_volume * (base_price - unit_cost(base_price, base_margin)) - fixed
    return {
        "unit_cost": cost, "fixed_costs": fixed, "buyer_price_2025": buyer_base,
        "purchase_tax": tax, "extra_tax": extra, "absorbed": absorbed, "vat": price * vat_rate / 100,
        "buyer_price": buyer, "deliveries": cars, "revenue_per_car": revenue_per_car,
        "gross_profit_per_car": gp_per_car, "gross_margin_pct": margin,
        "revenue": cars * revenue_per_car, "variable_costs": cars * cost,
        "gross_profit": cars * gp_per_car, "operating_profit": operating,
        "operating_margin_pct": operating / (cars * revenue_per_car) * 100,
        "operating_profit_2025": base_operating, "break_even_volume": be_volume,
        "price_cut_to_break_even_pct": op_per_car / price * 100,
    }


_OUT = {"unit_cost": "CNY/vehicle", "fixed_costs": "CNY", "buyer_price_2025": "CNY/vehicle",
        "purchase_tax": "CNY/vehicle", "extra_tax": "CNY/vehicle", "absorbed": "CNY/vehicle",
        "vat": "CNY/vehicle", "buyer_price": "CNY/vehicle", "deliveries": "vehicles/year",
        "revenue_per_car": "CNY/vehicle", "gross_profit_per_car": "CNY/vehicle",
        "gross_margin_pct": "%", "revenue": "CNY", "variable_costs": "CNY", "gross_profit": "CNY",
        "operating_profit": "CNY", "operating_margin_pct": "%", "operating_profit_2025": "CNY",
        "break_even_volume": "vehicles/year", "price_cut_to_break_even_pct": "%"}
HOME = Model("home", PARAMETERS, _OUT, home)
MODELS: dict[str, Model] = {"home": HOME}


def get_model(name: str | Model) -> Model:
    """The model called ``name`` ("home" or "europe")."""
    if isinstance(name, Model):
        return name
    if name not in MODELS:
        from . import europe  # noqa: F401  (registers the Europe model)
    try:
        return MODELS[name]
    except (KeyError, TypeError):
        raise ScenarioError(f"unknown model {name!r}; expected one of home, europe") from None


def evaluate(params: Mapping[str, Any] | None = None, model: str | Model = "home",
             **kwargs: Any) -> dict[str, Any]:
    """Validate inputs (missing ones at their defaults), evaluate, and broadcast the outputs;
    scalars in give floats out."""
    m = get_model(model)
    given = {**(params or {}), **kwargs}
    for k in given:
        m.parameter(k)
    arrays = {p.name: p.check(given.get(p.name, p.default)) for p in m.parameters}
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        raise ScenarioError("parameter arrays do not broadcast together: " + ", ".join(
            f"{k}{a.shape}" for k, a in arrays.items() if a.ndim)) from None
    with np.errstate(divide="ignore", invalid="ignore"):
        out = m.function(**arrays)
    if shape == ():
        return {k: float(v) for k, v in out.items()}
    return {k: np.broadcast_to(v, shape) for k, v in out.items()}


def parameters_frame(model: str | Model = "home") -> pd.DataFrame:
    """The declarations as a table, one row per parameter."""
    return pd.DataFrame([{
        "name": p.name, "unit": p.unit, "default": p.default, "low": p.low, "high": p.high,
        "range low": p.sample_range[0] if p.sample_range else None,
        "range high": p.sample_range[1] if p.sample_range else None,
        "origin": p.origin, "source": p.source, "range from": p.range_source,
        "description": p.description, "fact": p.fact} for p in get_model(model).parameters])


def tornado(output: str, base: Mapping[str, Any] | None = None,
            model: str | Model = "home") -> pd.DataFrame:
    """One input at a time at each end of its declared range, the others at ``base``;
    rows sorted by swing (largest first)."""
    m = get_model(model)
    if output not in m.outputs:
        raise ScenarioError(f"unknown output {output!r}; known: {', '.join(m.outputs)}")
    base = dict(base or {})
    mid = evaluate(base, m)[output]
    rows = []
    for p in m.parameters:
        if p.sample_range is None:
            continue
        lo, hi = (evaluate({**base, p.name: v}, m)[output] for v in p.sample_range)
        rows.append({"parameter": p.name, "low": p.sample_range[0], "high": p.sample_range[1],
                     "at low": lo, "at high": hi, "base": mid, "swing": abs(hi - lo),
                     "range from": p.range_source})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable",
                                          ignore_index=True)


def solve(parameter: str, output: str, target: float, lo: float, hi: float,
          base: Mapping[str, Any] | None = None, model: str | Model = "home") -> float:
    """The value of ``parameter`` in ``[lo, hi]`` at which ``output`` equals ``target`` (the
    first crossing on a fine grid, refined by bisection); NaN if there is none."""
    m = get_model(model)
    base = {k: v for k, v in (base or {}).items() if k != parameter}
    f = lambda x: np.asarray(evaluate({**base, parameter: x}, m)[output]) - target  # noqa: E731
    xs = np.linspace(lo, hi, 2001)
    ys = f(xs)
    cross = np.flatnonzero(np.sign(ys[:-1]) * np.sign(ys[1:]) <= 0)
    if not cross.size:
        return float("nan")
    a, b = float(xs[cross[0]]), float(xs[cross[0] + 1])
    fa = float(ys[cross[0]])
    for _ in range(100):
        mid = (a + b) / 2
        fm = float(f(mid))
        if (fm < 0) == (fa < 0):
            a, fa = mid, fm
        else:
            b = mid
    return (a + b) / 2
