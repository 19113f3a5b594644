"""Scenarios for Xiaomi's car business in 2026: halved purchase-tax exemption and price competition.

What
----
A small, vectorised what-if model of one year of Xiaomi's EV sales. It asks
what the halving of the new-energy-vehicle purchase-tax exemption in 2026
(seed 004: from "full exemption" to "half - exemption", "with a maximum amount
of 15,000 yuan per vehicle") and price competition do to the buyer's price,
the volume sold, revenue and gross margin, depending on how much of the
buyer's extra tax Xiaomi absorbs.

Every input is a declared :class:`Parameter` in :data:`PARAMETERS` with its
unit, default, allowed range and where the default comes from
(``origin``): ``"source"`` (a seed says it), ``"assumption"`` (a modelling
choice no source supports) or ``"outside the sources"`` (a statutory value
from Chinese tax law that the seeds do not mention). Notebooks and the sweep
CLI list them with :func:`parameters_frame`. No figure is hidden in the code:
the defaults live only in those declarations and every one can be overridden,
e.g. ``deliveries`` from the facts table (:func:`overrides_from_facts`).

Why
---
The source (seed 004) quotes Xiaomi's president: the car business's gross
margin "may decline slightly" in 2026, and names the purchase-tax change as a
key variable. The model makes that statement checkable: the 2025 base
reproduces the reported 25.5% gross margin exactly, because the unit cost is
*calibrated* from it (``unit_cost = net_price * (1 - gross_margin_2025/100)``),
and every 2026 figure is then a transparent consequence of the inputs.

Tax conventions (all changeable parameters)
--------------------------------------------
* ``price`` is the average net price per vehicle (seed 004: "around 260,000
  yuan"). The source does not say net of what. **Default: it excludes VAT**
  (``price_includes_vat=False``): it is read as Xiaomi's revenue per vehicle,
  and reported revenue excludes VAT; a gross margin is a share of that
  revenue. With ``price_includes_vat=True`` the price is divided by
  ``1 + vat_rate/100`` to get the net (ex-VAT) price.
* ``vat_rate`` = 13 %: *not in the sources*. The PRC standard VAT rate on the
  sale of goods (13 % since 2019-04-01, kept by the PRC Value-Added Tax Law in
  force from 2026-01-01).
* ``purchase_tax_rate`` = 10 %: *not in the sources*. Vehicle Purchase Tax Law
  of the PRC (in force 2019-07-01): 10 % of the taxable price, which is the
  price the buyer pays **excluding VAT**. So the tax before any exemption is
  ``purchase_tax_rate/100 * net_price``.
* Exemption: the buyer's tax is ``full_tax - min(exemption_share * full_tax,
  cap)``. 2025 rule (seed 004): full exemption (``exemption_2025=1``); the
  source gives **no cap**, so ``cap_2025`` defaults to infinity. (Outside the
  sources, the 2024-2025 policy is reported to cap the exemption at 30,000
  yuan per vehicle; at a 260,000 yuan net price the full tax is 26,000, so
  such a cap would not bind. Set ``cap_2025=30000`` to model it.) 2026 rule
  (seed 004): ``exemption_2026=0.5`` capped at ``cap_2026=15000`` yuan.
  Worked example with the defaults: full tax 10% x 260,000 = 26,000; 2025:
  exemption 26,000, buyer pays 0; 2026: exemption min(13,000, 15,000) =
  13,000, buyer pays 13,000, i.e. 13,000 yuan extra tax per vehicle.
* ``extra_tax_2026`` is the 2026 tax minus the tax the 2025 rule would levy at
  the same (2026) price, floored at 0.
* Absorption: Xiaomi pays ``absorbed_share * extra_tax_2026`` per vehicle to
  the buyer (as carmakers' "purchase-tax guarantees" do). It lowers the
  buyer's price and Xiaomi's revenue per vehicle one for one (a payment to a
  customer reduces revenue) and leaves the taxable price unchanged.
* ``price_change_pct`` changes the net (ex-VAT) price in 2026;
  ``unit_cost_change_pct`` changes the calibrated unit cost.
* Demand has constant elasticity with respect to the buyer's all-in price
  (net price + VAT + purchase tax - absorbed amount):
  ``deliveries_2026 = deliveries * (buyer_price_2026 / buyer_price_2025) **
  elasticity``. ``elasticity`` (default -1.0) is an **assumption with no
  source**; 0 means volume does not react.
* ``deliveries`` (default: seed 004's 2025 annual target of 350,000 vehicles)
  is the volume at 2025 prices; using the 2025 target as the 2026 starting
  volume is an assumption.

Assumptions not found in the sources: ``price_includes_vat``, ``vat_rate``,
``purchase_tax_rate``, ``absorbed_share``, ``price_change_pct``,
``unit_cost_change_pct``, ``elasticity``, the absorption mechanism, the
demand curve, and the use of the 2025 target as the base volume.

Everything is numpy-vectorised: inputs may be scalars or arrays that
broadcast together; 100,000 scenarios evaluate in milliseconds. A call with
scalars only returns plain floats.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import ParameterError

__all__ = [
    "ORIGIN_ASSUMPTION",
    "ORIGIN_OUTSIDE",
    "ORIGIN_SOURCE",
    "OUTPUTS",
    "OUTPUT_NAMES",
    "PARAMETERS",
    "PARAMETER_NAMES",
    "BreakEven",
    "Output",
    "Parameter",
    "ScenarioError",
    "break_even",
    "break_even_absorbed_share",
    "defaults",
    "evaluate",
    "evaluate_frame",
    "get_parameter",
    "grid_2d",
    "notebook_params",
    "outputs_frame",
    "overrides_from_facts",
    "parameters_frame",
    "resolve",
    "tornado",
    "validate",
]


class ScenarioError(ParameterError, ValueError):
    """A scenario input is unknown, of the wrong type or outside its allowed range."""


ORIGIN_SOURCE = "source"
ORIGIN_ASSUMPTION = "assumption"
ORIGIN_OUTSIDE = "outside the sources"


@dataclass(frozen=True)
class Parameter:
    """A declared model input.

    ``low``/``high`` bound the allowed values (inclusive; ``math.inf`` allowed
    as ``high`` for caps). ``sample_range`` is the plausible range used for
    random samples and tornado charts; ``None`` means the parameter stays at
    its default there unless a range is given explicitly.
    """

    name: str
    unit: str
    default: float | bool
    low: float
    high: float
    origin: str
    source: str
    description: str
    kind: str = "float"  # "float" or "bool"
    sample_range: tuple[float, float] | None = None
    fact: str = ""  # id of the fact in corpus.facts() whose value the default is ("" = none)

    def allowed(self) -> str:
        """The allowed values as text, for messages and listings."""
        if self.kind == "bool":
            return "True or False"
        hi = "no upper limit (inf = no cap)" if math.isinf(self.high) else f"{self.high:g}"
        return f"{self.low:g} to {hi}"


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "deliveries", "vehicles/year", 350_000.0, 0.0, 5_000_000.0, ORIGIN_SOURCE,
        "seed 004: annual target of 350,000 delivered vehicles (2025 target; using it as the "
        "volume at 2025 prices is an assumption; fact s004-2025-delivery-target)",
        "Annual deliveries at 2025 prices, before demand reacts to the 2026 buyer's price.",
        sample_range=(200_000.0, 500_000.0),
        fact="s004-2025-delivery-target",
    ),
    Parameter(
        "price", "CNY/vehicle", 260_000.0, 10_000.0, 5_000_000.0, ORIGIN_SOURCE,
        "seed 004: \"The average net price per vehicle is stable at around 260,000 yuan\" (fact "
        "s004-q3-2025-ev-average-price, Q3 2025)",
        "Average net price per vehicle in 2025 (see price_includes_vat).",
        sample_range=(220_000.0, 300_000.0),
        fact="s004-q3-2025-ev-average-price",
    ),
    Parameter(
        "price_includes_vat", "bool", False, 0.0, 1.0, ORIGIN_ASSUMPTION,
        "assumption: the source's \"net price\" is read as revenue per vehicle, which excludes VAT",
        "Whether `price` includes VAT; if True the net price is price / (1 + vat_rate/100).",
        kind="bool",
    ),
    Parameter(
        "vat_rate", "%", 13.0, 0.0, 30.0, ORIGIN_OUTSIDE,
        "not in the sources: PRC standard VAT rate on goods, 13% since 2019-04-01, kept by the "
        "PRC Value-Added Tax Law in force from 2026-01-01",
        "VAT rate on the vehicle price.",
    ),
    Parameter(
        "purchase_tax_rate", "%", 10.0, 0.0, 30.0, ORIGIN_OUTSIDE,
        "not in the sources: Vehicle Purchase Tax Law of the PRC (in force 2019-07-01), 10% of the "
        "taxable price, which excludes VAT",
        "Statutory vehicle purchase tax rate before any exemption.",
    ),
    Parameter(
        "exemption_2025", "share", 1.0, 0.0, 1.0, ORIGIN_SOURCE,
        "seed 004: reduced \"from the current 'full exemption'\"",
        "Share of the purchase tax exempted under the 2025 rule.",
    ),
    Parameter(
        "cap_2025", "CNY/vehicle", math.inf, 0.0, math.inf, ORIGIN_SOURCE,
        "seed 004 says \"full exemption\" and gives no cap, so no cap (inf); outside the sources the "
        "2024-2025 cap is reported as 30,000 yuan (does not bind at 260,000 yuan)",
        "Maximum exemption per vehicle under the 2025 rule (inf = no cap).",
    ),
    Parameter(
        "exemption_2026", "share", 0.5, 0.0, 1.0, ORIGIN_SOURCE,
        "seed 004: reduced to \"half - exemption\" in 2026 (fact s004-2026-purchase-tax-exemption-rate)",
        "Share of the purchase tax exempted under the 2026 rule.",
        fact="s004-2026-purchase-tax-exemption-rate",
    ),
    Parameter(
        "cap_2026", "CNY/vehicle", 15_000.0, 0.0, math.inf, ORIGIN_SOURCE,
        "seed 004: \"with a maximum amount of 15,000 yuan per vehicle\" (fact "
        "s004-2026-purchase-tax-exemption-cap)",
        "Maximum exemption per vehicle under the 2026 rule (inf = no cap).",
        fact="s004-2026-purchase-tax-exemption-cap",
    ),
    Parameter(
        "absorbed_share", "share", 0.0, 0.0, 1.0, ORIGIN_ASSUMPTION,
        "assumption: no source says whether Xiaomi absorbs the extra tax; default 0 (buyer pays it)",
        "Share of the buyer's extra 2026 purchase tax that Xiaomi pays (reduces its revenue).",
        sample_range=(0.0, 1.0),
    ),
    Parameter(
        "price_change_pct", "%", 0.0, -50.0, 50.0, ORIGIN_ASSUMPTION,
        "assumption: scenario input (price competition); no source gives a 2026 price",
        "Change of the net (ex-VAT) price in 2026.",
        sample_range=(-15.0, 5.0),
    ),
    Parameter(
        "unit_cost_change_pct", "%", 0.0, -50.0, 50.0, ORIGIN_ASSUMPTION,
        "assumption: scenario input; no source gives 2026 costs",
        "Change of the calibrated unit cost in 2026.",
        sample_range=(-10.0, 10.0),
    ),
    Parameter(
        "elasticity", "1", -1.0, -5.0, 0.0, ORIGIN_ASSUMPTION,
        "assumption with no source: -1.0 (unit elastic) as a placeholder; 0 = volume does not react",
        "Price elasticity of demand with respect to the buyer's all-in price.",
        sample_range=(-2.0, 0.0),
    ),
    Parameter(
        "gross_margin_2025", "%", 25.5, -100.0, 99.0, ORIGIN_SOURCE,
        "seed 004: \"a gross margin of 25.5%\" (EV business, Q3 2025; fact s004-q3-2025-ev-gross-margin)",
        "Reported gross margin used to calibrate the unit cost: unit_cost = net price x (1 - margin).",
        fact="s004-q3-2025-ev-gross-margin",
    ),
)

PARAMETER_NAMES: tuple[str, ...] = tuple(p.name for p in PARAMETERS)
_BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}


@dataclass(frozen=True)
class Output:
    """A model output: name, unit and meaning."""

    name: str
    unit: str
    description: str


OUTPUTS: tuple[Output, ...] = (
    Output("net_price_2025", "CNY/vehicle", "net (ex-VAT) price at 2025 prices"),
    Output("purchase_tax_2025", "CNY/vehicle", "buyer's purchase tax under the 2025 rule"),
    Output("buyer_price_2025", "CNY/vehicle", "buyer's all-in price in 2025: net + VAT + purchase tax"),
    Output("unit_cost_2025", "CNY/vehicle", "unit cost calibrated from gross_margin_2025"),
    Output("gross_profit_per_vehicle_2025", "CNY/vehicle", "net price - unit cost, 2025"),
    Output("gross_margin_pct_2025", "%", "gross margin of the 2025 base (reproduces gross_margin_2025)"),
    Output("revenue_2025", "CNY", "deliveries x net price, 2025 base (model figure)"),
    Output("gross_profit_2025", "CNY", "deliveries x gross profit per vehicle, 2025 base"),
    Output("net_price_2026", "CNY/vehicle", "net (ex-VAT) price after price_change_pct"),
    Output("purchase_tax_2026", "CNY/vehicle", "buyer's purchase tax under the 2026 rule"),
    Output("extra_tax_2026", "CNY/vehicle", "2026 tax minus the 2025-rule tax at the same price (>= 0)"),
    Output("absorbed_per_vehicle_2026", "CNY/vehicle", "absorbed_share x extra_tax_2026, paid by Xiaomi"),
    Output("buyer_price_2026", "CNY/vehicle", "net + VAT + purchase tax - absorbed amount, 2026"),
    Output("revenue_per_vehicle_2026", "CNY/vehicle", "net price - absorbed amount, 2026"),
    Output("unit_cost_2026", "CNY/vehicle", "unit cost after unit_cost_change_pct"),
    Output("gross_profit_per_vehicle_2026", "CNY/vehicle", "revenue per vehicle - unit cost, 2026"),
    Output("gross_margin_pct_2026", "%", "gross profit / revenue, 2026"),
    Output("margin_change_pp", "pp", "gross_margin_pct_2026 - gross_margin_pct_2025"),
    Output("deliveries_2026", "vehicles/year", "deliveries after the demand response"),
    Output("revenue_2026", "CNY", "deliveries_2026 x revenue per vehicle"),
    Output("gross_profit_2026", "CNY", "deliveries_2026 x gross profit per vehicle"),
)
OUTPUT_NAMES: tuple[str, ...] = tuple(o.name for o in OUTPUTS)


# --------------------------------------------------------------------------
# Declarations and validation
# --------------------------------------------------------------------------


def get_parameter(name: str) -> Parameter:
    """The declaration of ``name``; :class:`ScenarioError` for an unknown name."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise ScenarioError(
            f"unknown parameter {name!r}; known parameters: {', '.join(PARAMETER_NAMES)}"
        ) from None


