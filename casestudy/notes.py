"""Numbered notes for a case's narrative, as printed cases cite: each paragraph ends in one
superscript note number; the Notes section lists each note's passages with links to the
sources page (``sources.html#s004-fact-<id>``, ``#ref-<doc>``).  Notebooks name passages by
their short ids (a fact, event or claim id, a reference document or figure id), so a renamed
annotation shows as a missing passage in its note, never as a broken link."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .corpus import Corpus
from .curated import shorten
from .display import Markdown, escape_md, md
from .references import reference_citation
from .site.sources import span_anchor


@dataclass
class Notes:
    """The notes of one narrative: ``para`` adds a paragraph and its note, ``render`` the list.
    ``corpus`` gives the seed passages, ``refs`` (``load_references()``) the documents."""

    corpus: Corpus
    refs: pd.DataFrame
    entries: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    _seeds: dict[str, tuple[str, str, str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for kind, table, col in (("fact", "facts", "fact_id"), ("event", "events", "event_id"),
                                 ("claim", "claims", "claim_id")):
            frame = getattr(self.corpus, table)()
            for seed, ident, quote in zip(frame["seed_id"], frame[col], frame["quote"]):
                self._seeds.setdefault(ident, (seed.split("_", 1)[0], kind,
                                               span_anchor(seed, kind, ident), shorten(quote, 60)))

    def para(self, template: str, cites: str, /, note: str = "", **values: Any) -> Markdown:
        """One paragraph: ``template`` filled through :func:`casestudy.md`, ending in the number
        of a new note citing ``cites`` (ids separated by spaces), led by ``note`` if given."""
        number = len(self.entries) + 1
        self.entries.append((note, tuple(cites.split())))
        return md(template + f" <sup>[{number}](#note-{number})</sup>", **values)

    def _ref_link(self, ident: str) -> str:
        for col, label in (("doc_id", "document"), ("ref_id", "figure")):
            hit = self.refs[self.refs[col] == ident]
            if len(hit):
                cite = escape_md(reference_citation(hit.iloc[0]))
                return f"{cite}, [{label}](sources.html#ref-{ident})"
        return f"{escape_md(ident)} (not in these sources)"

    def _links(self, cites: tuple[str, ...]) -> str:
        """``Seed 004: [event](…) “quote”, [fact](…); <reference>, [document](…)``: seeds
        grouped, each passage with the start of its quote (once), so a printed note reads alone."""
        parts: list[str] = []
        last, quoted = "", set()
        for ident in cites:
            seed, kind, anchor, quote = self._seeds.get(ident, ("", "", "", ""))
            link = f"[{kind}](sources.html#{anchor})" + ("" if quote in quoted else
                                                        f" “{escape_md(quote)}”")
            quoted.add(quote)
            if not seed:
                parts.append(self._ref_link(ident))
            elif seed == last:
                parts[-1] += f", {link}"
            else:
                parts.append(f"seed {seed}: {link}")
            last = seed
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]

    def render(self) -> Markdown:
        """The Notes section: one numbered line per note, with the anchor its marker links to."""
        return Markdown("\n".join(
            f'{n}. <a id="note-{n}"></a>{escape_md(lead) + " " if lead else ""}'
            f"{self._links(cites)}." for n, (lead, cites) in enumerate(self.entries, 1)))
