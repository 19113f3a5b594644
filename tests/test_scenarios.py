"""Tests of casestudy.scenarios with hand-computed expectations.

Conventions used in the hand computations (the module's defaults): the
260,000 yuan net price excludes VAT (13%), the purchase tax is 10% of the
ex-VAT price, 2025 = full exemption with no cap, 2026 = half exemption capped
at 15,000 yuan, unit cost = price x (1 - 0.255).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casestudy import scenarios as sc
from casestudy.scenarios import ScenarioError


def test_declarations_are_complete_and_consistent() -> None:
    assert len(sc.PARAMETER_NAMES) == len(set(sc.PARAMETER_NAMES))
    assert not set(sc.PARAMETER_NAMES) & set(sc.OUTPUT_NAMES)
    for p in sc.PARAMETERS:
        assert p.source and p.description and p.unit
        assert p.origin in (sc.ORIGIN_SOURCE, sc.ORIGIN_ASSUMPTION, sc.ORIGIN_OUTSIDE)
        if p.kind == "float":
            assert p.low <= p.default <= p.high, p.name
        if p.sample_range is not None:
            assert p.low <= p.sample_range[0] < p.sample_range[1] <= p.high
    by = {p.name: p for p in sc.PARAMETERS}
    assert "seed 004" in by["deliveries"].source and "350,000" in by["deliveries"].source
    assert "seed 004" in by["price"].source
    assert "seed 004" in by["cap_2026"].source
    assert by["vat_rate"].origin == sc.ORIGIN_OUTSIDE
    assert by["purchase_tax_rate"].origin == sc.ORIGIN_OUTSIDE
    for name in ("absorbed_share", "elasticity", "price_change_pct", "unit_cost_change_pct",
                 "price_includes_vat"):
        assert by[name].origin == sc.ORIGIN_ASSUMPTION, name
    assert math.isinf(by["cap_2025"].default) and "no cap" in by["cap_2025"].source
    frame = sc.parameters_frame()
    assert list(frame["name"]) == list(sc.PARAMETER_NAMES)
    assert {"unit", "default", "low", "high", "origin", "source"} <= set(frame.columns)
    assert list(sc.outputs_frame()["name"]) == list(sc.OUTPUT_NAMES)


def test_base_reproduces_reported_margin_exactly() -> None:
    r = sc.evaluate()
    assert abs(r["gross_margin_pct_2025"] - 25.5) < 1e-12
    # unit cost = 260,000 x 0.745 = 193,700; gross profit 66,300
    assert r["unit_cost_2025"] == pytest.approx(193_700, abs=1e-6)
    assert r["gross_profit_per_vehicle_2025"] == pytest.approx(66_300, abs=1e-6)
    # buyer pays nothing extra under 2026 rules either: margin unchanged when nothing is absorbed
    assert abs(r["gross_margin_pct_2026"] - 25.5) < 1e-12
    assert abs(r["margin_change_pp"]) < 1e-12


@settings(deadline=None, max_examples=100)
@given(st.floats(10_000, 5_000_000), st.floats(-100, 99), st.booleans(), st.floats(0, 30))
def test_base_margin_reproduced_for_any_calibration(price: float, m: float, incl: bool, vat: float) -> None:
    r = sc.evaluate(price=price, gross_margin_2025=m, price_includes_vat=incl, vat_rate=vat)
    assert abs(r["gross_margin_pct_2025"] - m) < 1e-12


def test_2026_extra_tax_for_a_260000_car() -> None:
    # full tax 10% x 260,000 = 26,000. 2025: exempt 26,000 -> buyer pays 0.
    # 2026: exemption min(0.5 x 26,000, 15,000) = 13,000 -> buyer pays 13,000 = extra tax.
    r = sc.evaluate()
    assert r["purchase_tax_2025"] == 0.0
    assert r["purchase_tax_2026"] == pytest.approx(13_000)
    assert r["extra_tax_2026"] == pytest.approx(13_000)
    # buyer's price: 2025 260,000 x 1.13 = 293,800; 2026 293,800 + 13,000 = 306,800
    assert r["buyer_price_2025"] == pytest.approx(293_800)
    assert r["buyer_price_2026"] == pytest.approx(306_800)


def test_extra_tax_when_price_includes_vat() -> None:
    # net = 260,000 / 1.13 = 230,088.4956; tax = 23,008.8496; half = 11,504.4248 (< 15,000 cap)
    r = sc.evaluate(price_includes_vat=True)
    assert r["net_price_2025"] == pytest.approx(230_088.4956, abs=1e-4)
    assert r["extra_tax_2026"] == pytest.approx(11_504.4248, abs=1e-4)
    assert r["buyer_price_2025"] == pytest.approx(260_000)  # VAT-inclusive price, no purchase tax
    assert abs(r["gross_margin_pct_2025"] - 25.5) < 1e-12


def test_cap_binds_for_an_expensive_car() -> None:
    # 400,000: full tax 40,000; half = 20,000 > cap 15,000 -> exempt 15,000 -> tax 25,000
    r = sc.evaluate(price=400_000)
    assert r["purchase_tax_2026"] == pytest.approx(25_000)
    assert r["extra_tax_2026"] == pytest.approx(25_000)
    # with a 30,000 cap in 2025: 2025 tax 40,000 - 30,000 = 10,000; extra 25,000 - 10,000 = 15,000
    r2 = sc.evaluate(price=400_000, cap_2025=30_000)
    assert r2["purchase_tax_2025"] == pytest.approx(10_000)
    assert r2["extra_tax_2026"] == pytest.approx(15_000)


def test_demand_response() -> None:
    # elasticity -1: 350,000 x 293,800 / 306,800 = 335,169.49
    r = sc.evaluate()
    assert r["deliveries_2026"] == pytest.approx(350_000 * 293_800 / 306_800)
    assert r["deliveries_2026"] == pytest.approx(335_169.49, abs=0.01)
    assert r["revenue_2026"] == pytest.approx(r["deliveries_2026"] * 260_000)
    assert sc.evaluate(elasticity=0.0)["deliveries_2026"] == 350_000


def test_full_absorption_and_price_cut() -> None:
    # absorbed 1: revenue/vehicle 260,000 - 13,000 = 247,000; margin 53,300 / 247,000 = 21.5789%
    r = sc.evaluate(absorbed_share=1.0)
    assert r["revenue_per_vehicle_2026"] == pytest.approx(247_000)
    assert r["gross_margin_pct_2026"] == pytest.approx(53_300 / 247_000 * 100)
    assert r["buyer_price_2026"] == pytest.approx(293_800)  # buyer pays what they paid in 2025
    # -5% price: net 247,000; extra tax 12,350; margin (247,000 - 193,700) / 247,000 = 21.5789%
    r2 = sc.evaluate(price_change_pct=-5.0)
    assert r2["extra_tax_2026"] == pytest.approx(12_350)
    assert r2["gross_margin_pct_2026"] == pytest.approx(21.5789, abs=1e-4)
    # +10% unit cost: 193,700 x 1.1 = 213,070; margin (260,000 - 213,070) / 260,000 = 18.05%
    r3 = sc.evaluate(unit_cost_change_pct=10.0)
    assert r3["gross_margin_pct_2026"] == pytest.approx(18.05, abs=1e-9)


def test_scalar_call_returns_floats_and_arrays_broadcast() -> None:
    r = sc.evaluate(absorbed_share=0.5)
    assert all(type(v) is float for v in r.values())
    a = sc.evaluate(absorbed_share=np.array([0.0, 0.5, 1.0]), price_change_pct=np.array([[0.0], [-5.0]]))
    assert a["gross_margin_pct_2026"].shape == (2, 3)
    assert a["gross_margin_pct_2026"][0, 2] == pytest.approx(53_300 / 247_000 * 100)
    assert a["deliveries_2026"].shape == (2, 3)
    with pytest.raises(ScenarioError, match="broadcast"):
        sc.evaluate(absorbed_share=np.zeros(3), price_change_pct=np.zeros(4))


def test_100000_scenarios_are_fast() -> None:
    rng = np.random.default_rng(0)
    n = 100_000
    args = {"absorbed_share": rng.uniform(0, 1, n), "price_change_pct": rng.uniform(-15, 5, n),
            "elasticity": rng.uniform(-2, 0, n)}
    t0 = time.perf_counter()
    r = sc.evaluate(**args)
    elapsed = time.perf_counter() - t0
    assert r["gross_margin_pct_2026"].shape == (n,)
    assert elapsed < 1.0  # the goal; typically a few milliseconds


@settings(deadline=None, max_examples=200)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(-50, 50), st.floats(-50, 50),
       st.floats(10_000, 2_000_000))
def test_more_absorption_means_lower_margin(a1: float, a2: float, dp: float, dc: float, price: float) -> None:
    lo, hi = sorted((a1, a2))
    base = {"price_change_pct": dp, "unit_cost_change_pct": dc, "price": price}
    m_lo = sc.evaluate(absorbed_share=lo, **base)["gross_margin_pct_2026"]
    m_hi = sc.evaluate(absorbed_share=hi, **base)["gross_margin_pct_2026"]
    assert m_hi <= m_lo + 1e-9
    if hi > lo + 1e-6:
        assert m_hi < m_lo  # the extra tax is positive under the default rules


@settings(deadline=None, max_examples=200)
@given(st.floats(0, 5_000_000), st.floats(-50, 50), st.floats(0, 1), st.booleans())
def test_zero_elasticity_keeps_deliveries(d: float, dp: float, a: float, incl: bool) -> None:
    r = sc.evaluate(deliveries=d, elasticity=0.0, price_change_pct=dp, absorbed_share=a,
                    price_includes_vat=incl)
    assert r["deliveries_2026"] == d


@settings(deadline=None, max_examples=100)
@given(st.floats(-5, 0), st.floats(-5, 0))
def test_more_elastic_demand_sells_fewer_cars_when_buyer_price_rises(e1: float, e2: float) -> None:
    lo, hi = sorted((e1, e2))  # lo is more elastic
    assert sc.evaluate(elasticity=lo)["deliveries_2026"] <= sc.evaluate(elasticity=hi)["deliveries_2026"]


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, words", [
    ({"absorbed_share": 1.5}, ["absorbed_share", "1.5", "0 to 1"]),
    ({"elasticity": 0.5}, ["elasticity", "0.5", "-5 to 0"]),
    ({"price": "260000"}, ["price", "'260000'", "expected a number"]),
    ({"price": True}, ["price", "True", "expected a number"]),
    ({"price_includes_vat": 1}, ["price_includes_vat", "1", "True or False"]),
    ({"deliveries": float("nan")}, ["deliveries", "nan"]),
    ({"cap_2026": -1.0}, ["cap_2026", "-1.0", "no upper limit"]),
    ({"absorbed_share": np.array([0.1, 2.0])}, ["absorbed_share", "2.0", "array of 2 values"]),
    ({"absorbd_share": 0.5}, ["unknown parameter", "'absorbd_share'", "absorbed_share"]),
])
def test_bad_inputs_raise_with_the_parameter_name(kwargs: dict, words: list[str]) -> None:
    with pytest.raises(ScenarioError) as exc:
        sc.evaluate(**kwargs)
    for w in words:
        assert w in str(exc.value), (w, str(exc.value))
    assert isinstance(exc.value, ValueError)


def test_infinite_caps_are_allowed_and_mean_no_cap() -> None:
    r = sc.evaluate(price=400_000, cap_2026=math.inf)
    assert r["purchase_tax_2026"] == pytest.approx(20_000)  # 40,000 - 0.5 x 40,000


# --- tornado, grid, break-even ------------------------------------------------------------------


def test_tornado_sorted_with_hand_checked_rows() -> None:
    df = sc.tornado()
    assert list(df["swing"]) == sorted(df["swing"], reverse=True)
    assert set(df["parameter"]) == {p.name for p in sc.PARAMETERS if p.sample_range is not None}
    row = df.set_index("parameter").loc["absorbed_share"]
    # absorbed 0 -> 25.5%, absorbed 1 -> 21.5789%
    assert row["output_base"] == pytest.approx(25.5)
    assert row["delta_low"] == pytest.approx(0.0, abs=1e-12)
    assert row["delta_high"] == pytest.approx(53_300 / 247_000 * 100 - 25.5)
    # deliveries do not move the margin
    assert df.set_index("parameter").loc["deliveries", "swing"] == pytest.approx(0.0, abs=1e-12)
    df2 = sc.tornado("deliveries_2026", ranges={"elasticity": (-2.0, 0.0), "price_includes_vat": (False, True)})
    assert df2["parameter"].iloc[0] == "elasticity"
    with pytest.raises(ScenarioError, match="unknown output"):
        sc.tornado("margin")


def test_grid_2d_for_a_heatmap() -> None:
    g = sc.grid_2d("absorbed_share", [0.0, 0.5, 1.0], "price_change_pct", [-5.0, 0.0])
    assert g.shape == (2, 3)
    assert g.index.name == "price_change_pct" and g.columns.name == "absorbed_share"
    # price 0%, absorbed 0.5: revenue 260,000 - 6,500 = 253,500; margin 59,800 / 253,500 = 23.5897%
    assert g.loc[0.0, 0.5] == pytest.approx(59_800 / 253_500 * 100)
    with pytest.raises(ScenarioError, match="two different"):
        sc.grid_2d("price", [1e5], "price", [1e5])
    with pytest.raises(ScenarioError, match="absorbed_share"):
        sc.grid_2d("absorbed_share", [0.0, 2.0], "price", [2e5])


def test_break_even_absorbed_share() -> None:
    # defaults: margin at full absorption is 21.58% > 20%: no break-even in [0, 1]
    # (it would need 13,000 a = 260,000 - 193,700 / 0.8 = 17,875 -> a = 1.375)
    none = sc.break_even_absorbed_share(20.0)
    assert not none.found and math.isnan(none.value)
    assert "No break-even" in none.explanation and "absorbed_share" in none.explanation
    # with a 5% price cut: R = 247,000 - 12,350 a = 193,700 / 0.8 = 242,125 -> a = 4,875 / 12,350 = 0.394737
    be = sc.break_even_absorbed_share(20.0, base={"price_change_pct": -5.0})
    assert be.found
    assert be.value == pytest.approx(4_875 / 12_350, abs=1e-9)
    assert sc.evaluate(absorbed_share=be.value, price_change_pct=-5.0)["gross_margin_pct_2026"] == \
        pytest.approx(20.0, abs=1e-7)


def test_break_even_price_change() -> None:
    # absorbed 0: R = 260,000 (1 + dp) = 242,125 -> dp = -6.875%
    be = sc.break_even("price_change_pct", target=20.0)
    assert be.value == pytest.approx(-6.875, abs=1e-8)
    assert "price_change_pct" in be.explanation
    with pytest.raises(ScenarioError, match="bool"):
        sc.break_even("price_includes_vat")
    with pytest.raises(ScenarioError, match="search_range"):
        sc.break_even("cap_2025", output="purchase_tax_2026")
    with pytest.raises(ScenarioError, match="cannot be in base"):
        sc.break_even("absorbed_share", base={"absorbed_share": 0.5})


def test_overrides_from_facts() -> None:
    facts = pd.DataFrame({"fact_id": ["ev-target", "ev-price"], "value": [350_000.0, 260_000.0],
                          "unit": ["vehicles", "CNY"]})
    values, sources = sc.overrides_from_facts(facts, {"deliveries": "ev-target", "price": "ev-price"})
    assert values == {"deliveries": 350_000.0, "price": 260_000.0}
    assert sources == {"deliveries": "ev-target", "price": "ev-price"}
    assert sc.evaluate(values)["deliveries_2026"] == pytest.approx(335_169.49, abs=0.01)
    with pytest.raises(ScenarioError, match="'nope'"):
        sc.overrides_from_facts(facts, {"deliveries": "nope"})


def test_evaluate_frame() -> None:
    df = sc.evaluate_frame(pd.DataFrame({"absorbed_share": [0.0, 1.0]}))
    assert list(df.columns) == list(sc.PARAMETER_NAMES) + list(sc.OUTPUT_NAMES)
    assert df["gross_margin_pct_2026"].tolist() == pytest.approx([25.5, 53_300 / 247_000 * 100])
    with pytest.raises(ScenarioError, match="unknown parameter column"):
        sc.evaluate_frame(pd.DataFrame({"foo": [1.0]}))
