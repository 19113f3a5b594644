"""Dates of different precision ("2013", "2025-Q3", "2025-09-25") on one axis.

Sources give dates as a year, a half or quarter, a month or a day; timelines
need a number to place them.  A date is placed at the *start* of its period
(so "2025" and "2025-01-01" sit together) and keeps its precision for labels.
"""

from __future__ import annotations

import re

from .errors import CasestudyError

__all__ = ["decimal_year", "year_of", "label"]

_RE = re.compile(r"^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|Q([1-4])|H([12])))?$")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _parse(date: str) -> tuple[int, int, int]:
    m = _RE.match(date)
    if not m:
        raise CasestudyError(f"date {date!r}: expected YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Hn")
    y, mo, d, q, h = m.groups()
    month = int(mo) if mo else (3 * int(q) - 2 if q else (6 * int(h) - 5 if h else 1))
    return int(y), month, int(d) if d else 1


def decimal_year(date: str) -> float:
    """``date`` as a year with a fraction: "2025-07" -> 2025.496 (start of July)."""
    y, m, d = _parse(date)
    day_of_year = sum(_MONTH_DAYS[: m - 1]) + d - 1
    return y + day_of_year / 365.0


def year_of(date: str) -> int | None:
    """The year of ``date``, or None for an empty/unknown date."""
    return int(date[:4]) if date[:4].isdigit() else None


def label(date: str) -> str:
    """A compact label that keeps the precision: 2025-09-25 -> 25 Sep 2025, 2025-Q3 -> Q3 2025."""
    if not date:
        return "undated"
    y, m, d = _parse(date)
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    parts = date.split("-")
    if len(parts) == 1:
        return str(y)
    if parts[1].startswith(("Q", "H")):
        return f"{parts[1]} {y}"
    if len(parts) == 2:
        return f"{months[m - 1]} {y}"
    return f"{d} {months[m - 1]} {y}"
