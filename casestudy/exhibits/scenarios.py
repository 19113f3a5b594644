"""Exhibits of ``04_ev_scenarios``: the car business in 2026 under the halved purchase-tax
exemption and price competition, computed with :mod:`casestudy.scenarios`.

* 4.0 every model input: this run's value, its default, and for the inputs a seed gives
  (deliveries, price, the 2026 exemption and cap, the 2025 gross margin) the fact the
  default is taken from, checked against ``corpus.facts()``;
* 4.1 the 2025 base reproduced from the facts (it must give the reported gross margin:
  :func:`base_2025` raises :class:`~casestudy.scenarios.ScenarioError` otherwise);
* 4.2 the 2026 scenario under the run's parameters; 4.3 a tornado chart of
  sensitivities; 4.4 a heatmap over the two most important inputs with the reported
  margin as a contour; 4.5 break-even answers.

No figure of the case lives here: defaults come from the declarations in
:mod:`casestudy.scenarios` (each source-backed one names its fact), values from the facts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

from .. import scenarios as sc
from ..report import Note, cite
from ._evidence import FactBook, FactExhibit

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..corpus import Corpus
    from ..parameters import RunParameters

__all__ = ["NOTEBOOK", "CAPS", "run_parameters", "model_inputs", "parameter_table", "base_2025",
           "scenario_2026", "tornado_table", "tornado_figure", "heatmap_figure", "break_evens",
           "decision_note", "all_exhibits"]

NOTEBOOK = "04_ev_scenarios"
#: Inputs allowed up to infinity (the exemption caps): None in the notebook means no cap.
CAPS: tuple[str, ...] = tuple(p.name for p in sc.PARAMETERS if math.isinf(p.high))
_MARGIN = "gross_margin_pct_2026"
_MARGIN_FACT = next(p.fact for p in sc.PARAMETERS if p.name == "gross_margin_2025")


def run_parameters(namespace: Mapping[str, Any]) -> "RunParameters":
    """Validate the notebook's parameters (call with ``globals()``).

    ``casestudy sweep --render`` passes a cap of ``float('inf')`` (no cap); the
    parameters cell spells that None, so an infinite cap is read as None first.
    """
    from ..parameters import validate

    ns = dict(namespace)
    for name in CAPS:
        v = ns.get(name)
        if isinstance(v, float) and math.isinf(v) and v > 0:
            ns[name] = None
    return validate(NOTEBOOK, ns)


def model_inputs(params: Mapping[str, Any]) -> dict[str, Any]:
    """The run's values of the model inputs (a cap of None becomes ``inf``)."""
    out: dict[str, Any] = {}
    for p in sc.PARAMETERS:
        v = params.get(p.name, p.default)
        out[p.name] = math.inf if (p.name in CAPS and v is None) else v
    return out


def _fmt(v: float, unit: str) -> str:
    """A model value for a table, in its unit."""
    if unit == "%":
        return f"{v:.2f}%"
    if unit == "pp":
        return f"{v:+.2f} pp"
    if unit == "CNY":
        return f"{v / 1e9:,.2f} bn CNY"
    if unit == "CNY/vehicle":
        return "no cap" if math.isinf(v) else f"{v:,.0f} CNY per vehicle"
    if unit == "vehicles/year":
        return f"{v:,.0f} vehicles"
    if unit == "share":
        return f"{v:g}"
    if unit == "bool":
        return str(bool(v))
    if unit == "1":
        return f"{v:g}"
    return f"{v:g} {unit}".strip()


def _fmt_answer(v: float, unit: str) -> str:
    """A break-even value, with more digits than a table value."""
    if unit in ("%", "pp"):
        return f"{v:+.3f}%"
    if unit == "share":
        return f"{v:.4f}"
    return _fmt(v, unit)


def _param_value(p: sc.Parameter, v: Any) -> str:
    if v is None:
        return "None (no cap)"
    return _fmt(float(v), p.unit) if p.kind != "bool" else str(bool(v))


def _facts_at_value(b: FactBook, inputs: Mapping[str, Any], names: list[str] | None = None) -> list[str]:
    """Fact ids of the source-backed inputs whose run value is the fact's value."""
    out = []
    for p in sc.PARAMETERS:
        if p.fact and (names is None or p.name in names) and p.fact in b:
            if float(inputs[p.name]) == b.value(p.fact):
                out.append(p.fact)
    return out


