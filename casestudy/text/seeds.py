"""Seeds as the text layer sees them: paragraphs, each in its own language.

Code here relies only on the seed interface of ``casestudy.load_corpus()``:
``seed.id``, ``seed.text`` (cleaned reading text), ``seed.raw`` (the exact
original), ``seed.raw_span(start, end)`` (reading-text offsets -> original
offsets), ``seed.language`` (primary language) and ``seed.paragraphs`` (objects
with ``start``, ``end`` into ``seed.text`` and a detected ``language``).

A paragraph is analysed in its own language (seed 004 has a German header over
an English body and a Chinese dateline).  A paragraph whose detected language is
not one of :data:`SUPPORTED_LANGUAGES` (language identification can call a short
Latin-script line French or Italian) falls back to the seed's primary language;
if that is unsupported too, the seed cannot be analysed and
:class:`TextAnalysisError` says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from casestudy.text.errors import TextAnalysisError
from casestudy.text.tokenize import SUPPORTED_LANGUAGES, Token, tokenize

__all__ = ["Section", "as_seeds", "sections", "tokenize_seed"]

_SEED_ATTRS = ("id", "text", "raw", "raw_span", "language", "paragraphs")


class Section(NamedTuple):
    """A paragraph of ``seed.text`` (``start``/``end``) and the language it is analysed in."""

    start: int
    end: int
    language: str


def _is_seed(obj: object) -> bool:
    return all(hasattr(obj, a) for a in _SEED_ATTRS)


def as_seeds(seeds: Any) -> list[Any]:
    """A list of seeds from one seed, a corpus, or any iterable of seeds.

    Raises :class:`TextAnalysisError` for anything else (a string, a path, a
    number, an iterable holding a non-seed).
    """
    if _is_seed(seeds):
        return [seeds]
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise TextAnalysisError(
            f"expected a Seed or an iterable of Seeds (e.g. casestudy.load_corpus()), "
            f"got {type(seeds).__name__}"
        )
    out = list(seeds)
    for item in out:
        if not _is_seed(item):
            missing = [a for a in _SEED_ATTRS if not hasattr(item, a)]
            raise TextAnalysisError(
                f"expected Seeds, got {type(item).__name__} lacking {', '.join(missing)}"
            )
    return out


def _seed_fallback(seed: Any) -> str | None:
    lang = getattr(seed, "language", None)
    return lang if lang in SUPPORTED_LANGUAGES else None


def sections(seed: Any) -> Iterator[Section]:
    """The seed's paragraphs with the language each is analysed in (see the module docstring)."""
    fallback = _seed_fallback(seed)
    for para in seed.paragraphs:
        lang = para.language if para.language in SUPPORTED_LANGUAGES else fallback
        if lang is None:
            raise TextAnalysisError(
                f"seed {seed.id}: paragraph at {para.start}-{para.end} is in {para.language!r} and "
                f"the seed's language {seed.language!r} is not supported either; "
                f"supported: {', '.join(SUPPORTED_LANGUAGES)}"
            )
        yield Section(para.start, para.end, lang)


def tokenize_seed(seed: Any) -> list[Token]:
    """Word tokens of ``seed.text``, each paragraph analysed in its own language.

    Offsets index ``seed.text`` (map them to the original with ``seed.raw_span``).
    """
    text = seed.text
    out: list[Token] = []
    for sec in sections(seed):
        for tok in tokenize(text[sec.start:sec.end], sec.language):
            out.append(Token(tok.surface, tok.start + sec.start, tok.end + sec.start,
                             tok.language, tok.lemma, tok.pos))
    return out


def token_counts(seeds: Iterable[Any]) -> dict[str, int]:
    """Seed id -> number of word tokens (the denominator of every per-1,000 rate)."""
    return {seed.id: len(tokenize_seed(seed)) for seed in as_seeds(seeds)}
