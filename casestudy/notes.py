"""Numbered notes for a case's narrative, as printed cases cite: each paragraph ends in one
superscript note number, and a Notes section lists each note's passages with links to the
sources page (``sources.html#s004-fact-<id>``, ``#ref-<doc>``).

A :class:`Notes` is made once per notebook run; it resolves the short ids a notebook uses
(a fact, event or claim id of the corpus, a reference document or figure id) to the
sources page's anchors, so the prose never spells out an anchor and a renamed annotation
shows as a missing passage in its note rather than as a broken link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .corpus import Corpus
from .display import Markdown, escape_md, md
from .references import reference_citation
from .site.sources import span_anchor

_KINDS = (("fact", "facts", "fact_id"), ("event", "events", "event_id"),
          ("claim", "claims", "claim_id"))


def _seed_anchors(corpus: Corpus) -> dict[str, tuple[str, str, str]]:
    """Each fact, event and claim id -> (short seed number, kind, anchor on the sources page)."""
    out: dict[str, tuple[str, str, str]] = {}
    for kind, table, col in _KINDS:
        frame = getattr(corpus, table)()
        for seed, ident in zip(frame["seed_id"], frame[col]):
            out.setdefault(ident, (seed.split("_", 1)[0], kind, span_anchor(seed, kind, ident)))
    return out


@dataclass
class Notes:
    """The notes of one narrative: ``para`` adds a paragraph and its note, ``render`` the list.

    ``corpus`` gives the seed passages, ``refs`` (``load_references()``) the documents.
    """

    corpus: Corpus
    refs: pd.DataFrame
    entries: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    _seeds: dict[str, tuple[str, str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._seeds = _seed_anchors(self.corpus)

    def para(self, template: str, cites: str, /, note: str = "", **values: Any) -> Markdown:
        """One paragraph: ``template`` filled through :func:`casestudy.md`, ending in the
        number of a new note citing ``cites`` (ids separated by spaces) with ``note`` as
        its lead text (the casebook's own words, e.g. what the passages contradict)."""
        number = len(self.entries) + 1
        self.entries.append((note, tuple(cites.split())))
        return md(template + f" <sup>[{number}](#note-{number})</sup>", **values)

    def _ref_link(self, ident: str) -> str:
        for col, label in (("doc_id", "document"), ("ref_id", "figure")):
            hit = self.refs[self.refs[col] == ident]
            if len(hit):
                return (f"{escape_md(reference_citation(hit.iloc[0]))}, "
                        f"[{label}](sources.html#ref-{ident})")
        return f"{escape_md(ident)} (not in these sources)"

    def _links(self, cites: tuple[str, ...]) -> str:
        """``Seed 004: [event](…), [fact](…); <reference>, [document](…)``, seeds grouped."""
        parts: list[str] = []
        last_seed = ""
        for ident in cites:
            if ident not in self._seeds:
                parts.append(self._ref_link(ident))
                last_seed = ""
                continue
            seed, kind, anchor = self._seeds[ident]
            link = f"[{kind}](sources.html#{anchor})"
            if seed == last_seed:
                parts[-1] += f", {link}"
            else:
                parts.append(f"seed {seed}: {link}")
            last_seed = seed
        return "; ".join(parts)

    def render(self) -> Markdown:
        """The Notes section: one numbered line per note, with an anchor its marker links to."""
        lines = []
        for number, (lead, cites) in enumerate(self.entries, 1):
            links = self._links(cites)
            links = links[:1].upper() + links[1:]
            text = f"{escape_md(lead)} " if lead else ""
            lines.append(f'{number}. <a id="note-{number}"></a>{text}{links}.')
        return Markdown("\n".join(lines))
