"""Exhibits of 04_ev_scenarios on the real corpus, against hand-computed expectations;
the notebook's parameter declaration; the ``casestudy sweep`` command and the error classes.

Hand computations with the defaults (price 260,000 yuan excluding VAT, margin 25.5%, VAT
13%, purchase tax 10%, 2026: half exempted, capped at 15,000): unit cost 193,700; full
tax 26,000, so the buyer pays 13,000 extra in 2026; buyer's price 293,800 -> 306,800.
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import matplotlib
import pytest

import casestudy as cs
from casestudy import scenarios as sc
from casestudy.cli import main
from casestudy.errors import CasestudyError, ParameterError
from casestudy.exhibits import scenarios as ex
from casestudy.exhibits._evidence import FactExhibit
from casestudy.finance import FinanceError
from casestudy.sweep import SweepError

from test_exhibits_financials import _fact_values, _numbers_in

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "04_ev_scenarios.ipynb"


@pytest.fixture(scope="module")
def corpus() -> cs.Corpus:
    return cs.load_corpus()


def params(**values: object) -> cs.parameters.RunParameters:
    return cs.parameters.check_values("04_ev_scenarios", values)


# --- the declaration -----------------------------------------------------------------------


def test_notebook_parameters_mirror_the_model_declarations():
    spec = {p.name: p for p in cs.parameters.spec_for("04_ev_scenarios")}
    assert list(spec) == list(sc.PARAMETER_NAMES) + ["target_margin_pct", "scenario_row"]
    for p in sc.PARAMETERS:
        q = spec[p.name]
        if math.isinf(p.high):  # the caps: None = no cap
            assert q.nullable and q.maximum is None
            assert q.default == (None if math.isinf(p.default) else p.default)
        elif p.kind == "bool":
            assert q.type is bool and q.default is p.default
        else:
            assert q.default == p.default and q.minimum == p.low and q.maximum == p.high
        assert q.help == p.description.replace("inf = no cap", "None = no cap")
        assert p.source in q.source
    # the names tests/test_notebook_runs.py runs the notebook with
    for name in ("absorbed_share", "price_change_pct", "elasticity"):
        assert name in spec


def test_source_backed_defaults_equal_their_facts(corpus):
    facts = corpus.facts().set_index("fact_id")
    backed = {p.name: p for p in sc.PARAMETERS if p.fact}
    assert set(backed) == {"deliveries", "price", "exemption_2026", "cap_2026", "gross_margin_2025"}
    for p in backed.values():
        assert p.origin == sc.ORIGIN_SOURCE
        assert p.fact in p.source, p.name  # the source text names the fact
        assert float(p.default) == float(facts.loc[p.fact, "value"]), p.name
    e = ex.parameter_table(params(), corpus)
    assert e.values["mismatches"] == []
    assert set(e.table.loc[e.table["fact"] != "—", "default = fact"]) == {"yes"}


def test_an_infinite_cap_from_a_sweep_is_read_as_no_cap():
    p = ex.run_parameters({"cap_2025": float("inf"), "cap_2026": float("inf"), "scenario_row": 3})
    assert p["cap_2025"] is None and p["cap_2026"] is None and p["scenario_row"] == 3
    inputs = ex.model_inputs(p)
    assert math.isinf(inputs["cap_2025"]) and math.isinf(inputs["cap_2026"])
    with pytest.raises(ParameterError, match="absorbed_share"):
        ex.run_parameters({"absorbed_share": 2.0})
    with pytest.raises(ParameterError, match="did you mean 'elasticity'"):
        ex.run_parameters({"elasticty": -1.0})


# --- 4.1 the base ------------------------------------------------------------------------------


def test_base_reproduces_the_reported_margin(corpus):
    e = ex.base_2025(params(), corpus)
    assert e.values["reported_margin"] == 25.5
    assert e.values["gross_margin_pct_2025"] == pytest.approx(25.5, abs=1e-9)
    assert e.values["unit_cost_2025"] == pytest.approx(193_700)
    assert e.values["gross_profit_per_vehicle_2025"] == pytest.approx(66_300)
    assert e.values["revenue_2025"] == pytest.approx(350_000 * 260_000)
    assert "equals the reported 25.5%: yes" in e.table.to_string()
    # the base comes from the facts even when the run changes the price and margin
    other = ex.base_2025(params(price=300_000.0, gross_margin_2025=30.0), corpus)
    assert other.values["unit_cost_2025"] == pytest.approx(193_700)


def test_base_raises_if_the_reported_margin_is_not_reproduced(corpus, monkeypatch):
    monkeypatch.setattr(ex, "_MARGIN_FACT", "s004-q3-2025-iot-gross-margin")  # 23.9, not 25.5
    with pytest.raises(sc.ScenarioError, match="not the reported 23.9%"):
        ex.base_2025(params(), corpus)


# --- 4.2 the 2026 scenario ------------------------------------------------------------------


def test_2026_scenario_with_the_defaults(corpus):
    v = ex.scenario_2026(params(), corpus).values
    assert v["extra_tax_2026"] == pytest.approx(13_000)
    assert v["gross_margin_pct_2026"] == pytest.approx(25.5)  # the buyer pays the extra tax
    assert v["deliveries_2026"] == pytest.approx(350_000 * 293_800 / 306_800)  # elasticity -1


def test_2026_scenario_when_xiaomi_absorbs_the_tax(corpus):
    e = ex.scenario_2026(params(absorbed_share=1.0), corpus)
    # revenue per vehicle 260,000 - 13,000 = 247,000; margin 53,300 / 247,000
    assert e.values["gross_margin_pct_2026"] == pytest.approx(53_300 / 247_000 * 100)
    assert "changed: absorbed_share" in e.note


def test_2026_scenario_with_a_price_cut(corpus):
    v = ex.scenario_2026(params(price_change_pct=-5.0, elasticity=-1.5), corpus).values
    # net 247,000; tax 24,700 half-exempt -> 12,350; buyer 247,000 x 1.13 + 12,350 = 291,460
    assert v["extra_tax_2026"] == pytest.approx(12_350)
    assert v["gross_margin_pct_2026"] == pytest.approx((247_000 - 193_700) / 247_000 * 100)
    assert v["deliveries_2026"] == pytest.approx(350_000 * (291_460 / 293_800) ** -1.5)


# --- 4.3-4.5 sensitivities and break-evens -------------------------------------------------


def test_tornado_ranks_price_and_cost_first(corpus):
    t = ex.tornado_table(params(), corpus).values["tornado"]
    assert list(t["parameter"][:3]) == ["price_change_pct", "unit_cost_change_pct", "absorbed_share"]
    swing = dict(zip(t["parameter"], t["swing"]))
    assert swing["deliveries"] == pytest.approx(0) and swing["elasticity"] == pytest.approx(0)
    assert swing["absorbed_share"] == pytest.approx(25.5 - 53_300 / 247_000 * 100)
    assert ex._top_two(params()) == ("price_change_pct", "unit_cost_change_pct")


def test_break_evens_with_the_defaults(corpus):
    e = ex.break_evens(params(), corpus)
    rows = dict(zip(e.table["question"], e.table["answer"]))
    absorbed = next(a for q, a in rows.items() if q.startswith("Share of the extra tax"))
    # 21.58% at full absorption is still above 20%
    assert absorbed.startswith("no break-even within the allowed range")
    be = e.values["absorbed_share->gross_margin_pct_2026"]
    assert not be.found and "stays above 20" in be.explanation
    # price: R = 260,000 (1 + dp) with cost 193,700 -> margin 20% at R = 242,125: dp = -6.875%
    assert e.values["price_change_pct->gross_margin_pct_2026"].value == pytest.approx(-6.875, abs=1e-6)
    # cost: 260,000 x 0.8 = 208,000 = 193,700 (1 + dc) -> dc = 7.3826%
    assert e.values["unit_cost_change_pct->gross_margin_pct_2026"].value == pytest.approx(
        (208_000 / 193_700 - 1) * 100, abs=1e-6)


def test_break_even_absorbed_share_after_a_price_cut(corpus):
    e = ex.break_evens(params(price_change_pct=-5.0), corpus)
    # R = 247,000 - 12,350 a = 242,125 -> a = 4,875 / 12,350
    assert e.values["absorbed_share->gross_margin_pct_2026"].value == pytest.approx(4_875 / 12_350,
                                                                                  abs=1e-9)


def test_target_margin_is_a_parameter(corpus):
    e = ex.break_evens(params(target_margin_pct=22.0), corpus)
    # absorbed: 260,000 - 13,000 a, margin 22% at R = 193,700 / 0.78 -> a = (260,000 - R) / 13,000
    a = (260_000 - 193_700 / 0.78) / 13_000
    assert e.values["absorbed_share->gross_margin_pct_2026"].value == pytest.approx(a, abs=1e-9)


@pytest.mark.parametrize("values", [{}, {"absorbed_share": 1.0}, {"target_margin_pct": -50.0},
                                    {"price_change_pct": -5.0, "elasticity": -1.5}])
def test_figures_build_without_warnings(corpus, values):
    with matplotlib.rc_context(), warnings.catch_warnings():
        warnings.simplefilter("error")
        ex.tornado_figure(params(**values), corpus)
        fig = ex.heatmap_figure(params(**values), corpus, points=11)
    notes = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    if values.get("target_margin_pct") == -50.0:
        assert "Not reached in this range: target_margin_pct" in notes


# --- provenance --------------------------------------------------------------------------


@pytest.mark.parametrize("values", [{}, {"absorbed_share": 1.0}, {"price": 300_000.0}])
def test_every_exhibit_names_facts_that_exist(corpus, values):
    known = set(corpus.facts()["fact_id"])
    for e in ex.all_exhibits(params(**values), corpus):
        assert isinstance(e, FactExhibit)
        assert e.facts and set(e.facts) <= known, e.number
        if "facts" in e.table.columns:
            ids = {i.strip() for cell in e.table["facts"] for i in str(cell).split(",") if i.strip()}
            assert ids <= set(e.facts), e.number
    # a changed price is no longer the fact's value, so the scenario does not cite that fact
    if "price" in values:
        assert "s004-q3-2025-ev-average-price" not in ex.scenario_2026(params(**values), corpus).facts


def test_the_exhibit_module_types_no_figure_of_the_case(corpus):
    typed = _numbers_in(REPO / "casestudy" / "exhibits" / "scenarios.py")
    assert not typed & _fact_values(corpus), sorted(typed & _fact_values(corpus))


def test_sweep_subcommand(capsys):
    assert main(["sweep", "--grid", "absorbed_share=0,1"]) == 0
    assert "2 scenario(s)" in capsys.readouterr().out
    assert main(["sweep", "--grid", "absorbed_shar=0"]) == 2
    assert "unknown parameter 'absorbed_shar'" in capsys.readouterr().err
    assert main(["sweep", "--list"]) == 0
    assert "gross_margin_2025" in capsys.readouterr().out


def test_error_classes_are_casestudy_errors_and_value_errors():
    for cls in (FinanceError, sc.ScenarioError, SweepError):
        assert issubclass(cls, CasestudyError) and issubclass(cls, ValueError)
    assert issubclass(sc.ScenarioError, ParameterError)
