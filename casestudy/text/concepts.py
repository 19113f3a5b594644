"""Where each concept of the lexicon is mentioned, traced to the original text.

* A paragraph is matched with the terms of its language (a foreign phrase in it,
  English "word of mouth" in the Dutch article, is listed under that language).
* Chinese and Japanese terms match as substrings: segmenters cut compounds
  differently (rjieba splits 社区商务), so token matching would depend on the
  dictionary.  A Latin letter or digit at a term's edge (EC, SU7) must not touch another.
* Dutch, English and German terms match whole words, case-insensitively, without
  stemming.  A space matches any white space; a hyphen matches a hyphen with or
  without spaces, or nothing (``value - driven`` in seed 004, ``Jobsachtige``).
* Within a concept matches never overlap: longer terms first (期待値 before 期待).
  Different concepts may share a passage (社区商务模式: community, business model).

Spans found in ``seed.text`` are mapped back with ``seed.raw_span`` to the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from casestudy.text.lexicon import Lexicon, load_lexicon
from casestudy.text.seeds import as_seeds, sections
from casestudy.text.tokenize import SUBSTRING_LANGUAGES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Match", "concept_matches", "find_concepts", "term_pattern"]

MATCH_COLUMNS = ["seed_id", "concept", "term", "language", "start", "end", "text"]
_HYPHENS = "-‐‑–"
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")


class Match(NamedTuple):
    """One concept mention: offsets into ``seed.text`` (not yet mapped to ``raw``)."""

    concept: str
    term: str
    language: str
    start: int
    end: int


@lru_cache(maxsize=4096)
def term_pattern(term: str, language: str) -> re.Pattern[str]:
    """The compiled regular expression that finds ``term`` in text of ``language``."""
    parts: list[str] = []
    for ch in term:
        if ch.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif ch in _HYPHENS:
            parts.append(rf"(?:\s*[{_HYPHENS}]\s*)?")
        elif ch in "'’":
            parts.append("['’]")
        else:
            parts.append(re.escape(ch))
    if language in SUBSTRING_LANGUAGES:
        before = r"(?<![A-Za-z0-9])" if _ASCII_ALNUM.match(term[0]) else ""
        after = r"(?![A-Za-z0-9])" if _ASCII_ALNUM.match(term[-1]) else ""
    else:
        before, after = r"(?<![^\W_])", r"(?![^\W_])"
    return re.compile(before + "".join(parts) + after, re.IGNORECASE)


def find_concepts(seed: Any, lexicon: Lexicon,
                  concepts: Iterable[str] | str | None = None) -> list[Match]:
    """All concept mentions in one seed, sorted by position then concept order."""
    chosen = lexicon.select(concepts)
    order = {c.name: i for i, c in enumerate(chosen)}
    found: list[Match] = []
    for start, end, language in sections(seed):
        for concept in chosen:
            taken: list[tuple[int, int]] = []
            for term in sorted(concept.terms_for(language), key=lambda t: (-len(t), t)):
                for m in term_pattern(term, language).finditer(seed.text, start, end):
                    s, e = m.span()
                    if not any(s < te and ts < e for ts, te in taken):
                        taken.append((s, e))
                        found.append(Match(concept.name, term, language, s, e))
    found.sort(key=lambda m: (m.start, order[m.concept], m.end))
    return found


def concept_matches(
    seeds: Any, lexicon: Lexicon | None = None, concepts: Iterable[str] | str | None = None
) -> pd.DataFrame:
    """Every concept mention as a row: seed_id, concept, term, language, start, end, text.

    ``start``/``end`` index the seed's original ``raw`` and ``text`` is
    ``raw[start:end]``, so every count traces to its passages.  ``seeds`` is one
    seed or an iterable of seeds; ``concepts`` restricts to some concept names
    (an unknown name raises :class:`TextAnalysisError`).
    """
    import pandas as pd

    lex = lexicon if lexicon is not None else load_lexicon()
    rows = []
    for seed in sorted(as_seeds(seeds), key=lambda s: s.id):
        for m in find_concepts(seed, lex, concepts):
            rs, re_ = seed.raw_span(m.start, m.end)
            rows.append((seed.id, m.concept, m.term, m.language, rs, re_, seed.raw[rs:re_]))
    return pd.DataFrame(rows, columns=MATCH_COLUMNS).astype({"start": "int64", "end": "int64"})
