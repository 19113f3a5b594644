"""The Xiaomi casebook's helper package.

Loads and annotates the source articles (``load_corpus``) and the reference figures
(``load_references``), shows exhibits with their Source lines (``show``), checks
exercises (``check``), and holds what several notebooks or the CLI share: the
scenario models behind ``casestudy sweep``, tokenizers, the plotting style, the
runner and the site.  The analysis itself is in the notebooks.  Heavy modules
(pandas, tokenizers, matplotlib, papermill) are imported only when used: the names
below that need pandas are loaded on first access (:func:`__getattr__`), so
``import casestudy`` (and the ``casestudy`` command answering ``--help`` or a
mistake) does not pay for them.
"""

# No ``from __future__ import annotations`` here: it would bind the name ``annotations`` in
# this namespace, and ``from casestudy import annotations`` would get it instead of the
# submodule until something imported that (the eager imports used to hide this).
import importlib
from typing import TYPE_CHECKING, Any

from . import formulas, parameters, plotting
from .errors import AnnotationError, CasestudyError, NotebookRunError, ParameterError, SeedError

if TYPE_CHECKING:  # what __getattr__ returns, for type checkers and editors
    from .corpus import Corpus, load_corpus
    from .display import fmt, md, show, source_line
    from .exercises import check
    from .references import ReferenceDataError, load_references, reference_citation
    from .seeds import Seed

__version__ = "0.1.0"

__all__ = ["load_corpus", "Corpus", "Seed", "CasestudyError", "SeedError", "AnnotationError",
           "ParameterError", "NotebookRunError", "__version__", "show", "fmt", "md", "source_line",
           "check", "formulas", "parameters", "plotting", "load_references", "reference_citation",
           "ReferenceDataError"]


#: The public names whose modules import pandas, by the submodule that defines them.
_LAZY = {"Corpus": "corpus", "load_corpus": "corpus", "fmt": "display", "md": "display",
         "show": "display", "source_line": "display", "check": "exercises",
         "ReferenceDataError": "references", "load_references": "references",
         "reference_citation": "references", "Seed": "seeds"}


def __getattr__(name: str) -> Any:
    """The names of ``_LAZY``, imported on first access (PEP 562) and then kept as ordinary
    attributes: ``cs.load_corpus`` and ``from casestudy import show`` work as if they had been
    imported eagerly."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazily imported ones included (for ``dir()`` and completion)."""
    return sorted(set(globals()) | set(__all__))
