"""The stored notebook 04_ev_scenarios: its headline figures equal the model's output at the
defaults (so notebook and sweep cannot drift), the checks answer right and not yet, and the
old exhibit tests' checks live on (calibration, tax, break-evens, Europe)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

import casestudy as cs
from casestudy import scenarios as sc

NB = Path(__file__).resolve().parents[1] / "notebooks" / "04_ev_scenarios.ipynb"


@pytest.fixture(scope="module")
def exhibits() -> dict[str, pd.DataFrame]:
    """Each stored table exhibit as its CSV (the display layer stores it in the output metadata)."""
    out = {}
    for cell in json.loads(NB.read_text())["cells"]:
        for o in cell.get("outputs", []):
            meta = o.get("metadata", {}).get("casestudy", {})
            if "csv" in meta:
                out[meta["exhibit"]] = pd.read_csv(io.StringIO(meta["csv"]))
    return out


def _text(needle: str) -> str:
    for cell in json.loads(NB.read_text())["cells"]:
        for o in cell.get("outputs", []):
            text = "".join(o.get("data", {}).get("text/plain", ""))
            if needle in text:
                return text
    raise AssertionError(f"no stored output holds {needle!r}")


def test_headline_figures_equal_the_model_at_the_defaults(exhibits) -> None:
    r = sc.evaluate()
    pnl = exhibits["4.4"].set_index("item")["2026, this run"]
    assert pnl["deliveries"] == cs.fmt(r["deliveries"], "cars", digits=0)
    assert pnl["operating profit"] == cs.fmt(r["operating_profit"], "CNY", digits=1)
    assert pnl["gross margin, %"] == cs.fmt(r["gross_margin_pct"], "%", digits=1)
    assert pnl["revenue"] == cs.fmt(r["revenue"], "CNY", digits=1)


def test_calibration_and_tax_as_stored(exhibits) -> None:
    cal = exhibits["4.2"].set_index("item")["value"]
    assert cal["variable cost per car"] == "193,700 CNY"
    assert cal["fixed costs per year"] == cs.fmt(sc.evaluate()["fixed_costs"], "CNY")
    tax = exhibits["4.3"].set_index("CNY per car")
    assert tax.loc["purchase tax", "2026 rule, this run"] == "13,000 CNY"
    assert tax.loc["buyer pays", "2025 rule, base price"] == "293,800 CNY"
    assert tax.loc["buyer pays", "2026 rule, this run"] == "306,800 CNY"


def test_break_evens_as_stored(exhibits) -> None:
    r = sc.evaluate()
    answers = exhibits["4.6"]["answer"].tolist()
    assert answers[0] == cs.fmt(round(r["break_even_volume"]), "cars")
    assert answers[1] == cs.fmt(r["price_cut_to_break_even_pct"], "%", digits=1)
    price = sc.solve("price", "operating_profit", 0, 130_000, 260_000)
    assert answers[2] == cs.fmt(price, "CNY", digits=0)


def test_europe_as_stored(exhibits) -> None:
    e = sc.evaluate(model="europe")
    stack = exhibits["4.10a"].set_index("part")["EUR per car"]
    assert stack["countervailing duty"] == cs.fmt(e["countervailing_duty"], "EUR", digits=0)
    assert stack["buyer pays"] == cs.fmt(e["buyer_price"], "EUR", digits=0)
    assert stack["gross margin"] == cs.fmt(e["gross_margin_pct"], "%", digits=1)
    duties = exhibits["4.8a"].set_index("ref_id")
    assert duties.loc["eu-cvd-rate-xiaomi", "total, %"] == pytest.approx(45.3)


def test_no_constant_cost_conclusion_survives() -> None:
    cells = json.loads(NB.read_text())["cells"]
    student = " ".join("".join(c["source"]) for c in cells
                       if not {"teaching-note", "answer"} & set(c["metadata"].get("tags", [])))
    assert "restore gross profit" not in student.lower()
    assert "walk-through and model differ" in student  # the notebook asserts it agrees with sc.evaluate


def test_the_checks_answer_right_and_not_yet() -> None:
    c = {"base_price": 260_000.0, "base_margin": 25.5}
    my_price = 234_000.0
    assert cs.check("04-q1", ..., my_price=my_price, **c).status == "not yet"
    right = (my_price - 193_700) / my_price * 100
    assert cs.check("04-q1", right, my_price=my_price, **c).right
    assert cs.check("04-q1", 25.5, my_price=my_price, **c).status == "wrong"  # recalibrated cost
    c2 = {**c, "deliveries_q3": 108_796.0, "operating_profit_q3": 7e8}
    be = 4 * (108_796 * 66_300 - 7e8) / (my_price - 193_700)
    assert cs.check("04-q2", ..., my_price=my_price, **c2).status == "not yet"
    assert cs.check("04-q2", be, my_price=my_price, **c2).right
    assert cs.check("04-q2", be * 1.1, my_price=my_price, **c2).status == "wrong"
    assert "✔ 04-q1: right" in _text("04-q1") and "✔ 04-q2: right" in _text("04-q2")
