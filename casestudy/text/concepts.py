"""Where each concept of the lexicon is mentioned, and how often per 1,000 tokens.

Matching rules
--------------
* Each paragraph is matched with the terms of the language it is analysed in
  (:func:`casestudy.text.seeds.sections`).  A term written in another language
  inside such a paragraph (the Dutch article writes "word of mouth" in
  English) is found because the lexicon lists it under that paragraph's
  language too.
* Chinese and Japanese terms match as **substrings** of the text, not as
  tokens: segmenters cut compounds differently (rjieba splits 社区商务 into
  社区 + 商务 and 意见领袖 into 意见 + 领袖; Sudachi keeps 期待値 whole but cuts
  期待外れ), so a token match would miss terms depending on the analyzer's
  dictionary.  A term beginning or ending with a Latin letter or digit (EC, SU7)
  must not touch another Latin letter or digit on that side.
* Dutch, English and German terms match on **word boundaries**, case-
  insensitively.  No stemming: every inflection to be counted is listed as a
  term (``fan``, ``fans``).  A space in a term matches any run of white space
  (line breaks included); a hyphen matches a hyphen with or without spaces
  around it, or nothing (``value-driven`` finds "value - driven" in the machine
  translation of seed 004, ``Jobs-achtige`` finds a de-hyphenated
  "Jobsachtige").
* Within one concept, matches never overlap: longer terms are matched first
  (``期待値`` before ``期待``, ``household appliances`` before ``appliances``)
  and a shorter term only counts where no longer one already did.  Different
  concepts may share a passage (社区商务模式 counts for community and for
  business model).

Normalisation
-------------
``per_1000 = count * 1000 / tokens`` where ``tokens`` is the number of word
tokens of the seed's reading text as counted by
:func:`casestudy.text.tokenize_seed` (every paragraph in its own language,
punctuation and white space excluded).  Token counts are not comparable
one-to-one across languages (a Chinese "word" is shorter than a German one),
so compare rates across seeds of the same language, or compare the shape of
profiles rather than absolute levels.  A seed with no tokens gets ``per_1000``
NaN.

Offsets
-------
Matching runs on the cleaned reading text ``seed.text``; every span is mapped
back with ``seed.raw_span`` (exact where a correction left the words unchanged) so
``start``/``end`` in the output index the original ``seed.raw`` and ``text`` is
``seed.raw[start:end]``: the original wording, line breaks and hyphens included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from casestudy.text.lexicon import Concept, Lexicon, load_lexicon
from casestudy.text.seeds import as_seeds, sections, token_counts
from casestudy.text.tokenize import SUBSTRING_LANGUAGES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Match", "concept_frequencies", "concept_matches", "find_concepts", "term_pattern"]

MATCH_COLUMNS = ["seed_id", "concept", "term", "language", "start", "end", "text"]
FREQUENCY_COLUMNS = ["seed_id", "concept", "count", "tokens", "per_1000"]

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
    body = "".join(parts)
    if language in SUBSTRING_LANGUAGES:
        before = r"(?<![A-Za-z0-9])" if _ASCII_ALNUM.match(term[0]) else ""
        after = r"(?![A-Za-z0-9])" if _ASCII_ALNUM.match(term[-1]) else ""
    else:
        before, after = r"(?<![^\W_])", r"(?![^\W_])"
    return re.compile(before + body + after, re.IGNORECASE)


def _by_length(terms: Iterable[str]) -> list[str]:
    return sorted(terms, key=lambda t: (-len(t), t))


def _match_concept(concept: Concept, text: str, start: int, end: int, language: str) -> list[Match]:
    taken: list[tuple[int, int]] = []
    found: list[Match] = []
    for term in _by_length(concept.terms_for(language)):
        for m in term_pattern(term, language).finditer(text, start, end):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            found.append(Match(concept.name, term, language, s, e))
    return found


def find_concepts(seed: Any, lexicon: Lexicon, concepts: Iterable[str] | str | None = None) -> list[Match]:
    """All concept mentions in one seed, sorted by position then concept order."""
    chosen = lexicon.select(concepts)
    order = {c.name: i for i, c in enumerate(chosen)}
    found: list[Match] = []
    for sec in sections(seed):
        for concept in chosen:
            found.extend(_match_concept(concept, seed.text, sec.start, sec.end, sec.language))
    found.sort(key=lambda m: (m.start, order[m.concept], m.end))
    return found


def concept_matches(
    seeds: Any, lexicon: Lexicon | None = None, concepts: Iterable[str] | str | None = None
) -> pd.DataFrame:
    """Every concept mention as a row: seed_id, concept, term, language, start, end, text.

    ``start``/``end`` index the seed's original ``raw`` text and ``text`` is
    ``raw[start:end]``, so each count of :func:`concept_frequencies` traces to
    its passages.  ``seeds`` is one seed or an iterable of seeds; ``concepts``
    restricts to some concept names (unknown names raise
    :class:`TextAnalysisError`).
    """
    import pandas as pd

    lex = lexicon if lexicon is not None else load_lexicon()
    rows = []
    for seed in sorted(as_seeds(seeds), key=lambda s: s.id):
        for m in find_concepts(seed, lex, concepts):
            rs, re_ = seed.raw_span(m.start, m.end)
            rows.append((seed.id, m.concept, m.term, m.language, rs, re_, seed.raw[rs:re_]))
    df = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    return df.astype({"start": "int64", "end": "int64"})


def concept_frequencies(
    seeds: Any, lexicon: Lexicon | None = None, concepts: Iterable[str] | str | None = None
) -> pd.DataFrame:
    """Mentions per concept and seed, normalised per 1,000 tokens.

    One row per (seed, concept), zeros included, ordered by seed id then the
    lexicon's concept order: seed_id, concept, count, tokens, per_1000 (see the
    module docstring for the normalisation).
    """
    import pandas as pd

    lex = lexicon if lexicon is not None else load_lexicon()
    chosen = lex.select(concepts)
    seed_list = sorted(as_seeds(seeds), key=lambda s: s.id)
    totals = token_counts(seed_list)
    rows = []
    for seed in seed_list:
        counts = {c.name: 0 for c in chosen}
        for m in find_concepts(seed, lex, [c.name for c in chosen]):
            counts[m.concept] += 1
        n = totals[seed.id]
        for c in chosen:
            rate = counts[c.name] * 1000.0 / n if n else float("nan")
            rows.append((seed.id, c.name, counts[c.name], n, rate))
    df = pd.DataFrame(rows, columns=FREQUENCY_COLUMNS)
    return df.astype({"count": "int64", "tokens": "int64", "per_1000": "float64"})