def defaults() -> dict[str, float | bool]:
    """Every parameter's default value."""
    return {p.name: p.default for p in PARAMETERS}


def parameters_frame() -> pd.DataFrame:
    """The declarations as a table (one row per parameter) for notebooks and the CLI."""
    rows = []
    for p in PARAMETERS:
        rows.append({
            "name": p.name, "unit": p.unit, "default": p.default, "low": p.low, "high": p.high,
            "sample_low": None if p.sample_range is None else p.sample_range[0],
            "sample_high": None if p.sample_range is None else p.sample_range[1],
            "origin": p.origin, "source": p.source, "description": p.description, "fact": p.fact,
        })
    return pd.DataFrame(rows)


#: Notebook-only parameters of ``04_ev_scenarios`` (not model inputs).
TARGET_MARGIN_DEFAULT = 20.0


def notebook_params() -> tuple[Any, ...]:
    """The parameters of ``notebooks/04_ev_scenarios.ipynb``, built from :data:`PARAMETERS`.

    One :class:`casestudy.parameters.Param` per model input (same name, unit,
    default and allowed range; ``source`` is the origin and source text, which
    names the fact id where a seed gives the default; ``help`` the description).
    A cap (allowed up to infinity) is ``float | None`` with ``None`` meaning no
    cap, because a parameters cell cannot hold ``inf``; ``casestudy sweep
    --render`` passes ``float('inf')``, which the notebook reads as None.  Two
    notebook-only parameters follow: ``target_margin_pct`` (the margin the
    break-even questions ask about) and ``scenario_row`` (set by ``casestudy
    sweep --render``).
    """
    from .parameters import Param  # here, not at the top: parameters imports this module lazily

    out = []
    for p in PARAMETERS:
        source = (p.source if p.source.startswith((ORIGIN_ASSUMPTION, "not in the sources"))
                  else f"{p.origin}: {p.source}")
        if p.kind == "bool":
            out.append(Param(p.name, bool, bool(p.default), p.description, source=source))
        elif math.isinf(p.high):
            default = None if math.isinf(float(p.default)) else float(p.default)
            out.append(Param(p.name, float, default, p.description.replace("inf = no cap",
                                                                          "None = no cap"),
                             unit=p.unit, source=source, minimum=p.low, nullable=True))
        else:
            out.append(Param(p.name, float, float(p.default), p.description, unit=p.unit,
                             source=source, minimum=p.low, maximum=p.high))
    out.append(Param("target_margin_pct", float, TARGET_MARGIN_DEFAULT,
                     "Gross margin the break-even questions ask about (at what input does the 2026 "
                     "margin fall to it?).", unit="%", minimum=-100.0, maximum=99.0,
                     source="editorial choice: a round threshold below the reported 2025 margin"))
    out.append(Param("scenario_row", int, None, "Row of a `casestudy sweep` table this run renders "
                     "(set by `casestudy sweep --render`).", nullable=True, minimum=0,
                     source="None = not part of a sweep"))
    return tuple(out)


