"""How an exhibit appears in a notebook: a numbered title, the evidence, a source line.

An :class:`Exhibit` wraps a table (a DataFrame) with its title and a
"Source:" line naming the seeds it comes from.  It renders as plain HTML
(``DataFrame.to_html``: no random ids, unlike a pandas Styler) and as plain
text, so stored outputs are byte-stable and nbval can compare them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable

import pandas as pd

__all__ = ["Exhibit", "cite", "Note", "fmt_value"]


def cite(seed_ids: Iterable[str], corpus: object | None = None, extra: str = "") -> str:
    """The "Source:" line for ``seed_ids``: each seed's short id, outlet and date if known."""
    parts = []
    for sid in sorted(dict.fromkeys(seed_ids)):
        label = f"seed {sid[:3]}" if sid[:3].isdigit() else f"seed {sid}"
        if corpus is not None:
            try:
                meta = corpus[sid].metadata  # type: ignore[index]
                outlet = "" if meta.outlet.startswith("unknown") else meta.outlet
                outlet = outlet.split(" (", 1)[0].split(":", 1)[0].strip()
                if len(outlet) > 40:
                    outlet = outlet[:39] + "…"
                bits = [b for b in (outlet, meta.date or "undated") if b]
                label += f" ({', '.join(bits)})"
            except KeyError:
                pass
        parts.append(label)
    line = "Source: " + ("; ".join(parts) if parts else "no seed")
    return f"{line}. {extra}" if extra else line


@dataclass
class Exhibit:
    """A numbered exhibit: title, a table, its source line and an optional note."""

    number: str
    title: str
    table: pd.DataFrame
    source: str
    note: str = ""

    def _repr_html_(self) -> str:
        table = self.table.to_html(index=False, escape=True, border=0, na_rep="—")
        note = f'<p style="font-size:85%"><em>{html.escape(self.note)}</em></p>' if self.note else ""
        return (f"<h4>Exhibit {html.escape(self.number)}. {html.escape(self.title)}</h4>\n{table}\n"
                f'<p style="font-size:85%">{html.escape(self.source)}</p>{note}')

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", 60, "display.width", 120,
                               "display.max_columns", None):
            body = self.table.to_string(index=False, na_rep="—")
        note = f"\n{self.note}" if self.note else ""
        return f"Exhibit {self.number}. {self.title}\n{body}\n{self.source}{note}"


@dataclass
class Note:
    """A short Markdown passage computed from the evidence (e.g. what an as_of view left out)."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


_MONEY = {"CNY", "USD", "HKD", "JPY", "EUR"}


def fmt_value(value: float, unit: str) -> str:
    """A fact's value for a table: money in bn/m with its currency, % and pp kept as written."""
    if unit in _MONEY:
        for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
            if abs(value) >= scale:
                return f"{value / scale:,.{_decimals(value / scale)}f} {word} {unit}"
        return f"{value:,.{_decimals(value)}f} {unit}"
    if unit == "%":
        return f"{value:g}%"
    if unit == "pp":
        return f"{value:g} pp"
    return f"{value:,.{_decimals(value)}f} {unit}".rstrip()


def _decimals(x: float) -> int:
    for d in range(0, 4):
        if abs(round(x, d) - x) < 1e-9 * max(1.0, abs(x)):
            return d
    return 2
