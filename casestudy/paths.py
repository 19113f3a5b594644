"""Where the project's bundled folders are, from any working directory.

In a source checkout (or an editable install) the seeds, notebooks and references are
the top-level ``seeds/``, ``notebooks/`` and ``references/`` folders beside the package.  A wheel
install carries copies under ``casestudy/_bundled/``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    checkout = PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    return PACKAGE_DIR / "_bundled" / name


def seeds_dir() -> Path:
    """The bundled seeds folder."""
    return _find("seeds")


def notebooks_dir() -> Path:
    """The bundled notebooks folder."""
    return _find("notebooks")


def references_dir() -> Path:
    """The bundled reference-figures folder."""
    return _find("references")
