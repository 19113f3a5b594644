"""The 2026 home model and the Europe 2027 model (casestudy.scenarios, casestudy.europe):
calibration, price build-up, demand and capacity, break-evens and their signs, sensitivity and
its zero bars, and the Europe stack (transfer price, duties, German selling costs, import VAT).

Hand computations with the defaults (seed 004: 260,000 yuan, 25.5%, 108,796 cars, 0.7 bn):
variable cost 193,700; gross profit per car 66,300; Q3 gross profit 7,213,174,800; fixed
costs 4 x (7,213,174,800 - 700,000,000) = 26,052,699,200 a year; 2026 extra tax 13,000.
"""

from __future__ import annotations

import numpy as np
import pytest

import casestudy as cs
from casestudy import europe as eu
from casestudy import scenarios as sc
from casestudy import sweep as sw


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
    deliveries = facts.loc["s004-q3-2025-deliveries", "value"]
    assert sc.HOME.parameter("base_volume").default == 4 * deliveries
    lo, hi = sc.HOME.parameter("base_volume").sample_range
    assert lo == facts.loc["s004-2025-delivery-target", "value"]
    assert hi == 12 * facts.loc["s004-2025-09-monthly-deliveries", "value"]


def test_reference_backed_defaults_equal_their_references() -> None:
    refs = cs.load_references().set_index("ref_id")
    assert eu.EUROPE.parameter("import_duty_pct").default == \
        refs.loc["eu-import-duty-cars", "value"]
    cvd = eu.EUROPE.parameter("countervailing_duty_pct")
    assert cvd.default == refs.loc["eu-cvd-rate-all-other", "value"]
    assert cvd.default == refs.loc["eu-cvd-rate-xiaomi", "value"]
    assert cvd.sample_range == (refs.loc["eu-cvd-rate-cooperating-not-sampled", "value"],
                                refs.loc["eu-cvd-rate-all-other", "value"])
    # the Xiaomi line says it is unsettled, and what decides it
    assert "unchecked" in refs.loc["eu-cvd-rate-xiaomi", "note"]
    assert "annex" in refs.loc["eu-cvd-rate-xiaomi", "note"]


def test_capacity_default_is_derived_from_deliveries_not_the_2021_plan() -> None:
    facts = cs.load_corpus().facts().set_index("fact_id")
    refs = cs.load_references().set_index("ref_id")
    cap = sc.HOME.parameter("capacity")
    assert cap.default == 12 * facts.loc["s004-2025-09-monthly-deliveries", "value"]
    assert cap.unit == "vehicles/year" and cap.origin == "derived" and "assumption" in cap.source
    plan = refs.loc["xiaomi-ev-plant-planned-capacity", "value"]
    assert plan == 300_000 and plan < 4 * facts.loc["s004-q3-2025-deliveries", "value"]
    assert cap.sample_range[0] == 4 * facts.loc["s004-q3-2025-deliveries", "value"]


def test_every_parameter_is_declared_in_full() -> None:
    for m in (sc.HOME, eu.EUROPE):
        for p in m.parameters:
            assert p.unit and p.origin and p.source and p.description, p.name
            assert p.low <= p.default <= p.high, p.name
            if p.sample_range:
                assert p.low <= p.sample_range[0] <= p.sample_range[1] <= p.high, p.name
                assert p.range_source, p.name
    # the elasticity's default is the Lerner value, and its declaration says what that implies
    el = sc.HOME.parameter("elasticity")
    assert el.default == pytest.approx(-1 / 0.255, abs=5e-3)
    assert "by construction" in el.source and el.origin == "assumption"


def test_margin_rises_with_price_at_fixed_cost() -> None:
    prices = np.linspace(200_000, 400_000, 201)
    for absorbed in (0.0, 1.0):
        m = sc.evaluate(price=prices, absorbed_share=absorbed)["gross_margin_pct"]
        assert np.all(np.diff(m) > 0)
    assert sc.evaluate(price=300_000.0)["gross_margin_pct"] == \
        pytest.approx((300_000 - 193_700) / 300_000 * 100)


@pytest.mark.parametrize("e", [-1.5, -2.0, -3.92, -5.0])
def test_operating_profit_peaks_in_price_when_elastic(e: float) -> None:
    prices = np.linspace(150_000, 800_000, 2001)
    op = sc.evaluate(price=prices, elasticity=e, capacity=5e6)["operating_profit"]  # no limit
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


@pytest.mark.parametrize("kwargs", [{"price": 270_000.0}, {"price": 240_000.0},
                                    {"competitor_price_change_pct": -10.0}])
def test_price_change_to_break_even_reads_true(kwargs: dict) -> None:
    r = sc.evaluate(**kwargs)
    price = kwargs.get("price", 260_000.0)
    change = r["price_change_to_break_even_pct"] / 100
    # the same volume at the changed price: operating profit zero
    assert r["deliveries"] * (price * (1 + change) - r["unit_cost"]) - r["fixed_costs"] == (
        pytest.approx(0, abs=1))


