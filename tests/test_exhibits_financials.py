"""Exhibits of 03_financials on the real corpus, against hand-computed expectations.

The expectations are computed here by hand from the figures of seed 004 (and 000, 002,
003) as the articles print them; the exhibits must derive the same numbers from
``corpus.facts()``.  Also: every exhibit names facts that exist, and neither the
exhibit module nor the notebook types a figure of the case.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import nbformat
import pytest

import casestudy as cs
from casestudy import finance as fin
from casestudy.exhibits import financials as ex
from casestudy.exhibits._evidence import FactExhibit

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "03_financials.ipynb"


@pytest.fixture(scope="module")
def corpus() -> cs.Corpus:
    return cs.load_corpus()


def money_for(corpus: cs.Corpus, **params: object) -> ex.Money:
    return ex.Money.from_parameters(cs.parameters.check_values("03_financials", params), corpus)


@pytest.fixture(scope="module")
def money(corpus: cs.Corpus) -> ex.Money:
    return money_for(corpus)


# --- 3.0 money --------------------------------------------------------------------------------


def test_yen_rate_is_derived_from_seed_000_by_default(corpus, money):
    # 2000億元 ≈ 4.2兆円: 4.2e12 / 200e9 = 21 yen per yuan
    assert money.jpy_rate is not None
    assert money.jpy_rate.value == pytest.approx(21.0)
    assert money.jpy_rate.sources == ("s000-revenue-2020", "s000-revenue-2020-jpy")
    assert money.rates["JPY"] == pytest.approx(1 / 21)
    rates = ex.rates_table(money, corpus)
    assert set(rates.facts) == {"s000-revenue-2020", "s000-revenue-2020-jpy"}
    assert "4.2e12 / 200e9" in rates.table.to_string()


def test_a_given_yen_rate_replaces_the_derived_one(corpus):
    m = money_for(corpus, jpy_per_cny=20.0)
    assert m.jpy_rate is None and m.rates["JPY"] == pytest.approx(1 / 20)
    assert ex.rates_table(m, corpus).facts == ()


def test_money_is_shown_in_the_chosen_currency_and_scale(corpus):
    usd = ex.at_a_glance(corpus, money_for(corpus, currency="USD"))
    row = usd.table.iloc[0]
    assert row["Q3 2025 (reported)"] == f"{113.1 / 7.1:.1f} bn USD"  # 15.9
    eur_m = ex.at_a_glance(corpus, money_for(corpus, currency="EUR", scale="millions"))
    assert eur_m.table.iloc[0]["Q3 2025 (reported)"] == f"{113.1e3 / 8.2:,.1f} m EUR"
    jpy = ex.car_unit_economics(corpus, money_for(corpus, currency="JPY"))
    assert jpy.table.iloc[0]["value"] == f"around {260_000 * 21:,} JPY per vehicle"


# --- 3.1 at a glance --------------------------------------------------------------------------


def test_implied_q3_2024_base(corpus, money):
    v = ex.at_a_glance(corpus, money).values
    assert v["revenue_prior"].value == pytest.approx(113.1e9 / 1.223, rel=1e-6)
    assert v["revenue_prior"].formula == "113.1e9 / (1 + 22.3/100)"
    assert v["revenue_prior"].sources == ("s004-q3-2025-revenue", "s004-q3-2025-revenue-growth")
    assert v["adjusted_net_profit_prior"].value == pytest.approx(11.3e9 / 1.809, rel=1e-6)
    assert v["iot_revenue_prior"].value == pytest.approx(27.6e9 / 1.056, rel=1e-6)
    assert v["revenue_change"].value == pytest.approx(113.1e9 - 113.1e9 / 1.223, rel=1e-6)


def test_adjusted_net_margin_now_and_a_year_earlier(corpus, money):
    v = ex.at_a_glance(corpus, money).values
    now = 11.3 / 113.1 * 100  # 9.99%
    before = (11.3 / 1.809) / (113.1 / 1.223) * 100  # 6.75%
    assert v["adjusted_net_margin"].value == pytest.approx(now)
    assert v["adjusted_net_margin_prior"].value == pytest.approx(before)
    assert v["adjusted_net_margin_change"].value == pytest.approx(now - before)
    assert v["adjusted_net_margin_change"].unit == "pp"


def test_iot_margin_change_is_read_as_points_and_the_other_reading_is_shown(corpus, money):
    e = ex.at_a_glance(corpus, money)
    assert e.values["iot_gross_margin_prior"].value == pytest.approx(23.9 - 3.2)
    assert e.values["iot_gross_margin_prior_relative"].value == pytest.approx(23.9 / 1.032)
    items = list(e.table["item"])
    assert any("percentage points" in i for i in items) and any("ambiguous" in i for i in items)
    assert "'3.2%'" in e.note


# --- 3.2-3.5 revenue mix and the car business ---------------------------------------------------


def test_revenue_mix_car_estimate_and_residual(corpus, money):
    e = ex.revenue_mix(corpus, money)
    v = e.values
    assert v["ev_revenue_estimate"].value == 108_796 * 260_000
    assert v["ev_revenue_estimate"].formula == "108796 * 260000"
    assert v["ev_revenue_estimate"].approx  # "around 260,000 yuan"
    assert v["rest_residual"].value == pytest.approx(113.1e9 - 27.6e9 - 108_796 * 260_000)
    shares = [v[k].value for k in ("iot_revenue_share", "ev_revenue_estimate_share",
                                   "rest_residual_share")]
    assert sum(shares) == pytest.approx(100.0)
    assert v["iot_gross_profit"].value == pytest.approx(0.239 * 27.6e9)
    car = e.table[e.table["business"].str.contains("cars")].iloc[0]
    assert "ESTIMATE" in car["business"] and "estimate" in car[f"revenue Q3 2025"]
    assert "other innovative businesses" in e.note


def test_car_unit_economics(corpus, money):
    v = ex.car_unit_economics(corpus, money).values
    assert v["gross_profit_per_vehicle"].value == pytest.approx(0.255 * 260_000)  # 66,300
    assert v["cost_per_vehicle"].value == pytest.approx(260_000 - 66_300)
    assert v["ev_gross_profit_estimate"].value == pytest.approx(108_796 * 66_300)
    assert v["operating_profit_per_vehicle"].value == pytest.approx(700e6 / 108_796)


def test_car_network(corpus):
    v = ex.car_network(corpus).values
    assert v["deliveries_per_outlet"].value == pytest.approx(108_796 / 402)
    assert v["deliveries_per_service_point"].value == pytest.approx(108_796 / 209)
    assert v["outlets_per_city"].value == pytest.approx(402 / 119)
    assert v["deliveries_run_rate"].value == 108_796 * 4
    assert v["deliveries_run_rate"].kind == "run rate"
    assert v["monthly_run_rate"].value == 40_000 * 12


# --- 3.6 and 3.7 -----------------------------------------------------------------------------


def test_market_verdicts(corpus, money):
    e = ex.market_verdicts(corpus, money)
    assert e.values["drawdown"].value == pytest.approx((61.45 - 39.14) / 61.45 * 100)  # 36.3%
    assert e.values["check_30pct"].verdict == fin.HOLDS
    assert e.values["previous_close"].value == pytest.approx(39.14 / (1 - 0.0402))
    text = e.table.to_string()
    assert "+2.4%" in text and "-8.0%" in text  # seed 000's speech day and the two days after


def test_growth_in_scale(corpus, money):
    v = ex.growth_in_scale(corpus, money).values
    assert v["valuation_multiple"].value == pytest.approx(4.5)
    assert v["valuation_cagr"].value == pytest.approx((4.5 ** 0.5 - 1) * 100)  # 2013 -> 2015
    assert v["revenue_run_rate"].value == pytest.approx(113.1e9 * 4)
    assert v["revenue_run_rate"].kind == "run rate"
    assert "not a reported figure" in v["revenue_run_rate"].label
    assert v["run_rate_vs_2020"].value == pytest.approx(452.4 / 200)
    assert v["hardtech_per_year"].value == pytest.approx(20e9)
    assert v["hardtech_per_year_vs_run_rate"].value == pytest.approx(20 / 452.4 * 100)


# --- 3.8 and 3.9 appliances ----------------------------------------------------------------


def test_missing_offline_share_is_nan_not_filled_in(corpus):
    e = ex.ac_market_shares(corpus)
    xiaomi_offline = e.table[(e.table["channel"] == "offline") & (e.table["company"] == "Xiaomi")]
    assert len(xiaomi_offline) == 1
    assert math.isnan(xiaomi_offline.iloc[0]["share (%)"])
    assert "missing (source truncated)" in xiaomi_offline.iloc[0]["as the source gives it"]
    assert math.isnan(e.values["xiaomi_offline_share"])
    shares = dict(zip(e.table["company"] + "/" + e.table["channel"], e.table["share (%)"]))
    assert shares["Midea/offline"] == 29.63 and shares["Gree/offline"] == 30.21
    assert shares["Xiaomi/online"] == 16.71
    assert "—" in e._repr_html_()  # shown as missing


def test_appliance_front(corpus, money):
    e = ex.appliance_front(corpus, money)
    assert e.values["investment_per_unit_capacity"].value == pytest.approx(2.5e9 / 7e6)
    assert e.values["midea_2024_share_of_total"].value == pytest.approx(902 / 2000 * 100)
    assert e.values["midea_before_2024"].value == pytest.approx(2e9 - 902e6)
    assert "120 CNY" in e.table.to_string()


# --- 3.10 claim checks ------------------------------------------------------------------


def _verdicts(corpus, money) -> dict[str, str]:
    e = ex.claim_checks(corpus, money)
    return dict(zip(e.table["claim (verbatim)"], e.table["verdict"]))


def _find(verdicts: dict[str, str], fragment: str) -> str:
    hits = [v for c, v in verdicts.items() if fragment in c]
    assert len(hits) == 1, (fragment, list(verdicts))
    return hits[0]


def test_claim_verdicts(corpus, money):
    v = _verdicts(corpus, money)
    assert _find(v, "fallen by more than 30% this year") == fin.HOLDS  # 36.3% > 30%
    assert _find(v, "4.2兆円)を突破 … ") == fin.HOLDS  # both conversions use 21 yen per yuan
    assert _find(v, "at this run's yen rate") == fin.CANNOT_CHECK  # circular by default
    assert _find(v, "100 - billion - yuan mark (Q3 2025)") == fin.HOLDS
    assert _find(v, "fourth consecutive quarter") == fin.CANNOT_CHECK
    assert _find(v, "11.3 billion yuan, a record high") == fin.CANNOT_CHECK
    assert _find(v, "were delivered, a record high") == fin.CANNOT_CHECK
    assert _find(v, "verdubbelde") == fin.CANNOT_CHECK
    assert _find(v, "revenue doubling") == fin.CANNOT_CHECK
    assert _find(v, "amper twee jaar oud") == fin.DOES_NOT_HOLD  # 15 - (2025 - 2013) = 3, not 2
    assert _find(v, "5年内") == fin.HOLDS  # 15 - (2025 - 2015) = 5
    assert set(v.values()) <= set(fin.VERDICTS)


def test_fourth_quarter_claim_explains_what_fits(corpus, money):
    e = ex.claim_checks(corpus, money)
    row = e.table[e.table["claim (verbatim)"].str.contains("fourth consecutive")].iloc[0]
    assert "Q4 2024, Q1 2025, Q2 2025" in row["explanation"]
    assert "below" in row["explanation"] and "at most 4 quarters" in row["explanation"]


@pytest.mark.parametrize("rate,verdict", [(20.0, fin.HOLDS), (18.0, fin.DOES_NOT_HOLD)])
def test_yen_conversion_against_a_given_rate(corpus, rate, verdict):
    # 200e9 yuan at 20 yen = 4.0e12, within 5% of 4.2e12; at 18 yen = 3.6e12, not
    v = _verdicts(corpus, money_for(corpus, jpy_per_cny=rate))
    assert _find(v, "at this run's yen rate") == verdict


# --- provenance -------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"currency": "JPY"}, {"currency": "EUR", "scale": "millions",
                                                               "jpy_per_cny": 20.0}])
def test_every_exhibit_names_facts_that_exist(corpus, params):
    known = set(corpus.facts()["fact_id"])
    m = money_for(corpus, **params)
    exhibits = ex.all_exhibits(corpus, m) + [ex.facts_used(corpus, m)]
    assert [e.number for e in exhibits] == ["3.0", "3.1", "3.2", "3.4", "3.5", "3.6", "3.7", "3.8",
                                            "3.9", "3.10", "3.11"]
    for e in exhibits:
        assert isinstance(e, FactExhibit)
        assert set(e.facts) <= known, (e.number, set(e.facts) - known)
        if e.number != "3.0":
            assert e.facts, e.number
        if "facts" in e.table.columns:
            ids = {i.strip() for cell in e.table["facts"] for i in str(cell).split(",") if i.strip()}
            assert ids <= set(e.facts), (e.number, ids - set(e.facts))
        assert e.source.startswith("Source: seed")


def test_the_fact_ids_the_module_reads_exist(corpus):
    assert set(ex.FACT_IDS) <= set(corpus.facts()["fact_id"])
    assert len(ex.FACT_IDS) > 50


def test_facts_index_quotes_are_the_originals(corpus, money):
    e = ex.facts_used(corpus, money)
    facts = corpus.facts().set_index("fact_id")
    for _, row in e.table.iterrows():
        start, end = map(int, row["offsets"].split("-"))
        seed = corpus[facts.loc[row["fact"], "seed_id"]]
        assert " ".join(seed.raw[start:end].split()) == row["quote (verbatim)"]


def _fact_values(corpus) -> set[float]:
    return {float(v) for v in corpus.facts()["value"]}


def _numbers_in(path: Path) -> set[float]:
    """Numeric literals of a module, without the whole numbers up to 12 and 100 and 1000.

    Those are formula constants (one plus growth, percent, four quarters, twelve months),
    digit counts, font sizes and plot geometry; they cannot be told from small counts of
    the case (ranks, years), so they are left out. Every other literal that equals a
    fact's value is a figure typed into the module.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    values = {float(n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant)
              and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)}
    return {v for v in values if not (v.is_integer() and (abs(v) <= 12 or v in (100, 1000)))}


def test_the_exhibit_module_types_no_figure_of_the_case(corpus):
    typed = _numbers_in(REPO / "casestudy" / "exhibits" / "financials.py")
    assert not typed & _fact_values(corpus), sorted(typed & _fact_values(corpus))
