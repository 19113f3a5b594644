"""The 2026 home model and the Europe 2027 model (casestudy.scenarios, casestudy.europe):
calibration, price build-up, demand, break-evens, sensitivity, and the Europe stack.

Hand computations with the defaults (seed 004: 260,000 yuan, 25.5%, 108,796 cars, 0.7 bn):
variable cost 193,700; gross profit per car 66,300; Q3 gross profit 7,213,174,800; fixed
costs 4 x (7,213,174,800 - 700,000,000) = 26,052,699,200 a year; 2026 extra tax 13,000.
"""

from __future__ import annotations

import numpy as np
import pytest

import casestudy as cs
from casestudy import europe as eu
from casestudy import modelbase
from casestudy import scenarios as sc


def test_calibration_by_hand() -> None:
    r = sc.evaluate()
    assert r["unit_cost"] == pytest.approx(193_700)
    assert r["fixed_costs"] == pytest.approx(4 * (108_796 * 66_300 - 7e8))
    assert r["extra_tax"] == pytest.approx(13_000) and r["buyer_price"] == pytest.approx(306_800)
    # the 2025 base reproduces the Q3 operating profit at the Q3 rate (x 4)
    assert r["operating_profit_2025"] == pytest.approx(4 * 7e8)


def test_source_backed_defaults_equal_their_facts() -> None:
    facts = cs.load_corpus().facts().set_index("fact_id")
    for m in (sc.HOME, eu.EUROPE):
        for p in m.parameters:
            if p.fact:
                assert p.default == facts.loc[p.fact, "value"], p.name
    assert sc.HOME.parameter("base_volume").default == 4 * facts.loc["s004-q3-2025-deliveries", "value"]
    lo, hi = sc.HOME.parameter("base_volume").sample_range
    assert lo == facts.loc["s004-2025-delivery-target", "value"]
    assert hi == 12 * facts.loc["s004-2025-09-monthly-deliveries", "value"]


def test_reference_backed_defaults_equal_their_references() -> None:
    refs = cs.load_references().set_index("ref_id")
    assert eu.EUROPE.parameter("import_duty_pct").default == refs.loc["eu-import-duty-cars", "value"]
    cvd = eu.EUROPE.parameter("countervailing_duty_pct")
    assert cvd.default == refs.loc["eu-cvd-rate-xiaomi", "value"]
    assert cvd.sample_range == (refs.loc["eu-cvd-rate-cooperating-not-sampled", "value"],
                                refs.loc["eu-cvd-rate-xiaomi", "value"])


def test_margin_rises_with_price_at_fixed_cost() -> None:
    prices = np.linspace(200_000, 400_000, 201)
    for absorbed in (0.0, 1.0):
        m = sc.evaluate(price=prices, absorbed_share=absorbed)["gross_margin_pct"]
        assert np.all(np.diff(m) > 0)
    assert sc.evaluate(price=300_000.0)["gross_margin_pct"] == pytest.approx((300_000 - 193_700) / 300_000 * 100)


@pytest.mark.parametrize("e", [-1.5, -2.0, -3.92, -5.0])
def test_operating_profit_peaks_in_price_when_elastic(e: float) -> None:
    prices = np.linspace(150_000, 800_000, 2001)
    op = sc.evaluate(price=prices, elasticity=e)["operating_profit"]
    i = int(np.argmax(op))
    assert 0 < i < len(prices) - 1, "the peak is inside the range, not at an end"
    # below the cap the buyer price is proportional to the price: Lerner, p* = c e / (1 + e)
    if 193_700 * e / (1 + e) < 300_000:
        assert prices[i] == pytest.approx(193_700 * e / (1 + e), rel=2e-3)


def test_with_unit_elasticity_profit_keeps_rising() -> None:
    op = sc.evaluate(price=np.linspace(200_000, 800_000, 61), elasticity=-1.0)["operating_profit"]
    assert np.all(np.diff(op) > 0)


def test_break_even_volume_gives_zero_operating_profit() -> None:
    for price in (240_000.0, 260_000.0, 300_000.0):
        r = sc.evaluate(price=price, absorbed_share=0.5)
        v = r["break_even_volume"]
        assert v * r["gross_profit_per_car"] - r["fixed_costs"] == pytest.approx(0, abs=1e-3)
    assert np.isnan(sc.evaluate(price=190_000.0)["break_even_volume"])  # below the variable cost


def test_price_cut_to_break_even_reads_true() -> None:
    r = sc.evaluate(price=270_000.0)
    cut = r["price_cut_to_break_even_pct"] / 100
    # the same volume at the cut price: operating profit zero
    assert r["deliveries"] * (270_000 * (1 - cut) - r["unit_cost"]) - r["fixed_costs"] == pytest.approx(0, abs=1)


def test_solve_finds_the_operating_break_even_price() -> None:
    p = sc.solve("price", "operating_profit", 0, 130_000, 260_000)
    assert sc.evaluate(price=p)["operating_profit"] == pytest.approx(0, abs=1e3)
    assert np.isnan(sc.solve("absorbed_share", "operating_profit", 1e12, 0, 1))


