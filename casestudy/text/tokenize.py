"""Language-aware word tokenization with character offsets.

Every token carries its ``surface`` exactly as it stands in the text,
``start``/``end`` offsets (Python string indices, so ``text[start:end] ==
surface``), the ``language`` it was analysed as, and, where the analyzer gives
them, a ``lemma`` and a part of speech ``pos``.  Whitespace and punctuation are
not tokens: a token is a run the analyzer returns that holds at least one letter
or digit.  That is the unit every per-1,000-token rate in this package counts.

Analyzers (chosen by measurement, see the table below)
--------------------------------------------------------
* Chinese (``zh``): **rjieba** 0.2.2 (2026-10), the Python binding of jieba-rs.
  Same dictionary and segmentation as jieba (HMM for unknown words, jieba POS
  tags such as ``n``, ``v``, ``eng``, ``m``, ``x``), but the dictionary is
  compiled into the extension: no cache file written to /tmp, nothing fetched.
* Japanese (``ja``): **SudachiPy** 0.7.0 (2026-09) with **sudachidict-core**
  (2026-10), split mode C (longest units, so 期待値 and ヒーローズジャーニー stay
  whole).  It reports character offsets itself (``begin``/``end``), the
  dictionary form (used as ``lemma``: 似 -> 似る, よい -> よい) and a UniDic-style
  part of speech (used to keep content words in :func:`top_terms`).  Input is
  analysed in chunks because Sudachi refuses more than 49,149 bytes at once.
* Dutch, English, German (``nl``, ``en``, ``de``): one regular expression over
  Unicode letters and digits.  Internal hyphens and apostrophes stay inside a
  word (``prijs-kwaliteitverhouding``, ``Traffic-getriebenen``, ``Xiaomi's``,
  ``auto's``); a quote mark at a word edge (``‘fans’``, ``Jobs’``) does not;
  decimals and thousands separators stay inside a number (``113.1``,
  ``350,000``).  No lemma, no part of speech: lemmas would need a model per
  language, and concept matching lists the inflections it wants explicitly.

Measured on this machine (2 cores, shared with other jobs, so expect +-50 %)
with ``benchmarks/bench_tokenize.py --compare``: best of 3 fresh processes on
seed 003 (15 KB of Chinese) or seed 000 (6 KB of Japanese), with part of
speech, as this module needs it; "warm" is the best repeat on the same text,
"disk" the installed files of the distributions::

    analyzer                            load     first call  warm     disk     last release
    rjieba 0.2.2 (zh)                   0.14 s   38 ms       1.4 ms   4.8 MB   2026-10
    jieba 0.42.1 (zh, posseg)           1.49 s   121 ms      112 ms   43 MB    2020-01
    SudachiPy 0.7.0 + core 20261015     0.06 s   9 ms        2.6 ms   207 MB   2026-09 / 2026-10
    fugashi 1.5.2 + unidic-lite 1.0.8   0.01 s   24 ms       6.3 ms   263 MB   2025-10 / 2021-01
    janome 0.5.0 (ja, pure Python)      0.32 s   293 ms      150 ms   212 MB   2023-07

(jieba without part of speech, ``jieba.cut``, took 21-44 ms warm here, 11 ms
in an earlier quieter measurement; its load time is the same.)  For Chinese rjieba wins on every count: ten times faster
to load than jieba, far faster with part-of-speech tags, a ninth of the size,
and maintained.  For Japanese, Sudachi and fugashi are both fast enough (the
whole corpus tokenizes in well under a second either way); Sudachi is chosen
because it and its dictionary are maintained (unidic-lite is a frozen 2021
snapshot of UniDic 2.1.2), its dictionary is smaller on disk, it gives
character offsets directly (MeCab gives surfaces plus skipped white space, from
which offsets must be rebuilt), and its dictionary form is a usable lemma.
janome is slower on every count.  The whole corpus (5 seeds, ~27,000
characters) tokenizes in about 0.4 s in a fresh process, dictionary loading
included (``benchmarks/bench_tokenize.py``).

Analyzers load lazily on first use and are cached per process, so importing
``casestudy`` or this module loads no dictionary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from casestudy.text.errors import TextAnalysisError

__all__ = [
    "SUBSTRING_LANGUAGES",
    "SUPPORTED_LANGUAGES",
    "Token",
    "analyzer_info",
    "check_language",
    "tokenize",
]

#: Languages this module analyses, ISO 639-1.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("de", "en", "ja", "nl", "zh")
#: Languages written without spaces between words (segmented by a dictionary).
SUBSTRING_LANGUAGES: frozenset[str] = frozenset({"ja", "zh"})

# Sudachi rejects input above 49,149 UTF-8 bytes; 12,000 characters is at most
# 48,000 bytes even if every character takes four.
_SUDACHI_CHUNK = 12_000
_SURROGATE = re.compile("[\ud800-\udfff]")
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD_CHAR = rf"(?:[^\W_][{_COMBINING}]*)"
_LATIN_TOKEN = re.compile(
    rf"\d+(?:[.,]\d+)+(?![^\W_])"                  # 113.1, 350,000 (not 2.4x)
    rf"|{_WORD_CHAR}+(?:['’\-‐‑]{_WORD_CHAR}+)*"   # words, hyphen/apostrophe compounds
)


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text.

    ``start``/``end`` index the string that was tokenized (for
    :func:`casestudy.text.tokenize_seed`: ``seed.text``).  ``lemma`` is the
    analyzer's dictionary form (Japanese only; ``None`` where the analyzer has
    none).  ``pos`` is the analyzer's part of speech: jieba tags for Chinese
    (``n``, ``vn``, ``eng``...), the first two UniDic levels for Japanese
    (``名詞-普通名詞``), ``None`` for the regex languages.
    """

    surface: str
    start: int
    end: int
    language: str
    lemma: str | None = None
    pos: str | None = None

    @property
    def norm(self) -> str:
        """The form to count by: the lemma if there is one, else the case-folded surface."""
        return self.lemma if self.lemma is not None else self.surface.casefold()

    @property
    def is_number(self) -> bool:
        """True for tokens made of digits and separators only (``2025``, ``113.1``)."""
        return not any(ch.isalpha() for ch in self.surface)