def test_break_even_price_change_has_the_sign_of_a_cut_or_a_rise() -> None:
    profit = sc.evaluate()  # the default run makes a profit: room for a cut
    assert profit["operating_profit"] > 0 and profit["price_change_to_break_even_pct"] < 0
    loss = sc.evaluate(competitor_price_change_pct=-10.0)  # rivals cut: a loss, a rise needed
    assert loss["operating_profit"] < 0 and loss["price_change_to_break_even_pct"] > 0


def test_volume_is_never_above_capacity() -> None:
    rng = np.random.default_rng(11)
    params = {p.name: rng.uniform(*p.sample_range, 2000) for p in sc.HOME.parameters
              if p.sample_range}
    r = sc.evaluate(params)
    assert np.all(r["deliveries"] <= params["capacity"])
    np.testing.assert_allclose(r["deliveries"], np.minimum(r["demand"], params["capacity"]))
    assert (r["demand"] > params["capacity"]).any()  # the sample reaches the limit
    # a deep cut raises demand past the capacity: deliveries stop at the capacity
    cut = sc.evaluate(price=220_000.0)
    assert cut["demand"] > 480_000 and cut["deliveries"] == 480_000
    assert sc.evaluate(capacity=300_000.0)["deliveries"] == 300_000


def test_solve_finds_the_operating_break_even_price() -> None:
    p = sc.solve("price", "operating_profit", 0, 130_000, 260_000)
    assert 193_700 < p < 260_000
    assert sc.evaluate(price=p)["operating_profit"] == pytest.approx(0, abs=1e3)
    assert np.isnan(sc.solve("absorbed_share", "operating_profit", 1e12, 0, 1))


def test_the_tax_hits_rivals_too() -> None:
    # the buyer pays and rivals pass the tax on: only the market elasticity moves volume
    r = sc.evaluate(market_elasticity=0.0)
    assert r["deliveries"] == pytest.approx(435_184)
    r = sc.evaluate(competitor_price_change_pct=-10.0, market_elasticity=0.0)
    assert r["demand"] == pytest.approx(435_184 * (1 / 0.9) ** -3.92)


def test_tornado_swings_read_true() -> None:
    t = sc.tornado("operating_profit").set_index("parameter")
    at_low = sc.evaluate(base_volume=350_000.0)["operating_profit"]
    assert t.loc["base_volume", "at low"] == pytest.approx(at_low)
    assert t.loc["base_volume", "swing"] == pytest.approx(
        abs(t.loc["base_volume", "at high"] - t.loc["base_volume", "at low"]))
    assert t["swing"].is_monotonic_decreasing
    assert (t["range from"] != "").all()
    # the margin moves with the price: the price has a bar
    m = sc.tornado("gross_margin_pct").set_index("parameter")
    assert m.loc["price", "swing"] > 5


def test_the_zero_bars_of_the_home_tornado_are_the_explained_ones() -> None:
    t = sc.tornado("operating_profit").set_index("parameter")
    zero = set(t.index[np.isclose(t["swing"], 0, atol=1)])
    # own-price elasticity: Xiaomi's buyer price moves as rivals' do; capacity: never binds
    assert zero == {"elasticity", "capacity"}
    assert sc.evaluate()["demand"] < sc.HOME.parameter("capacity").sample_range[0]
    # each comes back once its reason no longer holds
    moved = sc.tornado("operating_profit", {"price": 250_000.0}).set_index("parameter")
    assert moved.loc["elasticity", "swing"] > 1e8
    cut = sc.tornado("operating_profit", {"price": 230_000.0}).set_index("parameter")
    assert cut.loc["capacity", "swing"] > 1e8


def test_europe_tornado_and_its_zero_bar() -> None:
    t = sc.tornado("break_even_premium_pct", model=eu.EUROPE).set_index("parameter")
    assert set(t.index) == {p.name for p in eu.EUROPE.parameters if p.sample_range}
    zero = set(t.index[np.isclose(t["swing"], 0, atol=1e-9)])
    assert zero == {"eu_price_premium_pct"}  # the break-even does not depend on the premium set
    assert t.loc["countervailing_duty_pct", "at low"] < t.loc["countervailing_duty_pct", "at high"]
    assert t.loc["transfer_markup_pct", "at low"] < t.loc["transfer_markup_pct", "at high"]


def test_europe_build_up_adds_up() -> None:
    rng = np.random.default_rng(3)
    params = {p.name: rng.uniform(*p.sample_range, 500) for p in eu.EUROPE.parameters
              if p.sample_range}
    r = sc.evaluate(params, eu.EUROPE)
    parts = (r["unit_cost"] + r["transport_cost"] + r["import_duty"] + r["countervailing_duty"]
             + r["homologation_cost"] + r["dealer_cost"] + r["selling_cost"]
             + r["contribution_per_car"] + r["vat"])
    np.testing.assert_allclose(parts, r["buyer_price"], rtol=1e-12)
    np.testing.assert_allclose(r["landed_cost"] + r["gross_profit_per_car"], r["net_price"],
                               rtol=1e-12)
    np.testing.assert_allclose(r["customs_value"], r["export_price"] + r["transport_cost"])
    # import VAT: charged at the border on customs value plus duties, deducted again, so it is
    # no part of the landed cost, the margin or the buyer price
    base = r["customs_value"] + r["import_duty"] + r["countervailing_duty"]
    np.testing.assert_allclose(r["import_vat"], base * 0.19)
    np.testing.assert_allclose(r["landed_cost"], base - r["export_price"] + r["unit_cost"]
                               + r["homologation_cost"])