# --------------------------------------------------------------------------
# 4.0 The inputs
# --------------------------------------------------------------------------


def parameter_table(params: Mapping[str, Any], corpus: "Corpus") -> FactExhibit:
    """Exhibit 4.0: every model input, its origin, and the fact behind a source-backed default."""
    b = FactBook(corpus)
    rows, facts, mismatch = [], [], []
    for p in sc.PARAMETERS:
        v = params.get(p.name, p.default)
        default = None if (p.name in CAPS and math.isinf(float(p.default))) else p.default
        fact_value, same = "—", "—"
        if p.fact:
            facts.append(p.fact)
            fv = b.value(p.fact)
            fact_value = f"{fv:g} {b.row(p.fact)['unit']}"
            same = "yes" if float(p.default) == fv else "NO"
            if same == "NO":
                mismatch.append(p.name)
        rows.append({"input": p.name, "this run": _param_value(p, v) + ("" if v == default else " (changed)"),
                     "default": _param_value(p, default), "origin": p.origin,
                     "fact": p.fact or "—", "fact's value": fact_value, "default = fact": same,
                     "source": p.source})
    table = pd.DataFrame(rows, columns=["input", "this run", "default", "origin", "fact", "fact's value",
                                        "default = fact", "source"])
    note = ("'source' = a seed gives the default (the fact column names it and the check compares it "
            "with corpus.facts()); 'assumption' = a modelling choice no source supports; 'outside the "
            "sources' = a statutory value the seeds do not mention.")
    if mismatch:
        note += f" WARNING: the default of {', '.join(mismatch)} differs from its fact."
    return FactExhibit("4.0", "The model's inputs: where each default comes from", table,
                       cite(b.seeds(facts), corpus), note=note, facts=tuple(facts),
                       values={"mismatches": mismatch})


# --------------------------------------------------------------------------
# 4.1 The 2025 base, from the facts
# --------------------------------------------------------------------------


