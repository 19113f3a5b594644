"""The stored notebook 04_ev_scenarios: its headline figures equal the model's output at the
defaults (so notebook and sweep cannot drift), the checks answer right and not yet, the
exhibits' checks (calibration, tax, signed break-evens, zero bars, Europe under both duty rates),
and the teaching note's form (exact references, no history, no claimed classroom experience)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

import casestudy as cs
from casestudy import europe as eu
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
    assert r["price_change_to_break_even_pct"] < 0  # a profit at the defaults: room for a cut
    cut = cs.fmt(abs(r["price_change_to_break_even_pct"]), "%", digits=1)
    assert answers[1] == f"a cut of {cut}"
    assert "-" not in answers[1] and "−" not in answers[1]
    price = sc.solve("price", "operating_profit", 0, 130_000, 260_000)
    assert answers[2] == cs.fmt(price, "CNY", digits=0)


def test_zero_bars_are_explained() -> None:
    home = _text("Inputs with a bar of zero width at this run's values")
    assert "own-price elasticity: " in home and "factories' capacity: " in home
    europe = _text("The widest bar is **dealer's commission**")
    assert "price premium set: " in europe


def test_europe_as_stored(exhibits) -> None:
    e = sc.evaluate(model=eu.EUROPE)
    c = sc.evaluate(model=eu.EUROPE, countervailing_duty_pct=20.7)
    stack = exhibits["4.10a"].set_index("per car")
    assert list(stack.columns) == ["this run's rate, 35.3%", "cooperating rate, 20.7%"]
    for col, out in zip(stack.columns, (e, c), strict=True):
        for row, key in [("countervailing duty", "countervailing_duty"),
                         ("buyer pays", "buyer_price"), ("contribution", "contribution_per_car")]:
            assert stack.loc[row, col] == cs.fmt(out[key], "EUR", digits=0)
        assert stack.loc["premium that breaks even", col] == cs.fmt(
            out["break_even_premium_pct"], "%", digits=1)
    assert stack.loc["memo: customs value"].iloc[0] == cs.fmt(e["customs_value"], "EUR", digits=0)
    duties = exhibits["4.8a"]
    assert "ref_id" not in duties.columns
    xiaomi = duties[duties["entity"].str.startswith("Xiaomi")]
    assert xiaomi["total, %"].tolist() == [pytest.approx(45.3)]
    assert "unchecked" in xiaomi["entity"].iloc[0]
    tornado = exhibits["4.12a"].set_index("input")
    assert tornado.loc["price premium set", "swing"] == "0.0 pp"


def test_student_exhibits_show_no_machine_ids(exhibits) -> None:
    for number, table in exhibits.items():
        text = table.to_csv()
        assert "ref_id" not in table.columns and "fact_id" not in table.columns, number
        assert not any(s in text for s in ("eu-cvd-rate", "eu-bev-", "s004-")), number


def test_no_intermediate_output_is_displayed() -> None:
    for cell in json.loads(NB.read_text())["cells"]:
        for o in cell.get("outputs", []):
            text = "".join(o.get("data", {}).get("text/plain", ""))
            assert "e+0" not in text and "e+1" not in text, text[:200]


def test_teaching_note_is_balanced_exact_and_without_history() -> None:
    cells = json.loads(NB.read_text())["cells"]
    guide = " ".join("".join(c["source"]) for c in cells
                     if {"teaching-note"} & set(c["metadata"].get("tags", [])))
    for phrase in ("my own verdict", "old version", "earlier version", "usually shifts",
                   "around exhibit", "re-audit"):
        assert phrase not in guide.lower(), phrase
    assert "one view" in guide.lower() and "what would change this view" in guide.lower()
    for option in ("*Europe first:*", "*The appliance war at home first:*", "*Trust first:*"):
        assert option in guide
    assert "by construction" in guide  # the Lerner default's consequence
    stored = {m for c in cells for o in c.get("outputs", [])
              for m in [o.get("metadata", {}).get("casestudy", {}).get("exhibit")] if m}
    stored |= {n.rstrip("ab") for n in stored}
    import re
    for ref in re.findall(r"Exhibits? (\d+\.\d+[a-z]?)", guide):
        assert ref in stored or ref.rstrip("ab") in stored, ref


def test_no_constant_cost_conclusion_survives() -> None:
    cells = json.loads(NB.read_text())["cells"]
    student = " ".join("".join(c["source"]) for c in cells
                       if not {"teaching-note", "answer"} & set(c["metadata"].get("tags", [])))
    assert "restore gross profit" not in student.lower()
    # the notebook asserts it agrees with sc.evaluate
    assert "walk-through and model differ" in student


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
