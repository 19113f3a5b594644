"""Read every number in a text with its scale and unit as written.

Finds dates, years, percentages, money and counts written with digits in Chinese,
Japanese, Dutch, English and German: thousands separators and decimal commas by
language (``108,796`` in English, ``16,58`` in Dutch), full-width digits, scale words
and characters (万 亿 億 thousand million miljard Mrd. ...) and units (% HK$ 元 円 yuan
...).  ``value`` has the scale applied: ``2000億元`` reads as 2e11 CNY.

Numbers written as words are not searched for (they would drown the coverage report in
"one hand" and "two fronts"); :func:`read_number` understands :data:`NUMBER_WORDS`
when an annotation names one as a fact's reading.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from dataclasses import dataclass

__all__ = ["NumberMention", "find_numbers", "read_number", "NUMBER_WORDS", "SCALES", "CURRENCIES"]

SCALES: dict[str, float] = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "bn": 1e9, "mn": 1e6,
    "duizend": 1e3, "miljoen": 1e6, "miljard": 1e9, "biljoen": 1e12,
    "tausend": 1e3, "millionen": 1e6, "milliarde": 1e9, "milliarden": 1e9,
    "mrd.": 1e9, "mrd": 1e9, "mio.": 1e6, "mio": 1e6,
    "千万": 1e7, "百万": 1e6, "千": 1e3, "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "兆": 1e12,
}

# Currency as written -> ISO 4217 code.
CURRENCIES: dict[str, str] = {
    "hk$": "HKD", "us$": "USD", "$": "USD", "€": "EUR", "¥": "CNY", "￥": "CNY", "rmb": "CNY",
    "hkd": "HKD", "usd": "USD", "cny": "CNY", "jpy": "JPY", "eur": "EUR",
    "yuan": "CNY", "renminbi": "CNY", "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR",
    "yen": "JPY", "港元": "HKD", "港币": "HKD", "元": "CNY", "人民币": "CNY", "块": "CNY",
    "円": "JPY", "美金": "USD", "美元": "USD", "ドル": "USD", "欧元": "EUR", "ユーロ": "EUR",
}

# Counters and units written after a CJK number (kept as written).
_CJK_UNITS = "台辆輛名人个個家件款次倍年月日时時分秒期组組强強位号號回周週天歳岁条條部枚店城万亿億兆"

NUMBER_WORDS: dict[str, float] = {
    # English
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "fifty": 50, "hundred": 100, "a hundred": 100,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "half": 0.5, "halved": 0.5, "double": 2, "doubled": 2, "doubling": 2, "twice": 2,
    "tripled": 3, "no": 0, "none": 0,
    # Dutch
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "geen": 0, "verdubbelde": 2, "verdubbeld": 2,
    "verdubbeling": 2, "helft": 0.5,
    # German
    "eins": 1, "zwei": 2, "drei": 3, "fünf": 5, "sechs": 6, "sieben": 7, "neun": 9, "zehn": 10,
    "verdoppelt": 2, "verdoppelte": 2, "hälfte": 0.5, "halbiert": 0.5, "kein": 0, "keine": 0,
    # Chinese and Japanese
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9, "十": 10, "百": 100, "半": 0.5, "半年": 0.5, "翻倍": 2, "翻番": 2,
    "倍増": 2, "倍增": 2, "二倍": 2, "十倍": 10,
}


@dataclass(frozen=True)
class NumberMention:
    """One number as written: its span, reading and kind.

    ``kind`` is one of ``date``, ``year``, ``percent``, ``money``, ``count``, ``number``.
    ``value`` has the scale applied; ``number`` is the figure as written;
    ``unit`` is an ISO currency code, ``%``, or the counter as written (``台``).
    For dates, ``value`` is the year (or the day of month where no year is written)
    and ``date`` holds the ISO form of what is written (``2025-11-19``, ``--09-25``).
    """

    start: int
    end: int
    text: str
    value: float
    number: float
    scale: str | None
    unit: str | None
    kind: str
    date: str | None = None


_MONTHS = {name: i % 12 + 1 for i, name in enumerate((
    "january february march april may june july august september october november december "
    "januari februari maart april mei juni juli augustus september oktober november december "
    "januar februar märz april mai juni juli august september oktober november dezember").split())}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_FW = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")

_M = rf"(?P<M>{_MONTH_RE})"
# Dates with named parts: y(ear), m(onth number) or M(onth name), d(ay); or a time h:mi.
_DATE_PATTERNS = [re.compile(p, re.I) for p in (
    r"(?<!\d)(?P<y>\d{4})[/\-.](?P<m>\d{1,2})[/\-.](?P<d>\d{1,2})(?:\s+\d{1,2}:\d{2})?(?!\d)",
    r"(?<!\d)(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日",
    r"(?<!\d)(?P<y>\d{4})年(?P<m>\d{1,2})月",
    r"(?<!\d)(?P<m>\d{1,2})月(?P<d>\d{1,2})日",
    rf"\b{_M}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*(?P<y>\d{{4}}))?(?!\d)",
    rf"(?<!\d)(?P<d>\d{{1,2}})\.?\s+{_M}(?:\s+(?P<y>\d{{4}}))?\b",
    rf"\b{_M}\s+(?P<y>\d{{4}})\b",
    r"(?<!\d)(?P<h>\d{1,2}):(?P<mi>\d{2})(?!\d)",
)]

_NUM = r"(?:\d{1,3}(?:[,.\u2009 ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_SCALE_RE = "|".join(re.escape(s) for s in sorted(SCALES, key=len, reverse=True))
_CUR_PREFIX = r"(?:HK\$|US\$|\$|€|¥|￥|RMB\s?)"
_CUR_WORD = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True) if not c.startswith(("$", "€", "¥", "￥")))
_NUMBER_RE = re.compile(
    rf"(?P<pre>{_CUR_PREFIX})?(?P<num>(?<![A-Za-z\d])(?<!\d[.,]){_NUM}(?![A-Za-z\d]))"
    rf"(?:(?P<sp1>[\s\-]{{0,3}})(?P<scale>{_SCALE_RE})(?![A-Za-z]))?"
    rf"(?:(?P<sp2>[\s\-]{{0,3}})(?P<unit>%|％|per\s?cent|procent|Prozent|{_CUR_WORD})(?![A-Za-z]))?",
    re.I,
)


def _parse_digits(num: str, decimal_comma: bool) -> float:
    s = num.translate(_FW).replace("\u2009", "").replace(" ", "")
    if decimal_comma:
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", s):
            s = s.replace(".", "")
        return float(s.replace(",", "."))
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", s):
        return float(s.replace(",", ""))
    if re.fullmatch(r"\d+,\d+", s):  # a comma that is not a thousands separator
        return float(s.replace(",", "."))
    return float(s)


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in taken)


def find_numbers(text: str, language: str | None = None) -> list[NumberMention]:
    """Every number written with digits in ``text``, in order of position.

    ``language`` (ISO 639-1) decides the decimal separator: a comma in ``nl``,
    ``de`` (and other continental languages), a point otherwise.
    """
    norm = text.translate(_FW)
    decimal_comma = language in {"nl", "de", "fr", "es", "it", "pt", "da", "sv", "no", "fi", "pl", "cs"}
    found: list[NumberMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(norm):
            date = None if _overlaps(taken, m.start(), m.end()) else _date_of(m.groupdict())
            if date is not None:
                taken.append((m.start(), m.end()))
                found.append(NumberMention(m.start(), m.end(), text[m.start():m.end()], date[1],
                                           date[1], None, None, "date", date[0]))
    for m in _NUMBER_RE.finditer(norm):
        start, end = m.start(), m.end()
        if _overlaps(taken, start, end):  # a number inside a date
            continue
        num = m.group("num")
        try:
            number = _parse_digits(num, decimal_comma)
        except ValueError:
            continue
        if not math.isfinite(number):
            continue
        scale = m.group("scale")
        factor = SCALES.get(scale.lower(), 1.0) if scale else 1.0
        unit_txt = m.group("unit")
        pre = m.group("pre")
        unit: str | None = None
        kind = "number"
        if unit_txt and unit_txt.lower().replace(" ", "") in {"%", "％", "percent", "procent", "prozent"}:
            unit, kind = "%", "percent"
        elif unit_txt:
            unit, kind = CURRENCIES[unit_txt.lower()], "money"
        if pre:
            unit, kind = CURRENCIES[pre.strip().lower()], "money"
        if unit is None and end < len(norm) and norm[end] in _CJK_UNITS:
            unit, kind = norm[end], "count"
        if not scale and unit in (None, "年") and re.fullmatch(r"(19|20)\d\d", num):
            kind = "year"
        taken.append((start, end))
        value = float(Decimal(repr(number)) * Decimal(repr(factor))) if scale else number
        if not math.isfinite(value):  # finite digits can overflow once the scale is applied
            continue
        found.append(NumberMention(start, end, text[start:end], value, number, scale, unit, kind))
    found.sort(key=lambda n: (n.start, n.end))
    return found


def _date_of(g: dict[str, str | None]) -> tuple[str, float] | None:
    """The ISO form and value of a matched date (None for an impossible one): ``2025-11-19``
    and the year; ``2025-11`` and the year; ``--09-25`` and the day; ``T14:30`` and the hour."""
    if g.get("h") is not None:
        h, mi = int(g["h"]), int(g["mi"])  # type: ignore[arg-type]
        return (f"T{h:02d}:{mi:02d}", float(h)) if h <= 23 and mi <= 59 else None
    mo = int(g["m"]) if g.get("m") else _MONTHS[g["M"].lower()]  # type: ignore[union-attr]
    y, d = g.get("y"), g.get("d")
    if not (1 <= mo <= 12 and 1 <= int(d or 1) <= 31):
        return None
    if y is None:
        return f"--{mo:02d}-{int(d):02d}", float(d)  # type: ignore[arg-type]
    return f"{int(y):04d}-{mo:02d}" + (f"-{int(d):02d}" if d else ""), float(y)


def read_number(text: str, language: str | None = None) -> float | None:
    """The value of a short reading: digits (with scale) or number words.

    ``"113.1 billion yuan"`` -> 1.131e11; ``"seven million"`` -> 7e6;
    ``"verdubbelde"`` -> 2; ``"ten thousand"`` -> 1e4.  ``None`` if unreadable.
    """
    mentions = [n for n in find_numbers(text, language) if n.kind != "date"]
    if mentions:
        return mentions[0].value if len(mentions) == 1 else None
    words = re.findall(r"[^\s\-]+", text.strip().lower())
    whole = " ".join(words)
    if whole in NUMBER_WORDS:
        return float(NUMBER_WORDS[whole])
    value: float | None = None
    for w in words:
        if w in NUMBER_WORDS and value is None:
            value = float(NUMBER_WORDS[w])
        elif w in SCALES and value is not None:
            value *= SCALES[w]
        elif w in CURRENCIES or w == "%":
            continue
        else:
            return None
    return value if value is None or math.isfinite(value) else None