def base_2025(params: Mapping[str, Any], corpus: "Corpus") -> FactExhibit:
    """Exhibit 4.1: the 2025 base with the price, margin and volume taken from the facts.

    Raises :class:`~casestudy.scenarios.ScenarioError` if the model does not reproduce the
    reported gross margin.
    """
    b = FactBook(corpus)
    by_name = {p.name: p for p in sc.PARAMETERS}
    from_facts = {n: by_name[n].fact for n in ("deliveries", "price", "gross_margin_2025")}
    values, sources = sc.overrides_from_facts(b.table, from_facts)
    inputs = {**model_inputs(params), **values}
    r = sc.evaluate(inputs)
    reported = b.value(_MARGIN_FACT)
    if not math.isclose(r["gross_margin_pct_2025"], reported, rel_tol=0, abs_tol=1e-9):
        raise sc.ScenarioError(f"the 2025 base gives a gross margin of {r['gross_margin_pct_2025']!r}%, "
                               f"not the reported {reported!r}% (fact {_MARGIN_FACT})")
    price, m, n = values["price"], values["gross_margin_2025"], values["deliveries"]
    net, cost, gp = r["net_price_2025"], r["unit_cost_2025"], r["gross_profit_per_vehicle_2025"]
    vat, incl = inputs["vat_rate"], bool(inputs["price_includes_vat"])
    rows = [
        ("Average net price per vehicle", _fmt(price, "CNY/vehicle"), "fact (approximate: 'around')",
         "—", sources["price"]),
        ("Net (ex-VAT) price used", _fmt(net, "CNY/vehicle"),
         "assumption price_includes_vat = " + str(incl),
         f"{price:,.0f} / (1 + {vat:g}/100)" if incl else "the price, read as excluding VAT", ""),
        ("Reported gross margin, EV business", f"{m:g}%", "fact", "—", sources["gross_margin_2025"]),
        ("Unit cost (calibrated)", _fmt(cost, "CNY/vehicle"), "derived",
         f"{net:,.0f} x (1 - {m:g}/100)", sources["price"] + ", " + sources["gross_margin_2025"]),
        ("Gross profit per vehicle", _fmt(gp, "CNY/vehicle"), "derived", f"{net:,.0f} - {cost:,.0f}",
         sources["price"] + ", " + sources["gross_margin_2025"]),
        ("Gross margin of the model", f"{r['gross_margin_pct_2025']:.2f}%",
         f"derived: equals the reported {reported:g}%: yes", f"{gp:,.0f} / {net:,.0f} x 100",
         sources["price"] + ", " + sources["gross_margin_2025"]),
        ("Buyer's purchase tax, 2025 rule", _fmt(r["purchase_tax_2025"], "CNY/vehicle"),
         "derived: full exemption", f"{inputs['purchase_tax_rate']:g}/100 x {net:,.0f} - "
         f"min({inputs['exemption_2025']:g} x full tax, cap)", ""),
        ("Buyer's all-in price, 2025", _fmt(r["buyer_price_2025"], "CNY/vehicle"),
         "derived (VAT is outside the sources)",
         f"{net:,.0f} x (1 + {vat:g}/100) + {r['purchase_tax_2025']:,.0f}", sources["price"]),
        ("Deliveries (the year's target, used as the base volume)", _fmt(n, "vehicles/year"),
         "fact (a target; its use as the base volume is an assumption)", "—", sources["deliveries"]),
        ("Revenue at that volume (model figure)", _fmt(r["revenue_2025"], "CNY"), "derived",
         f"{n:,.0f} x {net:,.0f}", sources["deliveries"] + ", " + sources["price"]),
        ("Gross profit at that volume (model figure)", _fmt(r["gross_profit_2025"], "CNY"), "derived",
         f"{n:,.0f} x {gp:,.0f}", sources["deliveries"] + ", " + sources["price"] + ", "
         + sources["gross_margin_2025"]),
    ]
    table = pd.DataFrame(rows, columns=["item", "value", "basis", "formula", "facts"])
    facts = list(dict.fromkeys(sources.values()))
    note = ("The unit cost is calibrated so that the base reproduces the reported margin exactly; the "
            "check is made every time this exhibit is built. The reported margin and price are for "
            "the third quarter and are used for the whole year. Price, margin and volume come from "
            "the facts here even if this run changes them; the 2026 scenario uses this run's values.")
    return FactExhibit("4.1", "The 2025 base, reproduced from the facts", table,
                       cite(b.seeds(facts), corpus), note=note, facts=tuple(facts),
                       values={"reported_margin": reported, **{k: r[k] for k in r}})


# --------------------------------------------------------------------------
# 4.2 The 2026 scenario
# --------------------------------------------------------------------------

_PAIRS = (
    ("Net (ex-VAT) price per vehicle", "net_price_2025", "net_price_2026", "CNY/vehicle"),
    ("Buyer's purchase tax per vehicle", "purchase_tax_2025", "purchase_tax_2026", "CNY/vehicle"),
    ("Extra tax against the 2025 rule", None, "extra_tax_2026", "CNY/vehicle"),
    ("... of which Xiaomi pays (absorbed)", None, "absorbed_per_vehicle_2026", "CNY/vehicle"),
    ("Buyer's all-in price", "buyer_price_2025", "buyer_price_2026", "CNY/vehicle"),
    ("Xiaomi's revenue per vehicle", "net_price_2025", "revenue_per_vehicle_2026", "CNY/vehicle"),
    ("Unit cost", "unit_cost_2025", "unit_cost_2026", "CNY/vehicle"),
    ("Gross profit per vehicle", "gross_profit_per_vehicle_2025", "gross_profit_per_vehicle_2026",
     "CNY/vehicle"),
    ("Gross margin", "gross_margin_pct_2025", "gross_margin_pct_2026", "%"),
    ("Deliveries", "deliveries", "deliveries_2026", "vehicles/year"),
    ("Revenue", "revenue_2025", "revenue_2026", "CNY"),
    ("Gross profit", "gross_profit_2025", "gross_profit_2026", "CNY"),
)


