"""Seeds as the text layer sees them: paragraphs, each analysed in its own language.

Uses only the seed interface (:data:`_SEED_ATTRS`).  A paragraph detected in an
unsupported language (a short line called French) falls back to the seed's
language; if that is unsupported too (a user's Korean article), the paragraph is left out:
it has no tokens and no concept mentions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from casestudy.text.tokenize import SUPPORTED_LANGUAGES, TextAnalysisError, Token, tokenize

__all__ = ["as_seeds", "sections", "tokenize_seed"]

_SEED_ATTRS = ("id", "text", "raw", "raw_span", "language", "paragraphs")


def as_seeds(seeds: Any) -> list[Any]:
    """A list of seeds from one seed or an iterable of seeds.

    Raises :class:`TextAnalysisError` otherwise.
    """
    if all(hasattr(seeds, a) for a in _SEED_ATTRS):
        return [seeds]
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise TextAnalysisError(f"expected a Seed or an iterable of Seeds (e.g. "
                                f"casestudy.load_corpus()), got {type(seeds).__name__}")
    out = list(seeds)
    for item in out:
        missing = [a for a in _SEED_ATTRS if not hasattr(item, a)]
        if missing:
            raise TextAnalysisError(
                f"expected Seeds, got {type(item).__name__} lacking {', '.join(missing)}"
            )
    return out


def sections(seed: Any) -> Iterator[tuple[int, int, str]]:
    """``(start, end, language)`` of each paragraph of ``seed.text``.

    The language is the one the paragraph is analysed in.
    """
    for para in seed.paragraphs:
        lang = para.language if para.language in SUPPORTED_LANGUAGES else seed.language
        if lang in SUPPORTED_LANGUAGES:  # else (a user's Korean article): nothing to analyse
            yield para.start, para.end, lang


def tokenize_seed(seed: Any) -> list[Token]:
    """Word tokens of ``seed.text`` (offsets into it), each paragraph in its own language."""
    out: list[Token] = []
    for start, end, lang in sections(seed):
        out.extend(Token(t.surface, t.start + start, t.end + start, t.language)
                   for t in tokenize(seed.text[start:end], lang))
    return out
