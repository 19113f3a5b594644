"""Tests of casestudy.finance with hand-computed expectations.

The figures below are the ones the sources report (seeds 000 and 004); they
appear here only as worked examples, never in the module itself.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casestudy import finance as fin
from casestudy.finance import CANNOT_CHECK, DOES_NOT_HOLD, HOLDS, Derived, FinanceError, q


def fact(fid: str, value: float, unit: str, **extra: object) -> pd.Series:
    """A row shaped like corpus.facts()."""
    row = {"fact_id": fid, "seed_id": "004_e1cfa5dcaaabac6e", "metric": "m", "value": value, "unit": unit,
           "period": "2025-Q3", "entity": "Xiaomi Group", "quote": "...", "start": 0, "end": 1,
           "approx": False, "qualifier": None, "note": None}
    row.update(extra)
    return pd.Series(row)


# --- implied prior-period value -------------------------------------------------------------


def test_implied_q3_2024_revenue_from_growth() -> None:
    # Q3 2025 revenue 113.1 bn yuan, +22.3% yoy -> Q3 2024 = 113.1e9 / 1.223 = 92.4775...e9
    d = fin.implied_prior(fact("rev", 113.1e9, "CNY"), fact("rev-g", 22.3, "%"))
    assert d.value == pytest.approx(113.1e9 / 1.223, rel=1e-15)
    assert d.value == pytest.approx(92.48e9, abs=0.005e9)
    assert d.unit == "CNY"
    assert d.sources == ("rev", "rev-g")
    assert d.formula == "113.1e9 / (1 + 22.3/100)"
    assert not d.approx


def test_implied_prior_adjusted_net_profit_and_share_price() -> None:
    # adjusted net profit 11.3 bn, +80.9% -> 11.3e9 / 1.809 = 6.2465e9
    assert fin.implied_prior(q(11.3e9, "CNY"), 80.9).value == pytest.approx(6.2465e9, rel=1e-4)
    # share at HK$39.14 after -4.02% -> previous close 39.14 / 0.9598 = 40.779...
    d = fin.implied_prior(q(39.14, "HKD", "share-price"), q(-4.02, "%", "share-move"))
    assert d.value == pytest.approx(40.7793, abs=1e-4)
    assert d.unit == "HKD"


def test_implied_prior_rejects_bad_inputs() -> None:
    with pytest.raises(FinanceError, match=r"growth_pct.*expected a percent"):
        fin.implied_prior(q(1.0, "CNY"), q(5.0, "CNY"))
    with pytest.raises(FinanceError, match=r"above -100%"):
        fin.implied_prior(q(1.0, "CNY"), -100)
    with pytest.raises(FinanceError, match=r"current.*not a percentage"):
        fin.implied_prior(q(23.9, "%"), 3.2)


def test_growth_and_ratio() -> None:
    # 92.4775e9 -> 113.1e9 is +22.3%
    assert fin.growth(113.1e9 / 1.223, 113.1e9).value == pytest.approx(22.3)
    assert fin.ratio(q(10, "USD"), q(5, "USD")).value == 2.0


@given(st.floats(1e-3, 1e13), st.floats(-99.0, 1000.0))
def test_growth_inverts_implied_prior(current: float, g: float) -> None:
    prior = fin.implied_prior(q(current, "CNY"), g)
    assert fin.growth(prior, q(current, "CNY")).value == pytest.approx(g, rel=1e-9, abs=1e-9)


# --- margins ------------------------------------------------------------------------------------


def test_margin_and_change() -> None:
    # 66,300 gross profit on 260,000 revenue -> 25.5%
    m = fin.margin(q(66_300, "CNY", "gp"), q(260_000, "CNY", "rev"))
    assert m.value == pytest.approx(25.5, abs=1e-12)
    assert m.unit == "%" and m.sources == ("gp", "rev")
    ch = fin.margin_change_pp(q(23.9, "%", "m25"), q(20.7, "%", "m24"))
    assert ch.value == pytest.approx(3.2) and ch.unit == "pp"


def test_prior_margin_from_pp_and_relative() -> None:
    # IoT gross margin 23.9%, "increase of 3.2%": as points 23.9 - 3.2 = 20.7;
    # as a relative change 23.9 / 1.032 = 23.1589...
    pp = fin.prior_margin_from_change(fact("iot-gm", 23.9, "%"), fact("iot-gm-chg", 3.2, "%"))
    assert pp.value == pytest.approx(20.7, abs=1e-12)
    assert "percentage points" in pp.note
    assert pp.sources == ("iot-gm", "iot-gm-chg")
    rel = fin.prior_margin_from_change(q(23.9, "%"), q(3.2, "%"), reading="relative")
    assert rel.value == pytest.approx(23.1589, abs=1e-4)
    assert fin.prior_margin_from_change(q(23.9, "%"), q(3.2, "pp")).note == ""
    with pytest.raises(FinanceError, match="reading='relative'"):
        fin.prior_margin_from_change(q(23.9, "%"), q(3.2, "pp"), reading="relative")


def test_margin_of_a_count_raises() -> None:
    with pytest.raises(FinanceError) as exc:
        fin.margin(fact("deliv", 108_796, "vehicles"), q(1e9, "CNY"))
    msg = str(exc.value)
    assert "numerator" in msg and "108796" in msg and "vehicles" in msg and "money" in msg


def test_margin_mixed_currencies_raises() -> None:
    with pytest.raises(FinanceError, match=r"CNY.*HKD|HKD.*CNY"):
        fin.margin(q(1.0, "CNY"), q(2.0, "HKD"))


# --- run rate, CAGR, drawdown, per unit ------------------------------------------------------


def test_run_rate_is_labelled() -> None:
    # 113.1e9 x 4 = 452.4e9, not a reported annual figure
    d = fin.run_rate(fact("rev", 113.1e9, "CNY"))
    assert d.value == pytest.approx(452.4e9)
    assert d.kind == "run rate"
    assert "not a reported figure" in d.label
    assert d.formula == "113.1e9 * 4"
    assert "run rate" in d.explain()
    with pytest.raises(FinanceError, match="periods_per_year"):
        fin.run_rate(1.0, periods_per_year=0)


def test_cagr() -> None:
    # valuation ~USD 10 bn (2013) -> USD 45 bn (2015): sqrt(4.5) - 1 = 1.12132 -> 112.13% a year
    d = fin.cagr(fact("val-2013", 10e9, "USD", approx=True), fact("val-2015", 45e9, "USD"), 2)
    assert d.value == pytest.approx((math.sqrt(4.5) - 1) * 100)
    assert d.value == pytest.approx(112.132, abs=1e-3)
    assert d.approx  # "bijna" (nearly) 10 bn
    with pytest.raises(FinanceError, match="years"):
        fin.cagr(q(1, "USD"), q(2, "USD"), 0)
    with pytest.raises(FinanceError, match=r"start.*USD.*end.*CNY|different units"):
        fin.cagr(q(1, "USD"), q(2, "CNY"), 1)


def test_drawdown_and_fallen_by_more_than_30() -> None:
    # (61.45 - 39.14) / 61.45 = 22.31 / 61.45 = 0.36306 -> 36.3%
    peak = fact("share-peak", 61.45, "HKD")
    now = fact("share-now", 39.14, "HKD")
    d = fin.drawdown(peak, now)
    assert d.value == pytest.approx(36.306, abs=1e-3)
    assert round(d.value, 1) == 36.3
    chk = fin.check_fallen_by_more_than(peak, now, 30, claim="fallen by more than 30% this year")
    assert chk.verdict == HOLDS and chk.holds
    assert chk.computed is not None and chk.computed.sources == ("share-peak", "share-now")
    assert "36.3" in chk.explanation
    assert fin.check_fallen_by_more_than(peak, now, 40).verdict == DOES_NOT_HOLD
    assert fin.check_fallen_by_more_than(None, now, 30).verdict == CANNOT_CHECK


def test_drawdown_currency_mismatch() -> None:
    with pytest.raises(FinanceError) as exc:
        fin.drawdown(q(61.45, "HKD"), q(39.14, "CNY"))
    assert "peak" in str(exc.value) and "61.45" in str(exc.value) and "same unit" in str(exc.value)


@given(st.floats(0.01, 1e6), st.floats(0.0, 1.0))
def test_drawdown_between_0_and_100_for_a_fall(peak: float, frac: float) -> None:
    d = fin.drawdown(q(peak, "HKD"), q(peak * frac, "HKD")).value
    assert -1e-9 <= d <= 100 + 1e-9


def test_per_unit() -> None:
    # 108,796 vehicles over 402 outlets = 270.64 vehicles per outlet
    d = fin.per_unit(q(108_796, "vehicles", "deliv"), q(402, "outlets", "outlets"))
    assert d.value == pytest.approx(270.6368, abs=1e-4)
    assert d.unit == "vehicles per outlet"
    # 28.2870e9 CNY / 108,796 vehicles = 260,000 CNY per vehicle
    d2 = fin.per_unit(q(260_000 * 108_796, "CNY"), q(108_796, "vehicles"))
    assert d2.value == pytest.approx(260_000) and d2.unit == "CNY per vehicle"
    assert fin.per_unit(q(1, "CNY"), q(2, "cities")).unit == "CNY per city"
    with pytest.raises(FinanceError, match=r"units.*expected a count"):
        fin.per_unit(q(1, "CNY"), q(2, "CNY"))


# --- currencies ---------------------------------------------------------------------------------


def test_convert_with_explicit_rates() -> None:
    # 2000e8 CNY at 21 JPY per CNY (CNY per JPY = 1/21) -> 4.2e12 JPY
    d = fin.convert(q(2000e8, "CNY", "rev-2020"), "JPY", {"CNY": 1.0, "JPY": 1 / 21})
    assert d.value == pytest.approx(4.2e12)
    assert d.unit == "JPY" and d.sources == ("rev-2020",)
    # 10e9 USD at 7.1 CNY/USD into HKD at 0.91 CNY/HKD: 10e9 * 7.1 / 0.91 = 78.02e9
    d2 = fin.convert(q(10e9, "USD"), "HKD", {"CNY": 1.0, "USD": 7.1, "HKD": 0.91}, rate_sources=("assumed",))
    assert d2.value == pytest.approx(10e9 * 7.1 / 0.91)
    assert d2.sources == ("assumed",)


def test_convert_missing_rate_names_currency_and_rates() -> None:
    with pytest.raises(FinanceError) as exc:
        fin.convert(q(1.0, "USD"), "JPY", {"CNY": 1.0, "USD": 7.1})
    msg = str(exc.value)
    assert "'JPY'" in msg and "CNY=1.0" in msg and "USD=7.1" in msg
    with pytest.raises(FinanceError, match=r"rate for USD.*positive"):
        fin.convert(q(1.0, "USD"), "CNY", {"CNY": 1.0, "USD": -1})
    with pytest.raises(FinanceError, match="ISO currency"):
        fin.convert(q(5, "vehicles"), "CNY", {"CNY": 1.0})


def test_yen_conversions_imply_the_same_rate() -> None:
    # 2000億元 ≈ 4.2兆円 -> 4.2e12 / 2e11 = 21.0 JPY per CNY
    # 1000億元 ≈ 2.1兆円 -> 2.1e12 / 1e11 = 21.0 JPY per CNY: consistent
    r = fin.implied_rate(fact("rev-cny", 2000e8, "CNY"), fact("rev-jpy", 4.2e12, "JPY", approx=True))
    assert r.value == pytest.approx(21.0) and r.unit == "JPY per CNY" and r.approx
    chk = fin.check_rates_consistent(
        (fact("rev-cny", 2000e8, "CNY"), fact("rev-jpy", 4.2e12, "JPY")),
        (fact("inv-cny", 1000e8, "CNY"), fact("inv-jpy", 2.1e12, "JPY")),
    )
    assert chk.verdict == HOLDS
    assert chk.computed is not None and chk.computed.value == pytest.approx(1.0)
    assert chk.computed.sources == ("rev-cny", "rev-jpy", "inv-cny", "inv-jpy")
    # a conversion at 20 JPY/CNY next to one at 21 is 5% apart: does not hold at 2% tolerance
    bad = fin.check_rates_consistent((q(1e11, "CNY"), q(2.0e12, "JPY")), (q(1e11, "CNY"), q(2.1e12, "JPY")))
    assert bad.verdict == DOES_NOT_HOLD


# --- sums and display ---------------------------------------------------------------------------


def test_adding_cny_to_hkd_raises() -> None:
    with pytest.raises(FinanceError) as exc:
        fin.add(fact("a", 1.0, "CNY"), fact("b", 2.0, "HKD"))
    msg = str(exc.value)
    assert "CNY" in msg and "HKD" in msg and "convert" in msg
    assert fin.add(q(1.0, "CNY", "a"), q(2.0, "CNY", "b")).value == 3.0
    assert fin.subtract(q(5.0, "CNY"), q(2.0, "CNY")).value == 3.0


def test_scaling_for_display() -> None:
    assert fin.scale(113.1e9, "billions") == pytest.approx(113.1)
    assert fin.scale(700e6, "millions") == pytest.approx(700)
    assert fin.format_scaled(113.1e9, "CNY") == "113.1 bn CNY"
    assert fin.format_scaled(700e6, "CNY") == "700.0 m CNY"
    assert fin.format_scaled(15_000, "CNY", to="thousands") == "15.0 k CNY"
    assert fin.format_scaled(402, "outlets") == "402 outlets"
    assert fin.format_scaled(25.5, "%") == "25.5%"
    assert fin.format_scaled(3.2, "pp") == "3.2 pp"
    with pytest.raises(FinanceError, match="billions"):
        fin.scale(1.0, "lakhs")


# --- fact rows and provenance -------------------------------------------------------------------


def test_fact_rows_from_a_dataframe_and_mapping() -> None:
    facts = pd.DataFrame([fact("rev", 113.1e9, "CNY"), fact("g", 22.3, "%", qualifier="about")])
    d = fin.implied_prior(facts.iloc[0], facts.iloc[1])
    assert d.sources == ("rev", "g")
    assert d.approx  # the qualifier "about" marks the growth as approximate
    m = fin.implied_prior({"fact_id": "x", "value": 10.0, "unit": "CNY"}, {"value": 0.0, "unit": "%"})
    assert m.sources == ("x",) and m.value == 10.0


def test_fact_row_with_missing_or_bad_value() -> None:
    with pytest.raises(FinanceError, match="no value"):
        fin.as_quantity({"fact_id": "x", "unit": "CNY"})
    with pytest.raises(FinanceError, match=r"x.*finite"):
        fin.implied_prior(fact("x", float("nan"), "CNY"), 1.0)
    with pytest.raises(FinanceError, match="expected a number"):
        fin.implied_prior("113.1", 1.0)  # type: ignore[arg-type]


def test_derived_is_frozen_and_chains_sources() -> None:
    prior = fin.implied_prior(q(113.1e9, "CNY", "rev"), q(22.3, "%", "g"))
    with pytest.raises(AttributeError):
        prior.value = 1.0  # type: ignore[misc]
    rr = fin.run_rate(prior)
    assert rr.sources == ("rev", "g")
    assert float(rr) == pytest.approx(4 * 113.1e9 / 1.223)
    assert set(rr.as_dict()) >= {"label", "value", "unit", "formula", "sources"}
    assert isinstance(rr, Derived)


# --- claim checks -------------------------------------------------------------------------------


def test_claim_check_ops_and_cannot_check() -> None:
    d = fin.drawdown(q(61.45, "HKD"), q(39.14, "HKD"))
    assert fin.claim_check("more than 30%", d, ">", 30).verdict == HOLDS
    assert fin.claim_check("about 36%", d, "~", 36, abs_tol=0.5).verdict == HOLDS
    assert fin.claim_check("at most 30%", d, "<=", 30).verdict == DOES_NOT_HOLD
    c = fin.claim_check("large appliance revenue doubled", None, "~", 2.0,
                        missing="the sources give no revenue figures for large appliances")
    assert c.verdict == CANNOT_CHECK and c.computed is None
    assert "large appliances" in c.explanation
    assert c.as_dict()["verdict"] == CANNOT_CHECK
    with pytest.raises(FinanceError, match="op"):
        fin.claim_check("x", d, "!=", 1)


def test_check_doubled() -> None:
    # 100 -> 205 is x2.05: "doubled" within 5%; 100 -> 150 is x1.5: does not hold
    assert fin.check_doubled(q(100, "CNY"), q(205, "CNY")).verdict == HOLDS
    assert fin.check_doubled(q(100, "CNY"), q(150, "CNY")).verdict == DOES_NOT_HOLD
    assert fin.check_doubled(q(100, "CNY"), q(250, "CNY"), at_least=True).verdict == HOLDS
    # 7 million phones in 2012, "doubled" in H1 2013: the later figure is not given
    chk = fin.check_doubled(q(7e6, "smartphones", "phones-2012"), None)
    assert chk.verdict == CANNOT_CHECK and "later figure" in chk.explanation
    with pytest.raises(FinanceError, match="different units"):
        fin.check_doubled(q(1, "CNY"), q(2, "USD"))


def test_verdicts_are_the_three_documented_strings() -> None:
    assert fin.VERDICTS == ("holds", "does not hold", "cannot be checked from the sources")


def test_claim_thresholds_can_be_fact_rows() -> None:
    # the claim itself is a fact: change from peak "-30 %" with qualifier "more than"
    claim_fact = fact("s004-from-peak", -30.0, "%", approx=True, qualifier="more than")
    chk = fin.check_fallen_by_more_than(fact("peak", 61.45, "HKD"), fact("now", 39.14, "HKD"), claim_fact)
    assert chk.verdict == HOLDS
    assert chk.threshold == 30.0
    assert chk.sources == ("peak", "now", "s004-from-peak")
    assert chk.as_dict()["sources"] == "peak, now, s004-from-peak"
    # "verdubbelde" recorded as a fact 2.0 x, but the later sales figure is not given
    doubled = fact("s002-growth", 2.0, "x")
    c = fin.check_doubled(fact("s002-sales-2012", 7e6, "smartphones"), None, claimed=doubled)
    assert c.verdict == CANNOT_CHECK and c.sources == ("s002-growth",)
    with pytest.raises(FinanceError, match="claimed"):
        fin.check_doubled(q(1, "CNY"), q(2, "CNY"), claimed=q(2, "CNY"))
    with pytest.raises(FinanceError, match="same unit"):
        fin.claim_check("x", fin.drawdown(q(2, "HKD"), q(1, "HKD")), ">", q(30, "HKD"))


def test_per_unit_with_multiword_count_units() -> None:
    assert fin.per_unit(q(1, "CNY"), q(2, "service points")).unit == "CNY per service point"
    assert fin.per_unit(q(1, "CNY"), q(2, "air conditioners per year")).unit == "CNY per air conditioners per year"
