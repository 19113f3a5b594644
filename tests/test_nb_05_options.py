"""The stored notebook 05_options: its exhibits equal the appliances model at the defaults and
the reference figures they cite (so notebook, sweep and references cannot drift), the options
exhibit compares all three on the same rows, the checks answer right, wrong and not yet, and
the teaching note cites exhibits that exist."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import casestudy as cs
from casestudy import appliances as ap
from casestudy import europe as eu
from casestudy import scenarios as sc

NB = Path(__file__).resolve().parents[1] / "notebooks" / "05_options.ipynb"
M = ap.APPLIANCES


def _cells() -> list[dict]:
    return json.loads(NB.read_text(encoding="utf-8"))["cells"]


@pytest.fixture(scope="module")
def exhibits() -> dict[str, pd.DataFrame]:
    """Each stored table exhibit as its CSV (the display layer stores it in the output metadata)."""
    out = {}
    for cell in _cells():
        for o in cell.get("outputs", []):
            meta = o.get("metadata", {}).get("casestudy", {})
            if "csv" in meta:
                out[meta["exhibit"]] = pd.read_csv(io.StringIO(meta["csv"]), dtype=str)
    return out


@pytest.fixture(scope="module")
def refs() -> pd.DataFrame:
    return cs.load_references().set_index("ref_id")


def _figure_titles() -> list[str]:
    return [o["metadata"]["image/png"]["alt"] for c in _cells() for o in c.get("outputs", [])
            if "image/png" in o.get("data", {})]


def test_every_option_has_three_exhibits_of_its_own(exhibits) -> None:
    tables = set(exhibits)
    figures = {re.match(r"Exhibit (\d+\.\d+[a-z]?)\.", t).group(1) for t in _figure_titles()}
    option_b = {"5.1", "5.2", "5.3", "5.4", "5.5a", "5.5b", "5.6", "5.7a", "5.7b"}
    option_c = {"5.8", "5.9", "5.10", "5.11"}
    assert option_b | option_c | {"5.12"} == tables | figures


def test_iot_quarters_equal_the_references(exhibits, refs) -> None:
    table = exhibits["5.1"].set_index("quarter")
    revenue = refs.loc["xiaomi-iot-revenue-2025-q2", "value"]
    assert table.loc["2025-Q2", "revenue"] == cs.fmt(revenue, "CNY")
    implied = refs.loc["xiaomi-iot-gross-margin-2025-q1", "value"] - refs.loc[
        "xiaomi-iot-gross-margin-change-2025-q1", "value"]
    assert table.loc["2024-Q1", "gross margin"] == cs.fmt(implied, "%", digits=1) == "19.8%"
    assert table.loc["2024-Q1", "margin"] == "implied"
    assert table.loc["2025-Q3", "margin"] == "reported"
    assert table.loc["2024-Q4", "margin"] == "not found"


def test_rivals_from_their_annual_reports(exhibits, refs) -> None:
    table = exhibits["5.3"].set_index("company")
    value = refs["value"]
    ratio = value["midea-smart-home-revenue-2024"] / value["xiaomi-iot-revenue-2024"]
    midea = table.loc["Midea, smart home business", "revenue, times Xiaomi's segment"]
    assert midea == cs.fmt(ratio, "x", digits=1)
    gree = value["gree-gross-profit-2024"] / value["gree-revenue-2024"] * 100
    assert table.loc["Gree Electric", "gross margin"] == cs.fmt(gree, "%", digits=1) == "29.4%"


def test_model_exhibits_equal_the_model_at_the_defaults(exhibits) -> None:
    r = sc.evaluate(model=M)
    year = exhibits["5.5b"].set_index("line")["a year at scale"]
    assert year["operating profit"] == cs.fmt(r["operating_profit"], "CNY")
    assert year["stores needed"] == cs.fmt(r["stores"], "stores", digits=0)
    assert year["one-off investment in stores"] == cs.fmt(r["investment"], "CNY")
    unit = exhibits["5.5a"].set_index("part")["CNY per unit"]
    assert unit["contribution per unit"] == cs.fmt(r["contribution_per_unit"], "CNY", digits=0)
    answers = exhibits["5.6"]["answer"].tolist()
    assert answers[1] == cs.fmt(r["break_even_share_pct"], "%", digits=1)
    assert answers[3] == cs.fmt(r["break_even_dealer_margin_pct"], "%", digits=1)
    assert answers[4] == cs.fmt(r["payback_years"], "years", digits=1)


def test_tornado_covers_every_ranged_input_and_explains_the_zero_bar(exhibits) -> None:
    table = exhibits["5.7a"]
    ranged = [p for p in M.parameters if p.sample_range]
    assert len(table) == len(ranged)
    tor = sc.tornado("operating_profit", model=M)
    assert table["swing"].tolist() == [cs.fmt(v / 1e6, "", digits=0) for v in tor["swing"]]
    text = " ".join("".join(o.get("data", {}).get("text/markdown", "")) for c in _cells()
                    for o in c.get("outputs", []))
    assert "Zero width: one-off cost per store" in text


def test_recall_against_deliveries(exhibits, refs) -> None:
    delivered = sum(refs.loc[i, "value"] for i in ["xiaomi-ev-deliveries-2024",
                                                   "xiaomi-ev-deliveries-2025-q1",
                                                   "xiaomi-ev-deliveries-2025-q2"])
    share = refs.loc["samr-recall-su7-2025-09", "value"] / delivered * 100
    assert exhibits["5.9"]["recalled, % of delivered"].iloc[0] == cs.fmt(share, "%", digits=1)
    assert exhibits["5.9"]["cars delivered"].iloc[0] == cs.fmt(delivered, "cars")
    dates = exhibits["5.8"]["date"].tolist()
    assert dates == sorted(dates) and "2025-03-29" in dates and "2025-11-16" in dates


def test_options_side_by_side_on_the_same_rows(exhibits) -> None:
    table = exhibits["5.12"].set_index("row")
    assert table.index.tolist() == ["money needed", "time to pay back or to show results",
                                    "what it risks", "what would have to be true",
                                    "evidence missing"]
    assert table.columns.tolist() == ["A. Europe 2027", "B. the appliance war", "C. trust first"]
    assert table.notna().all().all()
    e, r = sc.evaluate(model=eu.EUROPE), sc.evaluate(model=M)
    assert cs.fmt(e["break_even_premium_pct"], "%", 1) in table.loc["what would have to be true",
                                                                     "A. Europe 2027"]
    assert cs.fmt(r["break_even_share_pct"], "%", 1) in table.loc["what would have to be true",
                                                                   "B. the appliance war"]
    assert "Gree's air-conditioner revenue" in table.loc["evidence missing", "B. the appliance war"]


def test_the_checks_answer_right_wrong_and_not_yet() -> None:
    inputs = {p.name: p.default for p in M.parameters}
    r = sc.evaluate(model=M)
    c = {"my_dealer_margin": inputs["dealer_margin_pct"], **inputs}
    assert cs.check("05-q1", ..., **c).status == "not yet"
    assert cs.check("05-q1", r["break_even_share_pct"], **c).right
    assert cs.check("05-q1", r["break_even_units"] / r["offline_market_units"] * 100 * 1.5,
                    **c).status == "wrong"
    assert cs.check("05-q2", 39.75).right and cs.check("05-q2", 29.0).status == "wrong"
    e = sc.evaluate(model=eu.EUROPE)
    europe = {p.name: p.default for p in eu.EUROPE.parameters}
    premium = e["home_margin_premium_pct"] / 2  # the notebook's starting premium
    at = sc.evaluate({"eu_price_premium_pct": premium}, eu.EUROPE)  # the model at that premium
    assert at["landed_cost"] == e["landed_cost"]  # the landed cost does not move with the price
    assert cs.check("05-q3", at["gross_margin_pct"], my_premium=premium,
                    landed=e["landed_cost"], **europe).right
    assert cs.check("05-q3", 0.0, my_premium=premium, landed=e["landed_cost"],
                    **europe).status == "wrong"
    text = " ".join("".join(o.get("data", {}).get("text/markdown", "")) for c in _cells()
                    for o in c.get("outputs", []))
    for q in ("05-q1", "05-q2", "05-q3"):
        assert f"✔ {q}: right" in text


def test_teaching_note_cites_exhibits_that_exist(exhibits) -> None:
    known = set(exhibits) | {re.match(r"Exhibit (\S+)\.", t).group(1) for t in _figure_titles()}
    notes = " ".join("".join(c["source"]) for c in _cells()
                     if "teaching-note" in c["metadata"].get("tags", []))
    cited = set()
    for m in re.finditer(r"Exhibits? (\d\.\d+[a-z]?(?:(?:, | and | to )\d\.\d+[a-z]?)*)", notes):
        cited |= set(re.findall(r"\d\.\d+[a-z]?", m.group(1)))
    assert cited and cited <= known, cited - known
    assert "around Exhibit" not in notes and "usually" not in notes
