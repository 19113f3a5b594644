"""Read every number written with digits (dates, years, percentages, money, counts) in
Chinese, Japanese, Dutch, English and German, with its scale and unit as written: separators
by language (``108,796`` in English, ``16,58`` in Dutch), full-width digits, scales (万 亿
million miljard Mrd.) and units (% HK$ 元 円 yuan); ``2000億元`` reads as 2e11 CNY.

Numbers written as words are read only in a fact's ``reading`` (:func:`read_number`): searched
for, "one hand" and "two fronts" would drown the coverage report.  The vocabulary is
``casestudy/data/numbers.toml``."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal

from .paths import PACKAGE_DIR

__all__ = ["NumberMention", "find_numbers", "read_number", "NUMBER_WORDS", "SCALES", "CURRENCIES"]

_VOCAB = tomllib.loads((PACKAGE_DIR / "data" / "numbers.toml").read_text(encoding="utf-8"))
SCALES: dict[str, float] = _VOCAB["scales"]
CURRENCIES: dict[str, str] = _VOCAB["currencies"]  # as written -> ISO 4217 code
NUMBER_WORDS: dict[str, float] = _VOCAB["number_words"]
_CJK_UNITS: str = _VOCAB["cjk"]["units"]  # counters and units written after a CJK number
_MONTHS = {name: i + 1 for names in _VOCAB["months"].values() for i, name in enumerate(names)}


@dataclass(frozen=True)
class NumberMention:
    """One number as written (``kind``: date, year, percent, money, count or number): ``value``
    with the scale applied, ``number`` as written, ``unit`` an ISO currency code, ``%`` or the
    counter (``台``); a date has the ISO form of what is written (``2025-11-19``, ``--09-25``)
    in ``date``, its year (else its day) in ``value``."""

    start: int
    end: int
    text: str
    value: float
    number: float
    scale: str | None
    unit: str | None
    kind: str
    date: str | None = None


_FW = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
_M = rf"(?P<M>{'|'.join(sorted(_MONTHS, key=len, reverse=True))})"  # a month's name
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
_CUR_WORD = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True)
                     if not c.startswith(("$", "€", "¥", "￥")))
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


def find_numbers(text: str, language: str | None = None) -> list[NumberMention]:
    """Every number written with digits in ``text``, in order; ``language`` (ISO 639-1)
    decides the decimal separator (a comma in ``nl``, ``de`` and other continental ones)."""
    norm = text.translate(_FW)
    decimal_comma = language in {"nl", "de", "fr", "es", "it", "pt",
                                 "da", "sv", "no", "fi", "pl", "cs"}
    found: list[NumberMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(norm):
            date = (None if any(s < m.end() and m.start() < e for s, e in taken)
                    else _date_of(m.groupdict()))
            if date is not None:
                taken.append((m.start(), m.end()))
                found.append(NumberMention(m.start(), m.end(), text[m.start():m.end()], date[1],
                                           date[1], None, None, "date", date[0]))
    for m in _NUMBER_RE.finditer(norm):
        start, end = m.start(), m.end()
        num, scale, unit_txt, pre = m.group("num", "scale", "unit", "pre")
        if any(s < end and start < e for s, e in taken):  # a number inside a date
            continue
        try:
            number = _parse_digits(num, decimal_comma)
        except ValueError:  # e.g. "1.234.567" where the point is the decimal separator
            continue
        unit: str | None = None
        kind = "number"
        if unit_txt:  # a currency word, or else one of the ways to write %
            unit, kind = ((CURRENCIES[unit_txt.lower()], "money") if unit_txt.lower() in CURRENCIES
                          else ("%", "percent"))
        if pre:
            unit, kind = CURRENCIES[pre.strip().lower()], "money"
        if unit is None and end < len(norm) and norm[end] in _CJK_UNITS:
            unit, kind = norm[end], "count"
        if not scale and unit in (None, "年") and re.fullmatch(r"(19|20)\d\d", num):
            kind = "year"
        factor = SCALES.get(scale.lower(), 1.0) if scale else 1.0
        value = float(Decimal(repr(number)) * Decimal(repr(factor))) if scale else number
        if not math.isfinite(value):  # too many digits, or a scale that overflows
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
    mo = int(g["m"] or 0) if g.get("m") else _MONTHS[g["M"].lower()]  # type: ignore[union-attr]
    y, d = g.get("y"), g.get("d")
    if not (1 <= mo <= 12 and 1 <= int(d or 1) <= 31):
        return None
    if y is None:
        return f"--{mo:02d}-{int(d):02d}", float(d)  # type: ignore[arg-type]
    return f"{int(y):04d}-{mo:02d}" + (f"-{int(d):02d}" if d else ""), float(y)


def read_number(text: str, language: str | None = None) -> float | None:
    """The value of a short reading, digits or number words with scale: ``"113.1 billion
    yuan"`` -> 1.131e11, ``"verdubbelde"`` -> 2, ``"ten thousand"`` -> 1e4; else ``None``."""
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