def check_language(language: object) -> str:
    """Return ``language`` if this module supports it, else raise :class:`TextAnalysisError`."""
    if not isinstance(language, str) or language not in SUPPORTED_LANGUAGES:
        raise TextAnalysisError(
            f"unsupported language {language!r}; supported: {', '.join(SUPPORTED_LANGUAGES)}"
        )
    return language


def _is_word(surface: str) -> bool:
    return any(ch.isalnum() for ch in surface)


def _safe(text: str) -> str:
    """``text`` with lone surrogates replaced (same length), so native analyzers accept it."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import rjieba

    return rjieba


@lru_cache(maxsize=1)
def _sudachi() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def _tokenize_zh(text: str) -> Iterator[Token]:
    pos = 0
    for word, tag in _jieba().tag(_safe(text)):
        end = pos + len(word)
        if text[pos:end] != word and _safe(text[pos:end]) != word:  # pragma: no cover
            raise RuntimeError(f"rjieba lost the text alignment at offset {pos}")
        if _is_word(word):
            yield Token(text[pos:end], pos, end, "zh", None, tag)
        pos = end
    if pos != len(text):  # pragma: no cover - rjieba returns every character
        raise RuntimeError(f"rjieba covered {pos} of {len(text)} characters")


def _chunks(text: str, size: int) -> Iterator[tuple[int, str]]:
    """Pieces of at most ``size`` characters, cut after a line break where possible."""
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


def _tokenize_ja(text: str) -> Iterator[Token]:
    tokenizer = _sudachi()
    for offset, chunk in _chunks(_safe(text), _SUDACHI_CHUNK):
        for m in tokenizer.tokenize(chunk):
            start, end = offset + m.begin(), offset + m.end()
            surface = text[start:end]
            if not _is_word(surface):
                continue
            pos = "-".join(p for p in m.part_of_speech()[:2] if p != "*")
            yield Token(surface, start, end, "ja", m.dictionary_form(), pos)


def _tokenize_latin(text: str, language: str) -> Iterator[Token]:
    for m in _LATIN_TOKEN.finditer(text):
        yield Token(m.group(), m.start(), m.end(), language)


_TOKENIZERS: dict[str, Callable[[str], Iterator[Token]]] = {
    "zh": _tokenize_zh,
    "ja": _tokenize_ja,
    "nl": lambda t: _tokenize_latin(t, "nl"),
    "en": lambda t: _tokenize_latin(t, "en"),
    "de": lambda t: _tokenize_latin(t, "de"),
}


def tokenize(text: str, language: str) -> list[Token]:
    """The word tokens of ``text`` analysed as ``language`` (one of :data:`SUPPORTED_LANGUAGES`).

    Offsets index ``text``; whitespace and punctuation are dropped.  Raises
    :class:`TextAnalysisError` for an unsupported language or a non-string text.
    """
    check_language(language)
    if not isinstance(text, str):
        raise TextAnalysisError(f"text must be a str, got {type(text).__name__}")
    return list(_TOKENIZERS[language](text))


def analyzer_info() -> dict[str, str]:
    """Which analyzer (and version) handles each language, for reports and notebooks."""
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:  # pragma: no cover
            return "not installed"

    sudachi = f"SudachiPy {ver('sudachipy')} + sudachidict-core {ver('sudachidict-core')} (mode C)"
    regex = "regular expression over Unicode letters and digits"
    return {"zh": f"rjieba {ver('rjieba')}", "ja": sudachi, "nl": regex, "en": regex, "de": regex}
