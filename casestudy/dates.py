"""Dates of different precision ("2013", "2025-Q3", "2025-09-25") on one time axis, each
at the *start* of its period ("2025" and "2025-01-01" sit together on a timeline)."""

from __future__ import annotations

import re

from .errors import CasestudyError

__all__ = ["decimal_year"]

_RE = re.compile(r"^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|Q([1-4])|H([12])))?$")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def decimal_year(date: str) -> float:
    """``date`` as a year with a fraction: "2025-07" -> 2025.496 (start of July)."""
    m = _RE.match(date)
    if not m:
        raise CasestudyError(f"date {date!r}: "
                             "expected YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Hn")
    y, mo, d, q, h = m.groups()
    month = int(mo) if mo else (3 * int(q) - 2 if q else (6 * int(h) - 5 if h else 1))
    day_of_year = sum(_MONTH_DAYS[: month - 1]) + (int(d) if d else 1) - 1
    return int(y) + day_of_year / 365.0