def scenario_2026(params: Mapping[str, Any], corpus: "Corpus") -> FactExhibit:
    """Exhibit 4.2: 2025 base and 2026 scenario side by side, under this run's inputs."""
    b = FactBook(corpus)
    inputs = model_inputs(params)
    r = sc.evaluate(inputs)
    r = {**r, "deliveries": float(inputs["deliveries"])}
    desc = {o.name: o.description for o in sc.OUTPUTS}
    rows = []
    for item, k25, k26, unit in _PAIRS:
        v26 = r[k26]
        v25 = r[k25] if k25 else math.nan
        if unit == "%":
            change = _fmt(r["margin_change_pp"], "pp")
        elif k25:
            change = (f"{(v26 / v25 - 1) * 100:+.1f}%" if v25 else "—")
        else:
            change = "—"
        rows.append({"item": item, "2025 base": _fmt(v25, unit) if k25 else "—",
                     "2026 scenario": _fmt(v26, unit), "change": change, "how (2026)": desc[k26]})
    table = pd.DataFrame(rows, columns=["item", "2025 base", "2026 scenario", "change", "how (2026)"])
    facts = _facts_at_value(b, inputs)
    changed = [p.name for p in sc.PARAMETERS if inputs[p.name] != model_inputs({})[p.name]]
    note = ("Under this run's inputs" + (f" (changed: {', '.join(changed)})" if changed else
                                        " (all at their defaults)") +
            ". The 2026 rule halves the exemption and caps it; whatever Xiaomi does not absorb, the "
            "buyer pays, and demand reacts to the buyer's all-in price with the assumed elasticity. "
            "Every input is listed in Exhibit 4.0.")
    return FactExhibit("4.2", "The car business in 2026 under the halved exemption: this run's scenario",
                       table, cite(b.seeds(facts) or [b.seed(_MARGIN_FACT)], corpus,
                                   "Inputs not in the sources are assumptions (Exhibit 4.0)."),
                       note=note, facts=tuple(facts), values=dict(r))


# --------------------------------------------------------------------------
# 4.3 Sensitivities
# --------------------------------------------------------------------------


def _tornado(params: Mapping[str, Any], output: str = _MARGIN) -> pd.DataFrame:
    return sc.tornado(output, base=model_inputs(params))


def tornado_table(params: Mapping[str, Any], corpus: "Corpus") -> FactExhibit:
    """Exhibit 4.3a: each input at the low and high end of its declared range, the others at this run."""
    b = FactBook(corpus)
    t = _tornado(params)
    gp = _tornado(params, "gross_profit_2026").set_index("parameter")
    by = {p.name: p for p in sc.PARAMETERS}
    rows = [{"input": r.parameter, "range (declared)": f"{_fmt(r.low, r.unit)} to {_fmt(r.high, r.unit)}",
             "margin at low": f"{r.output_low:.2f}%", "margin at high": f"{r.output_high:.2f}%",
             "swing of the margin": f"{r.swing:.2f} pp",
             "swing of gross profit": _fmt(gp.loc[r.parameter, "swing"], "CNY"),
             "origin": by[r.parameter].origin} for r in t.itertuples()]
    table = pd.DataFrame(rows, columns=["input", "range (declared)", "margin at low", "margin at high",
                                        "swing of the margin", "swing of gross profit", "origin"])
    facts = _facts_at_value(b, model_inputs(params))
    return FactExhibit("4.3a", "Sensitivities of the 2026 gross margin, largest first", table,
                       cite(b.seeds(facts) or [b.seed(_MARGIN_FACT)], corpus,
                            "Ranges are the sample ranges declared in casestudy/scenarios.py "
                            "(assumptions)."),
                       note="Volume (deliveries, elasticity) moves gross profit but not the margin: in "
                            "this model the unit cost does not fall with scale.",
                       facts=tuple(facts), values={"tornado": t})


