"""Text analysis of the seeds: word tokens and concept mentions.

* :func:`tokenize` ``(text, language)`` and :func:`tokenize_seed` ``(seed)``:
  word tokens with offsets (:mod:`casestudy.text.tokenize` has the measured
  choice of analyzers).
* :func:`load_lexicon`: the concept lexicon ``casestudy/data/concepts.toml``.
* :func:`concept_matches`: every mention of a concept, traced to the original
  text (:mod:`casestudy.text.concepts` has the matching rules).

Importing loads no dictionary and not pandas; analyzers load on first use.
"""

from casestudy.text.concepts import concept_matches
from casestudy.text.lexicon import Concept, Lexicon, load_lexicon
from casestudy.text.seeds import tokenize_seed
from casestudy.text.tokenize import SUPPORTED_LANGUAGES, TextAnalysisError, Token, tokenize

__all__ = ["SUPPORTED_LANGUAGES", "Concept", "Lexicon", "TextAnalysisError", "Token",
           "concept_matches", "load_lexicon", "tokenize", "tokenize_seed"]