def test_transfer_price_default_is_cost_based_not_the_retail_price() -> None:
    r = sc.evaluate(model=eu.EUROPE)
    retail = 260_000 / 8.2
    assert r["export_price"] == pytest.approx(193_700 / 8.2 * 1.05)
    assert r["export_price"] < retail and r["customs_value"] != pytest.approx(retail + 2_000)
    markup = eu.EUROPE.parameter("transfer_markup_pct")
    assert markup.origin == "assumption" and "transfer" in markup.source
    # the top of its range is the markup at which the export price is the home net price
    assert markup.sample_range[1] == pytest.approx((260_000 / 193_700 - 1) * 100, abs=0.05)
    top = sc.evaluate(model=eu.EUROPE, transfer_markup_pct=(260_000 / 193_700 - 1) * 100)
    assert top["export_price"] == pytest.approx(retail)


def test_europe_by_hand_and_break_evens() -> None:
    r = sc.evaluate(model=eu.EUROPE)
    customs = 193_700 / 8.2 * 1.05 + 2_000
    assert r["import_duty"] == pytest.approx(customs * 0.10)
    assert r["countervailing_duty"] == pytest.approx(customs * 0.353)
    assert r["buyer_price"] == pytest.approx(260_000 / 8.2 * 1.19)
    assert r["dealer_cost"] == pytest.approx(260_000 / 8.2 * 0.06)
    assert r["selling_cost"] == pytest.approx(260_000 / 8.2 * 0.05)
    for rate in (20.7, 35.3):
        base = sc.evaluate(model=eu.EUROPE, countervailing_duty_pct=rate)
        b = sc.evaluate(model=eu.EUROPE, countervailing_duty_pct=rate,
                        eu_price_premium_pct=base["break_even_premium_pct"])
        assert b["contribution_per_car"] == pytest.approx(0, abs=1e-6)
        h = sc.evaluate(model=eu.EUROPE, countervailing_duty_pct=rate,
                        eu_price_premium_pct=base["home_margin_premium_pct"])
        assert h["contribution_margin_pct"] == pytest.approx(25.5)
    low = sc.evaluate(model=eu.EUROPE, countervailing_duty_pct=20.7)["break_even_premium_pct"]
    assert low < r["break_even_premium_pct"]


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
        sw.get_model("mars")
    with pytest.raises(sc.ScenarioError, match="expected a Model"):
        sc.evaluate(model="europe")
    r = sc.evaluate(price=np.array([250_000.0, 270_000.0])[:, None],
                    absorbed_share=np.array([0.0, 1.0]))
    assert r["operating_profit"].shape == (2, 2)
    assert isinstance(sc.evaluate()["operating_profit"], float)


def test_the_model_table_covers_both_models() -> None:
    assert set(sw.MODELS) >= {"home", "europe"}
    assert sw.get_model("home") == sc.HOME and sw.get_model("europe") == eu.EUROPE
    assert sw.get_model(eu.EUROPE) is eu.EUROPE
    with pytest.raises(TypeError):
        sw.MODELS["x"] = sw.MODELS["home"]  # type: ignore[index]  # read-only


def test_no_import_circle() -> None:
    import ast
    from pathlib import Path

    def imported(module) -> set[str]:
        tree = ast.parse(Path(module.__file__).read_text())
        nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        return {a.name for n in nodes for a in n.names} | {
            n.module for n in nodes if isinstance(n, ast.ImportFrom) and n.module}

    assert not {"europe", "sweep", "parameters"} & imported(sc)  # scenarios imports none of them
    assert "sweep" not in imported(eu)
    spec = {p.name for p in cs.parameters.spec_for("04_ev_scenarios")}
    assert set(sc.HOME.names) | set(eu.EUROPE.names) | {"scenario_row"} == spec


def test_module_is_small() -> None:
    from pathlib import Path

    assert len(Path(sc.__file__).read_text().splitlines()) <= 360  # the brief: about 350 lines


def test_declarations_file_error_names_the_file_and_parameter(tmp_path) -> None:
    bad = tmp_path / "scenarios.toml"
    text = sc.DECLARATIONS.read_text(encoding="utf-8")
    bad.write_text(text.replace('name = "price"\n', 'name = "price"\ncolour = "red"\n'),
                   encoding="utf-8")
    with pytest.raises(sc.ScenarioError, match=r"scenarios\.toml: parameter 'price': .*colour"):
        sc.declare("home", sc.home, path=bad)
    with pytest.raises(sc.ScenarioError, match=r"no section \[\[mars\]\]"):
        sc.declare("mars", sc.home)
    assert sw.get_model("home") == sc.HOME  # the shipped declarations are untouched