def tornado_figure(params: Mapping[str, Any], corpus: "Corpus") -> "Figure":
    """Exhibit 4.3b: the tornado chart of the 2026 gross margin and gross profit."""
    from matplotlib.figure import Figure

    from ..plotting import COLOURS, exhibit, use_house_style

    use_house_style()
    b = FactBook(corpus)
    fig = Figure(figsize=(9.0, 4.4))
    axes = fig.subplots(1, 2, sharey=True)
    t = _tornado(params)
    order = list(t["parameter"])[::-1]
    for ax, output, scale, xlabel in ((axes[0], _MARGIN, 1.0, "gross margin 2026, %"),
                                      (axes[1], "gross_profit_2026", 1e9, "gross profit 2026, bn CNY")):
        d = _tornado(params, output).set_index("parameter").loc[order]
        base = float(d["output_base"].iloc[0]) / scale
        y = np.arange(len(order))
        lo = d["output_low"].to_numpy() / scale - base
        hi = d["output_high"].to_numpy() / scale - base
        ax.barh(y, lo, left=base, color=COLOURS[3], height=0.6, label="input at the low end")
        ax.barh(y, hi, left=base, color=COLOURS[0], height=0.6, label="input at the high end")
        ax.axvline(base, color="#333333", linewidth=0.8)
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color="#dddddd")
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(np.arange(len(order)))
    axes[0].set_yticklabels(order)
    axes[1].legend(loc="lower right", fontsize=7)
    facts = _facts_at_value(b, model_inputs(params))
    exhibit(fig, "Exhibit 4.3b. What moves the car business's 2026 margin and gross profit",
            cite(b.seeds(facts) or [b.seed(_MARGIN_FACT)], corpus),
            note="Each bar: one input at the low or high end of its declared range, the others at this "
                 "run's values (the vertical line). Ranges are assumptions (Exhibit 4.3a).")
    return fig


def _top_two(params: Mapping[str, Any]) -> tuple[str, str]:
    t = _tornado(params)
    names = [n for n in t["parameter"] if sc.get_parameter(n).kind != "bool"]
    return names[0], names[1]


def heatmap_figure(params: Mapping[str, Any], corpus: "Corpus", points: int = 41) -> "Figure":
    """Exhibit 4.4: the 2026 margin over the two most important inputs; the reported margin and the
    target margin as contours, this run as a cross."""
    from matplotlib.figure import Figure

    from ..plotting import exhibit, use_house_style

    use_house_style()
    b = FactBook(corpus)
    inputs = model_inputs(params)
    y_name, x_name = _top_two(params)
    px, py = sc.get_parameter(x_name), sc.get_parameter(y_name)
    xs = np.linspace(*px.sample_range, points)  # type: ignore[misc]
    ys = np.linspace(*py.sample_range, points)  # type: ignore[misc]
    base = {k: v for k, v in inputs.items() if k not in (x_name, y_name)}
    grid = sc.grid_2d(x_name, xs, y_name, ys, _MARGIN, base)
    z = grid.to_numpy()
    fig = Figure(figsize=(7.5, 5.0))
    ax = fig.add_subplot()
    im = ax.pcolormesh(xs, ys, z, cmap="cividis", shading="nearest")
    fig.colorbar(im, ax=ax, label="gross margin 2026, %")
    reported = b.value(_MARGIN_FACT)
    target = float(params.get("target_margin_pct", sc.TARGET_MARGIN_DEFAULT))
    lines = []
    for level, style, text in ((reported, "-", f"reported margin ({reported:g}%)"),
                               (target, "--", f"target_margin_pct ({target:g}%)")):
        if np.nanmin(z) < level < np.nanmax(z):
            cs = ax.contour(xs, ys, z, levels=[level], colors="#111111", linestyles=style,
                            linewidths=1.4)
            ax.clabel(cs, fmt={level: text}, fontsize=7, inline=True)
            lines.append(text)
    ax.plot([inputs[x_name]], [inputs[y_name]], marker="x", color="#D55E00", markersize=9, mew=2,
            linestyle="none", label="this run")
    ax.legend(loc="upper left", fontsize=7, frameon=True)
    ax.set_xlabel(f"{x_name} ({px.unit})")
    ax.set_ylabel(f"{y_name} ({py.unit})")
    ax.grid(False)
    missing = [t for t in (f"reported margin ({reported:g}%)", f"target_margin_pct ({target:g}%)")
               if t not in lines]
    facts = _facts_at_value(b, inputs) + [_MARGIN_FACT]
    exhibit(ax, f"Exhibit 4.4. The 2026 margin over {x_name} and {y_name}",
            cite(b.seeds(facts), corpus),
            note="The two inputs with the largest swing in Exhibit 4.3a, over their declared ranges; the "
                 "others at this run's values." + (f" Not reached in this range: {', '.join(missing)}."
                                                   if missing else ""))
    return fig


# --------------------------------------------------------------------------
# 4.5 Break-even answers
# --------------------------------------------------------------------------