def outputs_frame() -> pd.DataFrame:
    """The outputs as a table: name, unit, description."""
    return pd.DataFrame([{"name": o.name, "unit": o.unit, "description": o.description} for o in OUTPUTS])


def _where(arr: np.ndarray) -> str:
    return "" if arr.ndim == 0 else f" (in an array of {arr.size} values)"


def validate(name: str, value: Any) -> np.ndarray:
    """Check one parameter value (scalar or array) and return it as a numpy array.

    Raises :class:`ScenarioError` naming the parameter, the value given and
    what is allowed.
    """
    p = get_parameter(name)
    if p.kind == "bool":
        if isinstance(value, (bool, np.bool_)):
            return np.asarray(value, dtype=bool)
        arr = np.asarray(value) if isinstance(value, (list, tuple, np.ndarray, pd.Series)) else None
        if arr is not None and arr.dtype == bool:
            return arr
        raise ScenarioError(
            f"parameter {name!r}: got {value!r} ({type(value).__name__}); expected True or False "
            f"({p.description})"
        )
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        raise ScenarioError(
            f"parameter {name!r}: got {value!r} ({type(value).__name__}); expected a number in "
            f"{p.unit}, allowed range {p.allowed()}"
        )
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):  # ragged sequences and the like
        raise ScenarioError(f"parameter {name!r}: got {value!r}; expected a number or an array of numbers") from None
    if arr.dtype.kind not in "iuf":
        raise ScenarioError(
            f"parameter {name!r}: got {value!r} (dtype {arr.dtype}); expected a number in {p.unit}, "
            f"allowed range {p.allowed()}"
        )
    arr = arr.astype(np.float64, copy=False)
    bad = np.isnan(arr) | (arr < p.low) | (arr > p.high)
    if bad.any():
        first = arr[bad].flat[0] if arr.ndim else float(arr)
        raise ScenarioError(
            f"parameter {name!r}: got {first!r}{_where(arr)}; allowed range is {p.allowed()} "
            f"({p.unit}; {p.description})"
        )
    return arr


