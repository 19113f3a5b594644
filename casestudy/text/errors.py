"""The error the text-analysis layer raises for a caller's mistake."""

from __future__ import annotations

from casestudy.errors import CasestudyError

__all__ = ["TextAnalysisError"]


class TextAnalysisError(CasestudyError, ValueError):
    """A bad language code, concept name, seed argument or lexicon file; names the value."""
