"""The stored outputs of notebooks/03_financials.ipynb hold the figures that matter.

These checks replace tests/test_exhibits_financials.py and the notebook-related parts
of tests/test_finance.py: each expected value is computed here by hand from the
figures the articles (and Xiaomi's announcements) print, and compared with the text
the notebook stored, so the test fails if a stored output changes.  The exercises are
checked too: "not yet" for ``...``, "right" for the model answer, "wrong" otherwise.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import casestudy as cs
from casestudy import paths

NOTEBOOK = paths.notebooks_dir() / "03_financials.ipynb"


def _exhibits() -> dict[str, str]:
    """Stored text of each exhibit by number ("3.1" -> its text/plain), plus computed prose."""
    nb = json.loads(Path(NOTEBOOK).read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    prose = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            text = "".join(data.get("text/plain", "")) if data else ""
            m = re.match(r"Exhibit (3\.\d+)\.", text)
            if m:
                out[m.group(1)] = text
            if "text/markdown" in data:
                prose.append("".join(data["text/markdown"]))
    out["prose"] = "\n".join(prose)
    return out


@pytest.fixture(scope="module")
def ex() -> dict[str, str]:
    return _exhibits()


def _row(text: str, label: str) -> str:
    rows = [line for line in text.splitlines() if label in line]
    assert rows, f"no row {label!r} in:\n{text}"
    return rows[0]


def test_exhibits_are_numbered_in_order(ex):
    numbers = [k for k in ex if k != "prose"]
    assert numbers == [f"3.{i}" for i in range(1, len(numbers) + 1)]
    assert len(numbers) == 19


def test_implied_q3_2024_base(ex):
    row = _row(ex["3.1"], "Revenue, Xiaomi Group")
    assert f"{113.1 / 1.223:.1f} bn CNY" == "92.5 bn CNY" and "92.5 bn CNY" in row
    assert f"{(113.1 - 113.1 / 1.223):.1f} bn CNY" in row  # 20.6 bn change
    assert f"{11.3 / 1.809:.1f} bn CNY" in _row(ex["3.1"], "Adjusted net profit")  # 6.2


def test_adjusted_net_margin_now_and_a_year_earlier(ex):
    now, before = 11.3 / 113.1 * 100, (11.3 / 1.809) / (113.1 / 1.223) * 100  # 9.99, 6.75
    row = _row(ex["3.1"], "Adjusted net margin")
    assert f"{now:.1f}%" in row and f"{before:.1f}%" in row and f"{now - before:.1f} pp" in row


def test_revenue_mix_car_estimate_and_residual(ex):
    car = 108_796 * 260_000  # deliveries x the article's "around 260,000 yuan"
    assert f"{car / 1e9:.1f} bn CNY" == "28.3 bn CNY"
    assert "28.3 bn CNY" in _row(ex["3.2"], "Cars (ESTIMATE)")
    rest = 113.1e9 - 27.6e9 - car
    assert f"{rest / 1e9:.1f} bn CNY" in _row(ex["3.2"], "RESIDUAL")  # 57.2
    assert f"{rest / 113.1e9 * 100:.1f}" in _row(ex["3.2"], "RESIDUAL")  # 50.6 %
    assert f"{0.239 * 27.6:.1f} bn CNY" in _row(ex["3.2"], "IoT and consumer goods")  # 6.6


def test_iot_margin_change_both_readings_flagged(ex):
    text = ex["3.4"]
    assert f"{23.9 - 3.2:.1f}" in _row(text, "percentage points (used here)")  # 20.7
    assert f"{23.9 / 1.032:.2f}" in _row(text, "relative change (also possible)")  # 23.16
    assert "The text writes '3.2%'" in text and "also a possible reading" in text


def test_car_unit_economics_and_monthly_profit_flag(ex):
    text = ex["3.5"]
    assert f"{0.255 * 260_000:,.0f} CNY" in _row(text, "Gross profit per car")  # 66,300
    assert f"{260_000 - 0.255 * 260_000:,.0f} CNY" in _row(text, "Cost of sales per car")  # 193,700
    assert f"{700e6 / 108_796:,.0f} CNY" in _row(text, "per car delivered")  # 6,434
    assert "monthly profit" in text and "单季" in text and "cannot settle it" in text


def test_network_and_run_rates(ex):
    text = ex["3.6"]
    assert f"{108_796 / 402:.1f}" in _row(text, "per sales outlet")
    run_rate = _row(text, "quarter x 4")
    assert f"{108_796 * 4:,}" in run_rate and "RUN RATE" in run_rate
    assert f"{40_000 * 12:,}" in _row(text, "September pace")


def test_drawdown_from_the_peak(ex):
    drawdown = (61.45 - 39.14) / 61.45 * 100
    assert f"{drawdown:.1f}%" == "36.3%" and "36.3%" in _row(ex["3.7"], "Fall from the peak")
    assert f"{39.14 / (1 - 0.0402):.2f} HKD" in ex["3.7"]  # the price before the day's fall
    assert "fallen by more than 30% this year" in ex["3.18"]
    assert "holds" in _row(ex["3.18"], "fallen by more than 30%")


def test_growth_in_scale_issue_13(ex):
    text = ex["3.8"]
    assert "10 bn USD" in text and "45 bn USD" in text  # no conversion across years
    assert "CNY" not in _row(text, "Valuation, 2013")
    assert f"{4.5 ** 0.5 * 100 - 100:.1f}% a year" in text  # 112.1
    assert f"{113.1 / 200:.2f}x the milestone" in text  # 0.57: one quarter is below 200 bn
    # the letter: first passed in 2019
    assert f"{205.8387:.1f} bn CNY" in _row(text, "Revenue, 2019")
    assert "first passed it in 2019" in ex["prose"]
    assert f"{113.1 * 4 / 200:.2f}x" in _row(text, "run rate")  # 2.26
    assert f"{20 / 452.4 * 100:.1f}%" in _row(text, "revenue run rate")  # 4.4
    assert f"{20 / 45.2 * 100:.1f}%" in _row(text, "adjusted-profit run rate")  # 44.2
    assert "less than the milestone" in ex["prose"] and "many times over" not in ex["prose"]


def test_missing_offline_share_is_shown_as_missing(ex):
    row = _row(ex["3.9"], "offline January to July 2025  Xiaomi")
    assert "—" in row and "missing" in row
    assert "29.63" in ex["3.9"] and "30.21" in ex["3.9"] and "16.71" in ex["3.9"]


def test_appliance_front(ex):
    assert f"more than {2.5e9 / 7e6:,.0f} CNY" in ex["3.10"]  # 357 per unit of yearly capacity
    assert "120 CNY" in ex["3.10"]


def test_financial_history_from_the_references(ex):
    text = ex["3.11"]
    assert "Xiaomi Corporation, Annual Results Announcement" in text
    for year, revenue, profit in (("2017", "114.6", "5.4"), ("2021", "328.3", "22"),
                                  ("2024", "365.9", "27.2")):
        row = _row(text, f"   {year} ")
        assert revenue in row and profit in row
    assert "2025-9M" in text and "not a full year" in text


def test_segment_mix_and_ramp(ex):
    text = ex["3.13"]
    assert _row(text, "2025-Q3").split()[1] == "29"  # smart EV and new initiatives, bn CNY
    assert "2022" in text and "2024-Q1" in text
    assert "60 cars were delivered" in ex["prose"]  # 67,157 - 27,307 - 39,790
    assert f"{350_000 - (75_869 + 81_302 + 108_796):,}" in ex["prose"]  # 84,033 left for Q4


def test_seed_and_reference_overlap_agree(ex):
    text = ex["3.16"]
    assert text.count("agree") >= 9 and "DISAGREE" not in text
    assert "9 of 9 figures agree" in ex["prose"]
    implied = ex["3.17"]
    assert "92.48 bn CNY" in implied and "92.51 bn CNY" in implied  # implied vs reported Q3 2024


def test_claims_settled_by_the_references(ex):
    text = ex["3.18"]
    assert "4 quarters in a row" in _row(text, "fourth consecutive")
    assert "does not hold" in _row(text, "barely two years old")  # 15 - (2025 - 2013) = 3
    assert "21 and 21 yen per yuan" in text


def test_facts_index_quotes_are_the_originals():
    corpus = cs.load_corpus()
    nb = json.loads(Path(NOTEBOOK).read_text(encoding="utf-8"))
    csv = [o["metadata"]["casestudy"]["csv"] for c in nb["cells"] for o in c.get("outputs", [])
           if o.get("metadata", {}).get("casestudy", {}).get("exhibit") == "3.19"]
    assert len(csv) == 1
    import io

    import pandas as pd
    table = pd.read_csv(io.StringIO(csv[0]))
    assert len(table) > 40 and "fact_id" not in table.columns  # no machine ids in the exhibit
    for _, row in table.iterrows():
        start, end = map(int, row["offsets"].split("-"))
        seed = next(s for s in corpus if s.id.startswith(str(row["seed"]).zfill(3) + "_"))
        assert " ".join(seed.raw[start:end].split()) == row["quote"]


# --- exercises -----------------------------------------------------------------------


def test_exercise_checks_not_yet_right_wrong():
    iot_share_2024 = 100 * (27.6e9 / 1.056) / (113.1e9 / 1.223)  # 28.26 %
    assert cs.check("03-q1", ...).status == "not yet"
    assert cs.check("03-q1", iot_share_2024).right
    wrong = cs.check("03-q1", 27.6 / 113.1 * 100)  # this year's share: too low
    assert wrong.status == "wrong"
    assert "low" not in wrong.message.lower() and "28" not in wrong.message
    cost = 260_000 * (1 - 0.255)
    for price in (234_000.0, 300_000.0):
        margin = 100 * (price - cost) / price
        assert cs.check("03-q2", margin, price=price, base_price=260_000.0).right
        assert cs.check("03-q2", ..., price=price, base_price=260_000.0).status == "not yet"
    same_margin = cs.check("03-q2", 25.5, price=234_000.0, base_price=260_000.0)  # cost recomputed
    assert same_margin.status == "wrong" and "high" not in same_margin.message.lower()


def test_the_stored_checks_say_right():
    nb = json.loads(Path(NOTEBOOK).read_text(encoding="utf-8"))
    checks = [c for c in nb["cells"] if "cs.check(" in "".join(c["source"])]
    assert len(checks) == 2
    for c in checks:
        assert "exercise" in c["metadata"]["tags"]
        text = "".join("".join(o["data"]["text/plain"]) for o in c["outputs"] if "data" in o)
        assert "right" in text


def test_student_edition_runs_with_exercises_unanswered(student_runs):
    """Without the answer and teaching-note cells the notebook runs, and each check says 'not yet'
    (the student edition is executed once per test session, tests/conftest.py)."""
    import nbformat

    run = student_runs["03_financials"]
    assert run.ok, run.summary()
    nb = nbformat.read(str(run.output), as_version=4)
    assert not [c for c in nb.cells
                if {"answer", "teaching-note"} & set(c.metadata.get("tags", []))]
    outputs = ["".join(o.get("data", {}).get("text/plain", "")) for c in nb.cells
               if "cs.check(" in c.source for o in c.outputs]
    assert len(outputs) == 2 and all("not yet" in t for t in outputs), outputs


def test_car_price_parameter_default_is_the_fact():
    spec = {p.name: p for p in cs.parameters.spec_for("03_financials")}
    price = spec["car_price"]
    facts = cs.load_corpus().facts().set_index("fact_id")
    assert price.default == facts.loc["s004-q3-2025-ev-average-price", "value"]
    assert "s004-q3-2025-ev-average-price" in price.source and price.unit == "CNY per vehicle"
    with pytest.raises(cs.ParameterError, match="car_price"):
        cs.parameters.check_values("03_financials", {"car_price": "cheap"})


def test_q2_2025_car_margin_and_the_guide(ex):
    """Exhibit 3.15 draws the Q2 2025 segment margin; the guide carries no verdict or history."""
    refs = cs.load_references().set_index("ref_id")
    assert refs.loc["xiaomi-ev-gross-margin-2025-q2", "value"] == 26.4
    assert "xiaomi-q2-2025" == refs.loc["xiaomi-ev-gross-margin-2025-q2", "doc_id"]
    assert "given for 6 of these quarters, was highest in 2025-Q2 (26.4%)" in ex["prose"]
    assert "2025-08-19" in ex["3.15"]  # the Q2 2025 announcement is on the Source line
    nb = json.loads(Path(NOTEBOOK).read_text(encoding="utf-8"))
    note = "".join("".join(c["source"]) for c in nb["cells"]
                   if "teaching-note" in c["metadata"].get("tags", []))
    assert "earlier version" not in note and "corrected comparison" not in note
    assert "One view, the author's" in note and "has not been taught yet" in note


def test_no_machine_ids_or_raw_numbers_in_outputs():
    nb = json.loads(Path(NOTEBOOK).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if {"answer", "remove-output"} & set(cell["metadata"].get("tags", [])):
            continue
        for o in cell.get("outputs", []):
            text = "".join(o.get("data", {}).get("text/plain", "")) + "".join(o.get("text", ""))
            raw = r"\d\.\d+e[+-]\d+|np\.float|\bs00\d-|\bxiaomi-[a-z]"  # sci. notation, ids
            assert not re.search(raw, text), text[:200]