def resolve(params: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, np.ndarray]:
    """Merge ``params``/``kwargs`` over the defaults, validate, and broadcast to one shape."""
    given: dict[str, Any] = dict(params or {})
    given.update(kwargs)
    for k in given:
        get_parameter(k)
    arrays = {p.name: validate(p.name, given.get(p.name, p.default)) for p in PARAMETERS}
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k}{a.shape}" for k, a in arrays.items() if a.ndim)
        raise ScenarioError(f"parameter arrays do not broadcast together: {shapes}") from None
    return {k: np.broadcast_to(a, shape) for k, a in arrays.items()}


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------


def _tax_due(net: np.ndarray, rate: np.ndarray, share: np.ndarray, cap: np.ndarray) -> np.ndarray:
    full = rate * net
    return full - np.minimum(share * full, cap)


def _model(a: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    v = a["vat_rate"] / 100.0
    t = a["purchase_tax_rate"] / 100.0
    m = a["gross_margin_2025"] / 100.0
    net0 = np.where(a["price_includes_vat"], a["price"] / (1.0 + v), a["price"])
    cost0 = net0 * (1.0 - m)
    tax0 = _tax_due(net0, t, a["exemption_2025"], a["cap_2025"])
    buyer0 = net0 * (1.0 + v) + tax0
    gp0 = net0 - cost0

    net1 = net0 * (1.0 + a["price_change_pct"] / 100.0)
    tax1 = _tax_due(net1, t, a["exemption_2026"], a["cap_2026"])
    extra = np.maximum(tax1 - _tax_due(net1, t, a["exemption_2025"], a["cap_2025"]), 0.0)
    absorbed = a["absorbed_share"] * extra
    buyer1 = net1 * (1.0 + v) + tax1 - absorbed
    rev1 = net1 - absorbed
    cost1 = cost0 * (1.0 + a["unit_cost_change_pct"] / 100.0)
    gp1 = rev1 - cost1
    with np.errstate(divide="ignore", invalid="ignore"):
        margin0 = gp0 / net0 * 100.0
        margin1 = gp1 / rev1 * 100.0
        deliveries1 = a["deliveries"] * np.power(buyer1 / buyer0, a["elasticity"])
    return {
        "net_price_2025": net0,
        "purchase_tax_2025": tax0,
        "buyer_price_2025": buyer0,
        "unit_cost_2025": cost0,
        "gross_profit_per_vehicle_2025": gp0,
        "gross_margin_pct_2025": margin0,
        "revenue_2025": a["deliveries"] * net0,
        "gross_profit_2025": a["deliveries"] * gp0,
        "net_price_2026": net1,
        "purchase_tax_2026": tax1,
        "extra_tax_2026": extra,
        "absorbed_per_vehicle_2026": absorbed,
        "buyer_price_2026": buyer1,
        "revenue_per_vehicle_2026": rev1,
        "unit_cost_2026": cost1,
        "gross_profit_per_vehicle_2026": gp1,
        "gross_margin_pct_2026": margin1,
        "margin_change_pp": margin1 - margin0,
        "deliveries_2026": deliveries1,
        "revenue_2026": deliveries1 * rev1,
        "gross_profit_2026": deliveries1 * gp1,
    }


def evaluate(params: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    """Evaluate the model; returns ``{output name: value}`` for every name in :data:`OUTPUT_NAMES`.

    Parameters not given take their defaults. Inputs may be scalars or numpy
    arrays that broadcast together; the outputs then have the broadcast
    shape. With scalars only, every output is a plain ``float``.
    """
    arrays = resolve(params, **kwargs)
    out = _model(arrays)
    shape = next(iter(arrays.values())).shape
    if shape == ():
        return {k: float(v) for k, v in out.items()}
    return {k: np.broadcast_to(v, shape) for k, v in out.items()}


def evaluate_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Evaluate one scenario per row of ``frame`` (columns = parameter names; others default).

    Returns every parameter as a column (given or default) followed by the outputs.
    """
    unknown = [c for c in frame.columns if c not in _BY_NAME]
    if unknown:
        raise ScenarioError(
            f"unknown parameter column(s) {', '.join(map(repr, unknown))}; known parameters: "
            f"{', '.join(PARAMETER_NAMES)}"
        )
    n = len(frame)
    given = {c: frame[c].to_numpy() for c in frame.columns}
    arrays = resolve(given) if n else None
    data: dict[str, Any] = {}
    for p in PARAMETERS:
        if p.name in given:
            data[p.name] = given[p.name]
        else:
            data[p.name] = np.full(n, p.default, dtype=bool if p.kind == "bool" else float)
    if arrays is not None:
        if next(iter(arrays.values())).shape != (n,):
            raise ScenarioError("evaluate_frame: every column must hold one value per row")
        data.update({k: np.asarray(v) for k, v in _model(arrays).items()})
    else:
        data.update({k: np.empty(0) for k in OUTPUT_NAMES})
    return pd.DataFrame(data, index=frame.index)


def _check_output(output: str) -> None:
    if output not in OUTPUT_NAMES:
        raise ScenarioError(f"unknown output {output!r}; known outputs: {', '.join(OUTPUT_NAMES)}")


# --------------------------------------------------------------------------
# Sensitivity, grids, break-even
# --------------------------------------------------------------------------


def tornado(output: str = "gross_margin_pct_2026", ranges: Mapping[str, tuple[Any, Any]] | None = None,
            base: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """One-at-a-time sensitivity: each parameter at its low and high value, the others at base.

    ``ranges`` maps parameter names to ``(low, high)``; by default every
    parameter with a ``sample_range``. ``base`` overrides defaults (scalars).
    Returns one row per parameter with ``low, high, output_base, output_low,
    output_high, delta_low, delta_high, swing`` (``|output_high -
    output_low|``), sorted by swing, largest first.
    """
    _check_output(output)
    base = dict(base or {})
    base_val = evaluate(base)[output]
    if not isinstance(base_val, float):
        raise ScenarioError("tornado: base values must be scalars, not arrays")
    if ranges is None:
        ranges = {p.name: p.sample_range for p in PARAMETERS if p.sample_range is not None}
    rows = []
    for name, pair in ranges.items():
        p = get_parameter(name)
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ScenarioError(f"tornado: range for {name!r} is {pair!r}; expected a (low, high) pair")
        lo, hi = pair
        lo_val = evaluate({**base, name: lo})[output]
        hi_val = evaluate({**base, name: hi})[output]
        rows.append({
            "parameter": name, "unit": p.unit, "low": lo, "high": hi, "output_base": base_val,
            "output_low": lo_val, "output_high": hi_val,
            "delta_low": lo_val - base_val, "delta_high": hi_val - base_val,
            "swing": abs(hi_val - lo_val),
        })
    df = pd.DataFrame(rows, columns=["parameter", "unit", "low", "high", "output_base", "output_low",
                                     "output_high", "delta_low", "delta_high", "swing"])
    return df.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def grid_2d(x: str, x_values: Sequence[Any], y: str, y_values: Sequence[Any],
            output: str = "gross_margin_pct_2026", base: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Evaluate ``output`` over a 2-D grid of two parameters (for a heatmap).

    Returns a DataFrame with ``y`` values as the index and ``x`` values as
    the columns (``df.index.name == y``, ``df.columns.name == x``).
    """
    _check_output(output)
    if x == y:
        raise ScenarioError(f"grid_2d: x and y are both {x!r}; expected two different parameters")
    get_parameter(x)
    get_parameter(y)
    base = dict(base or {})
    for k in (x, y):
        if k in base:
            raise ScenarioError(f"grid_2d: {k!r} is a grid axis and cannot also be in base")
    xs = validate(x, list(x_values))
    ys = validate(y, list(y_values))
    if xs.ndim != 1 or ys.ndim != 1 or xs.size == 0 or ys.size == 0:
        raise ScenarioError("grid_2d: x_values and y_values must be non-empty flat lists")
    res = evaluate({**base, x: xs[np.newaxis, :], y: ys[:, np.newaxis]})[output]
    return pd.DataFrame(np.asarray(res), index=pd.Index(ys, name=y), columns=pd.Index(xs, name=x))


@dataclass(frozen=True)
class BreakEven:
    """Result of a break-even search: ``value`` is NaN when there is none in the range."""

    parameter: str
    output: str
    target: float
    value: float
    search_range: tuple[float, float]
    explanation: str

    @property
    def found(self) -> bool:
        return not math.isnan(self.value)


def break_even(parameter: str, output: str = "gross_margin_pct_2026", target: float = 20.0,
               base: Mapping[str, Any] | None = None, *, search_range: tuple[float, float] | None = None,
               points: int = 1001, tol: float = 1e-10) -> BreakEven:
    """The value of ``parameter`` at which ``output`` first crosses ``target``.

    Scans ``search_range`` (default: the parameter's allowed range, or its
    sample range where the allowed range is unbounded) from low to high on
    ``points`` points, then bisects the first crossing to ``tol``. If the
    output stays on one side of the target, ``value`` is NaN and the
    explanation says where the output lies over the range.
    """
    _check_output(output)
    p = get_parameter(parameter)
    if p.kind == "bool":
        raise ScenarioError(f"break_even: parameter {parameter!r} is a bool; expected a numeric parameter")
    base = dict(base or {})
    if parameter in base:
        raise ScenarioError(f"break_even: {parameter!r} is the unknown being solved and cannot be in base")
    evaluate(base)  # validate the base
    if search_range is None:
        lo, hi = p.low, p.high
        if math.isinf(hi):
            if p.sample_range is None:
                raise ScenarioError(
                    f"break_even: parameter {parameter!r} has no upper limit; give search_range=(low, high)"
                )
            lo, hi = p.sample_range
    else:
        lo, hi = (float(search_range[0]), float(search_range[1]))
        validate(parameter, [lo, hi])
    if not lo < hi:
        raise ScenarioError(f"break_even: search range {lo!r} to {hi!r} for {parameter!r} is empty")
    tgt = float(target)
    xs = np.linspace(lo, hi, int(points))
    ys = np.asarray(evaluate({**base, parameter: xs})[output]) - tgt
    hits = np.flatnonzero(ys == 0)
    signs = np.sign(ys)
    cross = np.flatnonzero(signs[:-1] * signs[1:] < 0)
    text_rng = f"{lo:g} to {hi:g}"
    if hits.size and (not cross.size or hits[0] <= cross[0]):
        x = float(xs[hits[0]])
    elif cross.size:
        a, b = float(xs[cross[0]]), float(xs[cross[0] + 1])
        fa = float(ys[cross[0]])
        for _ in range(200):
            mid = 0.5 * (a + b)
            fm = float(evaluate({**base, parameter: mid})[output]) - tgt
            if fm == 0 or (b - a) <= tol:
                a = b = mid
                break
            if (fm < 0) == (fa < 0):
                a, fa = mid, fm
            else:
                b = mid
        x = 0.5 * (a + b)
    else:
        finite = ys[np.isfinite(ys)]
        side = "above" if finite.size and finite.min() > 0 else "below"
        y_lo, y_hi = ys[0] + tgt, ys[-1] + tgt
        ext = (finite.min() if side == "above" else finite.max()) + tgt if finite.size else float("nan")
        return BreakEven(
            parameter, output, tgt, float("nan"), (lo, hi),
            f"No break-even: {output} stays {side} {tgt:g} over the whole range of {parameter} "
            f"({text_rng}): {y_lo:.6g} at {lo:g}, {y_hi:.6g} at {hi:g} "
            f"({'lowest' if side == 'above' else 'highest'} {ext:.6g}).",
        )
    before = "above" if ys[0] > 0 else "below"
    after = "below" if before == "above" else "above"
    return BreakEven(
        parameter, output, tgt, x, (lo, hi),
        f"{output} goes from {before} to {after} {tgt:g} at {parameter} = {x:.6g} "
        f"(searched {text_rng}; others at base).",
    )


def break_even_absorbed_share(target_margin_pct: float = 20.0,
                              base: Mapping[str, Any] | None = None) -> BreakEven:
    """The absorbed share of the extra tax at which the 2026 gross margin falls to ``target_margin_pct``."""
    return break_even("absorbed_share", "gross_margin_pct_2026", target_margin_pct, base)


def overrides_from_facts(facts: pd.DataFrame, fact_ids: Mapping[str, str]) -> tuple[dict[str, float], dict[str, str]]:
    """Parameter values taken from the facts table.

    ``fact_ids`` maps parameter names to fact ids, e.g. ``{"deliveries":
    "<id of the 350,000 target>", "price": "<id of the net price>"}``.
    Returns ``(values, sources)``: values to pass to :func:`evaluate` and the
    fact id behind each. Raises :class:`ScenarioError` for a missing fact or a
    value outside the parameter's range.
    """
    if "fact_id" not in facts.columns or "value" not in facts.columns:
        raise ScenarioError("overrides_from_facts: expected a facts table with fact_id and value columns")
    values: dict[str, float] = {}
    sources: dict[str, str] = {}
    for name, fid in fact_ids.items():
        get_parameter(name)
        rows = facts.loc[facts["fact_id"] == fid]
        if rows.empty:
            raise ScenarioError(f"parameter {name!r}: fact {fid!r} is not in the facts table")
        val = float(rows.iloc[0]["value"])
        validate(name, val)
        values[name] = val
        sources[name] = str(fid)
    return values, sources
