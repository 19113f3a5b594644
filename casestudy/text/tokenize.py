"""Language-aware word tokenization with character offsets.

A token is a run the analyzer returns that holds at least one letter or digit
(white space and punctuation are not tokens), with ``text[start:end] ==
surface``: the unit every per-1,000-token rate of the casebook counts.

* Chinese: **rjieba** (jieba-rs: jieba's dictionary and HMM, compiled in, so no
  cache file and no download).  Segmented with ``tag``, jieba's part-of-speech
  mode, whose cuts the stored token counts were measured on.
* Japanese: **SudachiPy** + sudachidict-core, split mode C (longest units:
  期待値 stays whole), which reports character offsets itself; input goes in
  chunks because Sudachi refuses more than 49,149 bytes.
* Dutch, English, German: one regular expression over Unicode letters and
  digits; internal hyphens and apostrophes stay in a word
  (``prijs-kwaliteitverhouding``, ``Xiaomi's``), edge quotes do not
  (``‘fans’``), decimals stay in a number (``113.1``).

Measured with ``benchmarks/bench_tokenize.py --compare`` (2 shared cores, +-50 %)::

    analyzer                            load     warm     disk     last release
    rjieba 0.2.2 (zh)                   0.14 s   1.4 ms   4.8 MB   2026-10
    jieba 0.42.1 (zh, posseg)           1.49 s   112 ms   43 MB    2020-01
    SudachiPy 0.7.0 + core 20261015     0.06 s   2.6 ms   207 MB   2026-09 / 2026-10
    fugashi 1.5.2 + unidic-lite 1.0.8   0.01 s   6.3 ms   263 MB   2025-10 / 2021-01
    janome 0.5.0 (ja, pure Python)      0.32 s   150 ms   212 MB   2023-07

Sudachi over fugashi: both fast enough, but Sudachi's dictionary is maintained
(unidic-lite is a 2021 snapshot) and it gives offsets.  Analyzers load on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from casestudy.errors import CasestudyError

__all__ = ["SUBSTRING_LANGUAGES", "SUPPORTED_LANGUAGES", "TextAnalysisError", "Token", "tokenize"]

#: Languages this module analyses, ISO 639-1.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("de", "en", "ja", "nl", "zh")
#: Languages written without spaces between words (segmented by a dictionary).
SUBSTRING_LANGUAGES: frozenset[str] = frozenset({"ja", "zh"})

_SUDACHI_CHUNK = 12_000  # at most 48,000 UTF-8 bytes even at four bytes a character
_SURROGATE = re.compile("[\ud800-\udfff]")
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD_CHAR = rf"(?:[^\W_][{_COMBINING}]*)"
_LATIN_TOKEN = re.compile(
    rf"\d+(?:[.,]\d+)+(?![^\W_])"                  # 113.1, 350,000 (not 2.4x)
    rf"|{_WORD_CHAR}+(?:['’\-‐‑]{_WORD_CHAR}+)*"   # words, hyphen/apostrophe compounds
)


class TextAnalysisError(CasestudyError, ValueError):
    """A bad language code, concept name, seed argument or lexicon file; names the value."""


@dataclass(frozen=True, slots=True)
class Token:
    """One word: ``start``/``end`` index the string that was tokenized."""

    surface: str
    start: int
    end: int
    language: str


def _is_word(surface: str) -> bool:
    return any(ch.isalnum() for ch in surface)


def _safe(text: str) -> str:
    """``text`` with lone surrogates replaced (same length), so native analyzers accept it."""
    return _SURROGATE.sub("\ufffd", text)


@lru_cache(maxsize=1)
def _sudachi() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def _tokenize_zh(text: str) -> Iterator[Token]:
    import rjieba

    pos = 0
    for word, _tag in rjieba.tag(_safe(text)):
        end = pos + len(word)
        if _is_word(word):
            yield Token(text[pos:end], pos, end, "zh")
        pos = end


def _tokenize_ja(text: str) -> Iterator[Token]:
    safe = _safe(text)
    start = 0
    while start < len(safe):  # chunks of at most _SUDACHI_CHUNK, cut after a line break if possible
        end = min(start + _SUDACHI_CHUNK, len(safe))
        if end < len(safe) and safe.rfind("\n", start, end) > start:
            end = safe.rfind("\n", start, end) + 1
        for m in _sudachi().tokenize(safe[start:end]):
            surface = text[start + m.begin():start + m.end()]
            if _is_word(surface):
                yield Token(surface, start + m.begin(), start + m.end(), "ja")
        start = end


def tokenize(text: str, language: str) -> list[Token]:
    """The word tokens of ``text`` analysed as ``language`` (one of :data:`SUPPORTED_LANGUAGES`).

    Raises :class:`TextAnalysisError` for an unsupported language or a non-string text.
    """
    if not isinstance(language, str) or language not in SUPPORTED_LANGUAGES:
        raise TextAnalysisError(
            f"unsupported language {language!r}; supported: {', '.join(SUPPORTED_LANGUAGES)}"
        )
    if not isinstance(text, str):
        raise TextAnalysisError(f"text must be a str, got {type(text).__name__}")
    if language == "zh":
        return list(_tokenize_zh(text))
    if language == "ja":
        return list(_tokenize_ja(text))
    return [Token(m.group(), m.start(), m.end(), language) for m in _LATIN_TOKEN.finditer(text)]
