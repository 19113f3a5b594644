"""Text analysis of the seeds: tokens, concept mentions, top terms.

Public API (all accept one seed or an iterable of seeds, e.g. a corpus from
``casestudy.load_corpus()``; tables are pandas DataFrames with fixed columns
and deterministic row order):

* :func:`tokenize` ``(text, language)`` and :func:`tokenize_seed` ``(seed)``:
  word tokens with offsets (rjieba for Chinese, SudachiPy for Japanese, a
  Unicode regex for Dutch, English, German; see :mod:`casestudy.text.tokenize`
  for the measured choice).
* :func:`load_lexicon` and :func:`load_stopwords`: the reviewable data in
  ``casestudy/data/concepts.toml`` and ``stopwords.toml``.
* :func:`concept_matches` (seed_id, concept, term, language, start, end, text)
  and :func:`concept_frequencies` (seed_id, concept, count, tokens, per_1000);
  see :mod:`casestudy.text.concepts` for the matching rules and normalisation.
* :func:`top_terms` (seed_id, rank, term, count, gloss); see
  :mod:`casestudy.text.terms`.

Importing this package loads no dictionary and not pandas; analyzers load on
first use and stay cached for the process.
"""

from casestudy.text.concepts import concept_frequencies, concept_matches
from casestudy.text.errors import TextAnalysisError
from casestudy.text.lexicon import Concept, Lexicon, load_lexicon, load_stopwords
from casestudy.text.seeds import tokenize_seed
from casestudy.text.terms import top_terms
from casestudy.text.tokenize import SUPPORTED_LANGUAGES, Token, analyzer_info, tokenize

__all__ = [
    "SUPPORTED_LANGUAGES",
    "Concept",
    "Lexicon",
    "TextAnalysisError",
    "Token",
    "analyzer_info",
    "concept_frequencies",
    "concept_matches",
    "load_lexicon",
    "load_stopwords",
    "tokenize",
    "tokenize_seed",
    "top_terms",
]