def break_evens(params: Mapping[str, Any], corpus: "Corpus") -> FactExhibit:
    """Exhibit 4.5: at what value of one input does the 2026 margin (or gross profit) reach a target?"""
    b = FactBook(corpus)
    inputs = model_inputs(params)
    target = float(params.get("target_margin_pct", sc.TARGET_MARGIN_DEFAULT))
    r = sc.evaluate(inputs)
    questions = [
        (f"Share of the extra tax Xiaomi can absorb before the margin falls to {target:g}%",
         "absorbed_share", _MARGIN, target),
        (f"Price change at which the margin falls to {target:g}%", "price_change_pct", _MARGIN, target),
        (f"Unit-cost change at which the margin falls to {target:g}%", "unit_cost_change_pct", _MARGIN,
         target),
        ("Price change at which 2026 gross profit falls back to the 2025 base",
         "price_change_pct", "gross_profit_2026", r["gross_profit_2025"]),
    ]
    rows, found = [], {}
    for question, name, output, tgt in questions:
        p = sc.get_parameter(name)
        be = sc.break_even(name, output, tgt, {k: v for k, v in inputs.items() if k != name})
        found[f"{name}->{output}"] = be
        answer = (_fmt_answer(be.value, p.unit) if be.found else
                  f"no break-even within the allowed range ({_fmt(p.low, p.unit)} to {_fmt(p.high, p.unit)})")
        rows.append({"question": question, "input": name, "answer": answer,
                     "this run": _fmt(float(inputs[name]), p.unit), "explanation": be.explanation})
    table = pd.DataFrame(rows, columns=["question", "input", "answer", "this run", "explanation"])
    facts = _facts_at_value(b, inputs)
    return FactExhibit("4.5", "Break-even answers: how far can each lever go?", table,
                       cite(b.seeds(facts) or [b.seed(_MARGIN_FACT)], corpus),
                       note="Each answer moves one input with the others at this run's values. "
                            f"target_margin_pct = {target:g}% is a parameter of this notebook.",
                       facts=tuple(facts), values=found)


def all_exhibits(params: Mapping[str, Any], corpus: "Corpus") -> list[FactExhibit]:
    """Every table exhibit of the notebook (for tests)."""
    return [parameter_table(params, corpus), base_2025(params, corpus), scenario_2026(params, corpus),
            tornado_table(params, corpus), break_evens(params, corpus)]


def decision_note(params: Mapping[str, Any], corpus: "Corpus") -> Note:
    """The numbers the closing section rests on."""
    b = FactBook(corpus)
    inputs = model_inputs(params)
    r = sc.evaluate(inputs)
    full = sc.evaluate({**inputs, "absorbed_share": sc.get_parameter("absorbed_share").high})
    none = sc.evaluate({**inputs, "absorbed_share": sc.get_parameter("absorbed_share").low})
    target = float(params.get("target_margin_pct", sc.TARGET_MARGIN_DEFAULT))
    price_be = sc.break_even("price_change_pct", _MARGIN, target,
                             {k: v for k, v in inputs.items() if k != "price_change_pct"})
    lines = [
        "**The scenario in numbers** (this run):",
        f"- The halved exemption adds {_fmt(r['extra_tax_2026'], 'CNY/vehicle')} of purchase tax for the "
        f"buyer of an average car.",
        f"- Other inputs as in this run: if the buyer pays it all, the margin is {none[_MARGIN]:.2f}% and deliveries are "
        f"{_fmt(none['deliveries_2026'], 'vehicles/year')}; if Xiaomi pays it all, the margin is "
        f"{full[_MARGIN]:.2f}% ({full['margin_change_pp']:+.2f} pp against the reported "
        f"{b.value(_MARGIN_FACT):g}%).",
        f"- This run: margin {r[_MARGIN]:.2f}% ({r['margin_change_pp']:+.2f} pp), gross profit "
        f"{_fmt(r['gross_profit_2026'], 'CNY')} against {_fmt(r['gross_profit_2025'], 'CNY')} in the base.",
        "- Price competition, the other inputs as in this run: " + (
            f"a price change of {price_be.value:+.3f}% takes the margin to {target:g}%."
            if price_be.found else
            f"no price change in the allowed range takes the margin to {target:g}%."),
    ]
    return Note("\n".join(lines))
