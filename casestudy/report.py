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

__all__ = ["Exhibit", "cite", "Note"]


def cite(seed_ids: Iterable[str], corpus: object | None = None, extra: str = "") -> str:
    """The "Source:" line for ``seed_ids``: each seed's short id, outlet and date if known."""
    parts = []
    for sid in sorted(dict.fromkeys(seed_ids)):
        label = f"seed {sid[:3]}" if sid[:3].isdigit() else f"seed {sid}"
        if corpus is not None:
            try:
                meta = corpus[sid].metadata  # type: ignore[index]
                bits = [b for b in (meta.outlet if meta.outlet != "unknown" else "",
                                    meta.date or "undated") if b]
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
