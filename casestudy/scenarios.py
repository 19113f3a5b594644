"""The 2026 scenario model of Xiaomi's car business: one vectorised function of named parts.

:func:`home` computes a year of the car business in China under the 2026 purchase-tax rule
with the parts notebook 04 walks through, so notebook and ``casestudy sweep`` share the code:
costs calibrated once at seed 004's Q3 2025 base (:func:`unit_cost`, :func:`fixed_costs`);
the price build-up (:func:`purchase_tax`, :func:`buyer_price`); demand from elasticities
against rivals who pass the tax on (:func:`volume`), capped by the factories' capacity; profit,
margins and break-evens. Every input is a declared :class:`Parameter` (unit, default, allowed
range, origin, source, the range a sensitivity uses). :mod:`casestudy.europe` adds the Europe
2027 model; :mod:`casestudy.sweep` keeps the table of models by name.

Why: seed 004 quotes Xiaomi's president that the car gross margin "may decline slightly" in
2026 (the halved tax exemption, competition). The model makes the statement checkable without
settling it. Inputs may be scalars or numpy arrays that broadcast; scalars give floats.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .modelbase import DECLARATIONS, Model, Parameter, ScenarioError, declare, unit_cost

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DECLARATIONS", "Parameter", "Model", "ScenarioError", "HOME", "declare", "unit_cost",
           "fixed_costs", "purchase_tax", "buyer_price", "volume", "home", "evaluate", "tornado",
           "solve"]


# -- the parts --------------------------------------------------------------------------


def fixed_costs(base_price: Any, base_margin: Any, deliveries_q3: Any, operating_profit_q3: Any,
                change_pct: Any = 0.0) -> Any:
    """Fixed costs per year: 4 x (Q3 gross profit - Q3 operating profit, what the operating
    costs took), then changed."""
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
         base_volume: Any, capacity: Any, price: Any, vat_rate: Any, purchase_tax_rate: Any,
         exemption_2025: Any, exemption_2026: Any, cap_2026: Any, absorbed_share: Any,
         elasticity: Any, market_elasticity: Any, competitor_price_change_pct: Any,
         unit_cost_change_pct: Any, fixed_cost_change_pct: Any) -> dict[str, Any]:
    """The 2026 car business under these inputs (arrays broadcast); see the module docstring.
    Deliveries are the lesser of demand and capacity."""
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
    demand = volume(base_volume, buyer / buyer_base, rival, elasticity, market_elasticity)
    cars = np.minimum(demand, capacity)
    revenue_per_car = price - absorbed
    gp_per_car = revenue_per_car - cost
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = gp_per_car / revenue_per_car * 100
        positive = gp_per_car > 0
        be_volume = np.where(positive, fixed / np.where(positive, gp_per_car, 1), np.nan)
        op_per_car = gp_per_car - fixed / cars
    operating = cars * gp_per_car - fixed
    base_operating = base_volume * (base_price - unit_cost(base_price, base_margin)) - fixed
    return {
        "unit_cost": cost, "fixed_costs": fixed, "buyer_price_2025": buyer_base,
        "purchase_tax": tax, "extra_tax": extra, "absorbed": absorbed,
        "vat": price * vat_rate / 100,
        "buyer_price": buyer, "demand": demand, "deliveries": cars,
        "revenue_per_car": revenue_per_car, "gross_profit_per_car": gp_per_car,
        "gross_margin_pct": margin, "revenue": cars * revenue_per_car,
        "variable_costs": cars * cost, "gross_profit": cars * gp_per_car,
        "operating_profit": operating,
        "operating_margin_pct": operating / (cars * revenue_per_car) * 100,
        "operating_profit_2025": base_operating, "break_even_volume": be_volume,
        # negative: a price cut the operating profit can absorb; positive: the rise a loss needs
        "price_change_to_break_even_pct": -op_per_car / price * 100,
    }


HOME = declare("home", home)
PARAMETERS = HOME.parameters


def _model(model: Model) -> Model:
    if not isinstance(model, Model):
        raise ScenarioError(f"model {model!r}: expected a Model such as casestudy.scenarios.HOME "
                            "(casestudy.sweep.get_model finds one by name)")
    return model


def evaluate(params: Mapping[str, Any] | None = None, model: Model = HOME,
             **kwargs: Any) -> dict[str, Any]:
    """Validate inputs (missing ones at their defaults), evaluate, and broadcast the outputs;
    scalars in give floats out."""
    m = _model(model)
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


def tornado(output: str, base: Mapping[str, Any] | None = None,
            model: Model = HOME) -> pd.DataFrame:
    """One input at a time at each end of its declared range, the others at ``base``;
    rows sorted by swing (largest first). A swing of zero is a finding to explain, not noise."""
    import pandas as pd  # here only: the models and `casestudy run 04 -p ...` need no pandas

    m = _model(model)
    if output not in m.outputs:
        raise ScenarioError(f"unknown output {output!r}; known: {', '.join(m.outputs)}")
    base = dict(base or {})
    mid = evaluate(base, m)[output]
    rows = []
    for p in m.parameters:
        if p.sample_range:
            lo, hi = (evaluate({**base, p.name: v}, m)[output] for v in p.sample_range)
            rows.append({"parameter": p.name, "low": p.sample_range[0], "high": p.sample_range[1],
                         "at low": lo, "at high": hi, "base": mid, "swing": abs(hi - lo),
                         "range from": p.range_source})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable",
                                          ignore_index=True)


def solve(parameter: str, output: str, target: float, lo: float, hi: float,
          base: Mapping[str, Any] | None = None, model: Model = HOME) -> float:
    """The value of ``parameter`` in ``[lo, hi]`` at which ``output`` equals ``target`` (the
    first crossing on a fine grid, refined by bisection); NaN if there is none."""
    m = _model(model)
    base = {k: v for k, v in (base or {}).items() if k != parameter}
    f = lambda x: np.asarray(evaluate({**base, parameter: x}, m)[output]) - target  # noqa: E731
    xs = np.linspace(lo, hi, 2001)
    ys = f(xs)
    cross = np.flatnonzero(np.sign(ys[:-1]) * np.sign(ys[1:]) <= 0)
    if not cross.size:
        return float("nan")
    a, b = float(xs[cross[0]]), float(xs[cross[0] + 1])
    below = ys[cross[0]] < 0  # f keeps this sign at a
    for _ in range(100):
        mid = (a + b) / 2
        if (float(f(mid)) < 0) == below:
            a = mid
        else:
            b = mid
    return (a + b) / 2
