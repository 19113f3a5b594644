"""Tests of casestudy.numbers: numbers as written in five languages, with scale and unit."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from casestudy.numbers import NUMBER_WORDS, SCALES, find_numbers, read_number


def only(text: str, language: str | None = None):
    """The single number mention in ``text``."""
    found = find_numbers(text, language)
    assert len(found) == 1, found
    return found[0]


# -- money, scales and counts ---------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "language", "mention_text", "value", "unit", "kind"),
    [
        ("売上2000億元を突破", "ja", "2000億元", 2e11, "CNY", "money"),
        ("売上2000億元(約4.2兆円)", "ja", "4.2兆円", 4.2e12, "JPY", "money"),
        ("估值450亿美金的企业", "zh", "450亿美金", 4.5e10, "USD", "money"),
        ("achieved a revenue of 113.1 billion yuan", "en", "113.1 billion yuan", 1.131e11, "CNY",
         "money"),
        ("een omzet van 16,58 Mrd. Euro", "de", "16,58 Mrd. Euro", 1.658e10, "EUR", "money"),
        ("Umsatz von 16,58 Mrd. Euro", "de", "16,58 Mrd. Euro", 1.658e10, "EUR", "money"),
        ("ruim 75 miljoen dollar", "nl", "75 miljoen dollar", 7.5e7, "USD", "money"),
        ("closed at HK$39.14 per share", "en", "HK$39.14", 39.14, "HKD", "money"),
        ("up 22.3% year on year", "en", "22.3%", 22.3, "%", "percent"),
        ("株価は2日間で8％下落", "ja", "8％", 8.0, "%", "percent"),
        ("预订量突破20万台", "zh", "20万", 2e5, "台", "count"),
    ],
)
def test_money_percent_and_counts(text: str, language: str, mention_text: str, value: float,
                                  unit: str, kind: str) -> None:
    found = [m for m in find_numbers(text, language) if m.text == mention_text]
    assert len(found) == 1, find_numbers(text, language)
    m = found[0]
    assert math.isclose(m.value, value, rel_tol=1e-12)
    assert m.unit == unit
    assert m.kind == kind
    assert text[m.start:m.end] == m.text


def test_scale_is_recorded_with_the_number_as_written() -> None:
    m = only("2000億元", "zh")
    assert (m.number, m.scale, m.value) == (2000.0, "億", 2e11)
    m = only("113.1 billion yuan", "en")
    assert (m.number, m.scale) == (113.1, "billion")
    assert m.value == 113_100_000_000.0  # exact, not 113100000000.00002


def test_thousands_separator_in_english() -> None:
    m = only("Xiaomi sold 108,796 vehicles", "en")
    assert m.text == "108,796"
    assert m.value == 108796.0
    m = only("1,234,567.5", "en")
    assert m.value == 1234567.5


def test_decimal_comma_in_dutch_and_german() -> None:
    assert only("16,58", "nl").value == 16.58
    assert only("16,58", "de").value == 16.58
    assert only("1.234,5", "de").value == 1234.5
    # the same digits in English: a comma before three digits separates thousands
    assert only("108,796", "en").value == 108796.0
    assert only("108,796", "nl").value == pytest.approx(108.796)


def test_full_width_digits() -> None:
    m = only("売上は１２３億円", "ja")
    assert m.value == 1.23e10
    assert m.unit == "JPY"
    assert m.text == "１２３億円"


def test_scale_word_variants() -> None:
    assert only("7 miljoen", "nl").value == 7e6
    assert only("2 miljard euro", "nl").value == 2e9
    assert only("3 Milliarden Euro", "de").value == 3e9
    assert only("5 Mio. Euro", "de").value == 5e6
    assert only("30 thousand", "en").value == 3e4
    assert only("100亿元", "zh").value == 1e10


# -- dates ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "language", "mention_text", "iso"),
    [
        ("2015/8/25 管理智慧", "zh", "2015/8/25", "2015-08-25"),
        ("9月25日にCEO雷軍氏による年度講演", "ja", "9月25日", "--09-25"),
        ("On November 16, Lei Jun published", "en", "November 16", "--11-16"),
        ("in an interview in April 2024, during", "en", "April 2024", "2024-04"),
        ("中国企业家杂志2025-11-19 15:46", "zh", "2025-11-19 15:46", "2025-11-19"),
        ("2025年9月25日", "zh", "2025年9月25日", "2025-09-25"),
    ],
)
def test_dates(text: str, language: str, mention_text: str, iso: str) -> None:
    found = find_numbers(text, language)
    assert len(found) == 1, found
    m = found[0]
    assert m.kind == "date"
    assert m.text == mention_text
    assert m.date == iso
    assert text[m.start:m.end] == mention_text


def test_invalid_month_is_not_a_date() -> None:
    assert all(m.kind != "date" for m in find_numbers("2015/13/45", "en"))


def test_year_alone() -> None:
    m = only("in 2011 voor het eerst", "nl")
    assert m.kind == "year"
    assert m.value == 2011.0


# -- model names are not numbers ------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    ["the release of the Xiaomi SU7.", "Xiaomi SU7 Ultra", "玄戒O1", "小米15S Pro", "the 15S Pro",
     "YU7", "Vol.", "MIX4", "iPhone17"],
)
def test_model_names_are_not_numbers(text: str) -> None:
    assert find_numbers(text, "en") == []
    assert find_numbers(text, "zh") == []


def test_numbers_beside_model_names_are_found() -> None:
    found = find_numbers("玄戒O1を15S Proに搭載、8%下落", "ja")
    assert [m.text for m in found] == ["8%"]


# -- read_number ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("reading", "language", "value"),
    [
        ("seven million", "en", 7e6),
        ("verdubbelde", "nl", 2.0),
        ("fourth", "en", 4.0),
        ("half", "en", 0.5),
        ("ten thousand", "en", 1e4),
        ("113.1 billion yuan", "en", 1.131e11),
        ("2000億元", "zh", 2e11),
        ("翻倍", "zh", 2.0),
        ("16,58 Mrd. Euro", "de", 1.658e10),
    ],
)
def test_read_number(reading: str, language: str, value: float) -> None:
    got = read_number(reading, language)
    assert got is not None
    assert math.isclose(got, value, rel_tol=1e-12)


@pytest.mark.parametrize("reading", ["", "banana", "seven bananas", "8% and 9%", "   "])
def test_read_number_unreadable(reading: str) -> None:
    assert read_number(reading, "en") is None


def test_number_words_and_scales_are_consistent() -> None:
    assert NUMBER_WORDS["verdubbelde"] == 2
    assert SCALES["億"] == 1e8 and SCALES["万"] == 1e4 and SCALES["兆"] == 1e12


# -- property tests -------------------------------------------------------------------

_PIECES = st.sampled_from(
    ["0", "1", "7", "42", "2000", "2025", "108", "796", ",", ".", " ", "-", "/", ":", "%", "％",
     "１", "２", "．", "，", "\u2009", "億", "亿", "万", "兆", "千", "元", "円",
     "台", "年", "月", "日",
     "billion", " million", " miljoen", " Mrd.", " Mio.", "Milliarden", "thousand", "HK$", "US$",
     "$", "€", "¥", "yuan", " dollar", "美金", "小米", "雷军", "SU7", "O1", "Q3", "November ",
     "April ", "mei ", "März ", "e", "E", "9" * 40, "9" * 305, "inf", "nan", "\n", "\r\n"])
_TEXTS = st.one_of(st.text(max_size=120), st.lists(_PIECES, max_size=40).map("".join))
_LANGS = st.sampled_from([None, "en", "nl", "de", "zh", "ja"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS, _LANGS)
@example("9" * 305 + "兆円", "ja")  # finite digits, infinite once the scale is applied
@example("9" * 300 + " billion yuan", "en")
def test_find_numbers_never_raises_and_spans_are_exact(text: str, language: str | None) -> None:
    found = find_numbers(text, language)
    previous = -1
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert math.isfinite(m.value) and math.isfinite(m.number)
        assert m.start >= previous
        previous = m.start
        assert m.kind in {"date", "year", "percent", "money", "count", "number"}
    # mentions do not overlap
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start, (a, b)


@settings(max_examples=200, deadline=None)
@given(_TEXTS, _LANGS)
@example("9" * 305 + "兆", "zh")
@example("9" * 300 + " billion billion", "en")
@example("one" + " trillion" * 30, "en")
def test_read_number_never_raises(text: str, language: str | None) -> None:
    got = read_number(text, language)
    assert got is None or math.isfinite(got)
