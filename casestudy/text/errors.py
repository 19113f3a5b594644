"""The error the text-analysis layer raises for a caller's mistake.

:class:`TextAnalysisError` covers an unsupported language code, an unknown
concept name, an argument that is not a seed, and a lexicon or stop-word file
that breaks its format.  It derives from the package's base
:class:`casestudy.errors.CasestudyError` (so ``except CasestudyError`` catches
it) and from :class:`ValueError` (so callers who think of these as bad values can
catch that).  Every message names the bad value (or the file and field) and
what is allowed.
"""

from __future__ import annotations

from casestudy.errors import CasestudyError

__all__ = ["TextAnalysisError"]


class TextAnalysisError(CasestudyError, ValueError):
    """A bad language code, concept name, seed argument or lexicon/stop-word file."""
