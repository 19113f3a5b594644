"""The Xiaomi casebook's helper package.

Loads and annotates the source articles (``load_corpus``) and the reference figures
(``load_references``), shows exhibits with their Source lines (``show``), checks
exercises (``check``), and holds what several notebooks or the CLI share: the
scenario models behind ``casestudy sweep``, tokenizers, the plotting style, the
runner and the site.  The analysis itself is in the notebooks.  Heavy modules
(tokenizers, matplotlib, papermill) are imported only when used.
"""

from __future__ import annotations

from . import formulas, parameters, plotting
from .corpus import Corpus, load_corpus
from .display import fmt, md, show, source_line
from .errors import AnnotationError, CasestudyError, NotebookRunError, ParameterError, SeedError
from .exercises import check
from .references import ReferenceDataError, load_references, reference_citation
from .seeds import Seed

__version__ = "0.1.0"

__all__ = ["load_corpus", "Corpus", "Seed", "CasestudyError", "SeedError", "AnnotationError",
           "ParameterError", "NotebookRunError", "__version__", "show", "fmt", "md", "source_line",
           "check", "formulas", "parameters", "plotting", "load_references", "reference_citation",
           "ReferenceDataError"]