def test_the_tax_hits_rivals_too() -> None:
    # the buyer pays and rivals pass the tax on: only the market elasticity moves volume
    r = sc.evaluate(market_elasticity=0.0)
    assert r["deliveries"] == pytest.approx(435_184)
    r = sc.evaluate(competitor_price_change_pct=-10.0, market_elasticity=0.0)
    assert r["deliveries"] == pytest.approx(435_184 * (1 / 0.9) ** -3.92)


def test_tornado_swings_read_true() -> None:
    t = sc.tornado("operating_profit").set_index("parameter")
    assert t.loc["base_volume", "at low"] == pytest.approx(sc.evaluate(base_volume=350_000.0)["operating_profit"])
    assert t.loc["base_volume", "swing"] == pytest.approx(
        abs(t.loc["base_volume", "at high"] - t.loc["base_volume", "at low"]))
    assert t["swing"].is_monotonic_decreasing
    assert (t["range from"] != "").all()
    # the margin moves with the price now: the old model's zero bar is gone
    m = sc.tornado("gross_margin_pct").set_index("parameter")
    assert m.loc["price", "swing"] > 5


def test_europe_build_up_adds_up() -> None:
    rng = np.random.default_rng(3)
    params = {p.name: rng.uniform(*p.sample_range, 500) for p in eu.EUROPE.parameters if p.sample_range}
    r = sc.evaluate(params, "europe")
    parts = (r["unit_cost"] + r["transport_cost"] + r["import_duty"] + r["countervailing_duty"]
             + r["homologation_cost"] + r["gross_profit_per_car"] + r["vat"])
    np.testing.assert_allclose(parts, r["buyer_price"], rtol=1e-12)
    np.testing.assert_allclose(r["landed_cost"] + r["gross_profit_per_car"], r["net_price"], rtol=1e-12)


def test_europe_by_hand_and_break_evens() -> None:
    r = sc.evaluate(model="europe")
    customs = 260_000 / 8.2 + 2_000
    assert r["import_duty"] == pytest.approx(customs * 0.10)
    assert r["countervailing_duty"] == pytest.approx(customs * 0.353)
    assert r["buyer_price"] == pytest.approx(260_000 / 8.2 * 1.19)
    b = sc.evaluate(model="europe", eu_price_premium_pct=r["break_even_premium_pct"])
    assert b["gross_profit_per_car"] == pytest.approx(0, abs=1e-6)
    h = sc.evaluate(model="europe", eu_price_premium_pct=r["home_margin_premium_pct"])
    assert h["gross_margin_pct"] == pytest.approx(25.5)


@pytest.mark.parametrize("kwargs, words", [
    ({"price": -5.0}, ["'price'", "-5.0", "allowed range"]),
    ({"absorbed_share": 2.0}, ["'absorbed_share'", "2.0"]),
    ({"elasticty": -1.0}, ["unknown parameter 'elasticty'"]),
    ({"price": "cheap"}, ["'price'", "'cheap'"]),
])
def test_bad_inputs_raise_with_the_parameter_name(kwargs: dict, words: list[str]) -> None:
    with pytest.raises(sc.ScenarioError) as err:
        sc.evaluate(**kwargs)
    for w in words:
        assert w in str(err.value)


def test_unknown_model_and_broadcasting() -> None:
    with pytest.raises(sc.ScenarioError, match="unknown model 'mars'"):
        sc.evaluate(model="mars")
    r = sc.evaluate(price=np.array([250_000.0, 270_000.0])[:, None], absorbed_share=np.array([0.0, 1.0]))
    assert r["operating_profit"].shape == (2, 2)
    assert isinstance(sc.evaluate()["operating_profit"], float)


def test_no_import_circle() -> None:
    import ast
    from pathlib import Path

    src = Path(sc.__file__).read_text()
    names = {n.module for n in ast.walk(ast.parse(src)) if isinstance(n, ast.ImportFrom)}
    assert "parameters" not in names and ".parameters" not in " ".join(filter(None, names))
    spec = {p.name for p in cs.parameters.spec_for("04_ev_scenarios")}
    assert set(sc.HOME.names) | set(eu.EUROPE.names) | {"scenario_row"} == spec


def test_module_is_small() -> None:
    from pathlib import Path

    assert len(Path(sc.__file__).read_text().splitlines()) <= 360  # the brief: about 350 lines


def test_declarations_file_error_names_the_file_and_parameter(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "scenarios.toml"
    text = modelbase.DECLARATIONS.read_text(encoding="utf-8")
    bad.write_text(text.replace('name = "price"\n', 'name = "price"\ncolour = "red"\n'), encoding="utf-8")
    monkeypatch.setattr(modelbase, "DECLARATIONS", bad)
    with pytest.raises(sc.ScenarioError, match=r"scenarios\.toml: parameter 'price': .*colour"):
        sc.declare("home", sc.home)
    assert sc.get_model("home") is sc.HOME  # nothing registered on failure
