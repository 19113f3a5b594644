"""The Xiaomi casebook's helper package.

Loads and annotates the source articles (``load_corpus``) and holds the analysis
the notebooks call: finance, scenarios, text analysis and plotting.  Heavy
modules (tokenizers, matplotlib, papermill) are imported only when used.
"""

from __future__ import annotations

from .corpus import Corpus, load_corpus
from .errors import (AnnotationError, CasestudyError, NotebookRunError, ParameterError,
                     SeedError)
from .seeds import Seed
from .references import ReferenceDataError, load_references, reference_citation
from . import formulas, parameters, plotting, report
from .display import fmt, md, show, source_line
from .exercises import check

__version__ = "0.1.0"

__all__ = ["load_corpus", "Corpus", "Seed", "CasestudyError", "SeedError", "AnnotationError",
           "ParameterError", "NotebookRunError", "__version__", "show", "fmt", "md", "source_line",
           "check", "formulas", "load_references", "reference_citation", "ReferenceDataError"]
