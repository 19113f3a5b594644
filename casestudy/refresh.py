"""``casestudy refresh``: store the notebooks' reference outputs, byte-stable.

nbval compares a notebook's outputs with the stored ones, so the stored outputs
are the test.  Refresh writes each notebook's ``parameters`` cell from its
declaration (:mod:`casestudy.parameters`), runs it with its defaults into a
temporary folder and only then replaces the file in ``notebooks/``, cleaned
(:mod:`casestudy.nbclean`): refreshing twice leaves every notebook byte-identical.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable, Sequence

import nbformat

from .errors import NotebookRunError
from .nbclean import write_clean
from .parameters import SPECS, parameters_cell_source
from .runner import RunResult, run_notebooks

__all__ = ["refresh"]


def refresh(notebooks: Sequence[Path], jobs: int | None = None,
            progress: Callable[[str], None] | None = None) -> list[RunResult]:
    """Re-execute ``notebooks`` in place with their defaults; a failed one is left untouched."""
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        if len(cells) != 1:
            raise NotebookRunError(f"{path}: expected exactly one cell tagged 'parameters', "
                                   f"found {len(cells)}")
        if path.stem in SPECS and cells[0].source != parameters_cell_source(path.stem):
            cells[0].source = parameters_cell_source(path.stem)
            write_clean(nb, path)
    with tempfile.TemporaryDirectory(prefix="casestudy-refresh-") as tmp:
        results = run_notebooks(notebooks, Path(tmp), per_notebook=[{} for _ in notebooks],
                                jobs=jobs, progress=progress)
        for path, r in zip(notebooks, results):
            if r.ok and r.output is not None:
                write_clean(nbformat.read(str(r.output), as_version=4), path)
    return results
