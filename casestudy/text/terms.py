"""The most frequent content words of each seed, with English glosses.

A token counts as a content word when

* it is not a number and has more than one character (single characters are
  mostly particles, suffixes and stray letters; this also drops one-character
  Chinese words such as 快, a known cost);
* for Japanese and Chinese, the analyzer's part of speech marks it as a content
  word: Sudachi's 名詞 (except 数詞), 動詞, 形容詞, 形状詞; jieba's noun, verb,
  adjective, idiom, abbreviation and ``eng`` (Latin word) tags.  Dutch, English
  and German have no part of speech here, so the stop-word lists do that work;
* neither its surface nor its lemma is in the language's stop-word list
  (``casestudy/data/stopwords.toml``, compared case-insensitively).

Words are counted by their lemma (Japanese dictionary form: 似 and 似る are one
word) or case-folded surface (an English or Dutch possessive 's dropped), and
shown in their most frequent written form (a lower-case form wins a tie with an
all-capitals heading).
Order is count descending, then the term, so tables are byte-stable between
runs.  Glosses come from the lexicon's glossary, else from the labels of the
concepts listing the word as a term; "" when the lexicon has none.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from casestudy.text.lexicon import Lexicon, load_lexicon, load_stopwords
from casestudy.text.seeds import as_seeds, tokenize_seed
from casestudy.text.tokenize import Token

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["content_words", "is_content_word", "top_terms"]

TOP_TERM_COLUMNS = ["seed_id", "rank", "term", "count", "gloss"]

_JA_CONTENT = ("名詞", "動詞", "形容詞", "形状詞")
_JA_EXCLUDED = ("名詞-数詞",)
_ZH_CONTENT = ("n", "v", "a", "i", "l", "j", "eng")
_ZH_EXCLUDED = ("vshi", "vyou", "ad", "vd")
_POSSESSIVE_LANGUAGES = ("en", "nl")


def _content_pos(tok: Token) -> bool:
    if tok.language == "ja":
        pos = tok.pos or ""
        return pos.startswith(_JA_CONTENT) and not pos.startswith(_JA_EXCLUDED)
    if tok.language == "zh":
        pos = tok.pos or ""
        return pos.startswith(_ZH_CONTENT) and pos not in _ZH_EXCLUDED
    return True


def _display_form(tok: Token) -> str:
    """How a word is counted and shown: lemma if it differs from the surface, else the surface.

    An English or Dutch possessive ``'s`` is dropped (Xiaomi's counts as Xiaomi).
    """
    if tok.lemma is not None and tok.lemma.casefold() != tok.surface.casefold():
        return tok.lemma
    form = tok.surface
    if tok.language in _POSSESSIVE_LANGUAGES and form[-2:] in ("'s", "’s") and len(form) > 3:
        form = form[:-2]
    return form


def _shouting(form: str) -> bool:
    """True for an all-capitals form of a word (a heading), so ``bedrijven`` wins over ``BEDRIJVEN``."""
    return len(form) > 1 and form.isupper()


def is_content_word(tok: Token, stopwords: Mapping[str, frozenset[str]]) -> bool:
    """True if ``tok`` counts for :func:`top_terms` (see the module docstring)."""
    if tok.is_number or len(tok.norm) < 2 or len(tok.surface) < 2:
        return False
    if not _content_pos(tok):
        return False
    stop = stopwords.get(tok.language, frozenset())
    return tok.surface.casefold() not in stop and tok.norm.casefold() not in stop


def content_words(seed: Any, stopwords: Mapping[str, frozenset[str]] | None = None) -> list[Token]:
    """The content-word tokens of one seed, in text order."""
    stop = stopwords if stopwords is not None else load_stopwords()
    return [t for t in tokenize_seed(seed) if is_content_word(t, stop)]


def top_terms(
    seeds: Any,
    n: int = 10,
    lexicon: Lexicon | None = None,
    stopwords: Mapping[str, frozenset[str]] | None = None,
) -> pd.DataFrame:
    """The ``n`` most frequent content words per seed: seed_id, rank, term, count, gloss.

    ``seeds`` is one seed or an iterable of seeds.  Ties are broken by the term
    (Unicode order), ranks run 1..n without gaps.
    """
    import pandas as pd

    from casestudy.text.errors import TextAnalysisError

    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise TextAnalysisError(f"n must be a positive integer, got {n!r}")
    lex = lexicon if lexicon is not None else load_lexicon()
    stop = stopwords if stopwords is not None else load_stopwords()
    rows = []
    for seed in sorted(as_seeds(seeds), key=lambda s: s.id):
        counts: Counter[str] = Counter()
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        langs: dict[str, Counter[str]] = defaultdict(Counter)
        for tok in content_words(seed, stop):
            form = _display_form(tok)
            key = form.casefold()
            counts[key] += 1
            forms[key][form] += 1
            langs[key][tok.language] += 1
        entries = []
        for key, count in counts.items():
            term = min(forms[key].items(), key=lambda kv: (-kv[1], _shouting(kv[0]), kv[0]))[0]
            entries.append((-count, term, key))
        entries.sort()
        for rank, (neg_count, term, key) in enumerate(entries[:n], start=1):
            order = [lang for lang, _ in sorted(langs[key].items(), key=lambda kv: (-kv[1], kv[0]))]
            rows.append((seed.id, rank, term, -neg_count, lex.gloss(term, order)))
    df = pd.DataFrame(rows, columns=TOP_TERM_COLUMNS)
    return df.astype({"rank": "int64", "count": "int64"})
