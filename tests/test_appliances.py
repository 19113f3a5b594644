"""Option B's appliances model: its parameters are declared and sourced, its outputs move the
way the economics says, break-evens are zero profit, and the sweep evaluates it."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

import casestudy as cs
from casestudy import appliances as ap
from casestudy import scenarios as sc
from casestudy.sweep import add_sweep_arguments, random_sample, sweep_command

M = ap.APPLIANCES


def test_parameters_declared_with_unit_origin_source_and_ranges() -> None:
    names = [p.name for p in M.parameters]
    assert names == list(ap.appliances.__code__.co_varnames[:len(names)])
    assert "base_price" not in names, "the car's shared base is not an input of this model"
    for p in M.parameters:
        assert p.unit and p.source and p.description, p.name
        assert p.origin in {"fact", "derived", "reference", "assumption"}, p.name
        assert p.low <= p.default <= p.high, p.name
        if p.sample_range:
            assert p.low <= p.sample_range[0] < p.sample_range[1] <= p.high, p.name
            assert p.range_source, p.name
        if p.origin == "assumption":
            assert p.source.startswith("assumption"), p.name
    assert set(M.outputs) == set(sc.evaluate(model=M))


def test_fact_and_reference_defaults_match_their_sources() -> None:
    facts = cs.load_corpus().facts().set_index("fact_id")
    for p in M.parameters:
        if p.fact:
            assert p.default == facts.loc[p.fact, "value"], p.name
    refs = cs.load_references().set_index("ref_id")["value"]
    online = refs["china-ac-retail-online-units-2023-h1"]
    offline = refs["china-ac-retail-offline-units-2023-h1"]
    assert M.parameter("offline_share_of_market_pct").default == pytest.approx(
        offline / (online + offline) * 100, abs=0.005)
    assert M.parameter("retail_price").default == pytest.approx(
        refs["china-ac-retail-value-2023-h1"] / (online + offline), abs=0.005)
    low, high = M.parameter("gross_margin_pct").sample_range
    assert (low, high) == (refs["xiaomi-iot-gross-margin-2024"],
                           refs["xiaomi-iot-gross-margin-2025-q1"])


def test_parts_add_up_at_the_defaults() -> None:
    r = sc.evaluate(model=M)
    d = {p.name: p.default for p in M.parameters}
    units = d["market_units"] * d["offline_share_of_market_pct"] * d["offline_share_pct"] / 100 ** 2
    assert r["volume"] == pytest.approx(units)
    per_unit = d["retail_price"] * (d["gross_margin_pct"] - d["dealer_margin_pct"]) / 100
    assert r["gross_profit_per_unit"] == pytest.approx(per_unit)
    assert r["operating_profit"] == pytest.approx(
        r["gross_profit"] - r["store_costs"] - d["fixed_costs"])
    assert r["investment"] == pytest.approx(r["stores"] * d["store_setup_cost"])
    assert r["payback_years"] == pytest.approx(r["investment"] / r["operating_profit"])


@pytest.mark.parametrize("name, direction", [
    ("offline_share_pct", +1), ("gross_margin_pct", +1), ("retail_price", +1),
    ("dealer_margin_pct", -1), ("store_cost", -1), ("fixed_costs", -1), ("units_per_store", +1)])
def test_operating_profit_moves_the_right_way(name: str, direction: int) -> None:
    values = np.linspace(*M.parameter(name).sample_range, 11)
    profit = sc.evaluate({name: values}, M)["operating_profit"]
    assert np.all(np.diff(profit) * direction > 0), name


def test_setup_cost_moves_investment_not_operating_profit() -> None:
    r = sc.evaluate({"store_setup_cost": np.array([1e5, 5e5])}, M)
    assert r["operating_profit"][0] == r["operating_profit"][1]
    assert r["investment"][1] > r["investment"][0]


@pytest.mark.parametrize("inputs", [{}, {"dealer_margin_pct": 12.0}, {"fixed_costs": 9e8},
                                    {"store_cost": 60_000.0, "market_units": 5e7}])
def test_break_evens_are_zero_operating_profit(inputs: dict) -> None:
    r = sc.evaluate(inputs, M)
    at_share = sc.evaluate({**inputs, "offline_share_pct": r["break_even_share_pct"]}, M)
    assert at_share["operating_profit"] == pytest.approx(0, abs=1e-3)
    assert at_share["volume"] == pytest.approx(r["break_even_units"])
    at_dealer = sc.evaluate({**inputs, "dealer_margin_pct": r["break_even_dealer_margin_pct"]}, M)
    assert at_dealer["operating_profit"] == pytest.approx(0, abs=1e-3)
    solved = sc.solve("offline_share_pct", "operating_profit", 0, 0, 100, inputs, M)
    assert solved == pytest.approx(r["break_even_share_pct"], rel=1e-6)


def test_no_break_even_or_payback_where_none_exists() -> None:
    r = sc.evaluate({"dealer_margin_pct": 30.0}, M)  # a unit no longer covers its store cost
    assert r["contribution_per_unit"] < 0 and r["operating_profit"] < 0
    assert np.isnan(r["break_even_units"]) and np.isnan(r["payback_years"])
    none = sc.evaluate({"offline_share_pct": 0.0}, M)  # no volume: no dealer share breaks even
    assert np.isnan(none["break_even_dealer_margin_pct"]) and np.isnan(none["payback_years"])


def test_out_of_range_input_names_the_parameter() -> None:
    with pytest.raises(sc.ScenarioError, match="offline_share_pct"):
        sc.evaluate({"offline_share_pct": 150.0}, M)


def test_sweep_covers_the_appliances_model(tmp_path, capsys) -> None:
    df = random_sample(50, 3, "appliances")
    assert len(df) == 50 and "operating_profit" in df and "base_price" not in df
    assert df.equals(random_sample(50, 3, "appliances"))
    parser = argparse.ArgumentParser()
    add_sweep_arguments(parser)
    out = tmp_path / "a.csv"
    args = parser.parse_args(["--model", "appliances", "--grid", "offline_share_pct=5,10",
                              "-o", str(out)])
    assert sweep_command(args) == 0 and out.is_file()
    assert "2 appliances scenario(s)" in capsys.readouterr().out


def test_notebook_levers_are_declared_as_the_model_declares_them() -> None:
    """05_options's two parameters mirror the model's inputs of the same name (one source of
    truth for the default and the allowed range)."""
    spec = cs.parameters.spec_for("05_options")
    assert [p.name for p in spec] == ["offline_share_pct", "dealer_margin_pct"]
    for p in spec:
        declared = M.parameter(p.name)
        assert (p.default, p.minimum, p.maximum) == (declared.default, declared.low, declared.high)
