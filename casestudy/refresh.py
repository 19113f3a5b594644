"""``casestudy refresh``: store the notebooks' reference outputs, byte-stable.

nbval compares a notebook's outputs with the stored ones, so the stored outputs
are the test.  Refresh writes each notebook's ``parameters`` cell from its
declaration (:mod:`casestudy.parameters`), executes it with its defaults into a
temporary folder, strips volatile metadata and only then replaces the file in
``notebooks/``.  Refreshing twice in a row leaves every notebook byte-identical.
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

__all__ = ["sync_parameters_cell", "refresh"]


def sync_parameters_cell(path: Path) -> bool:
    """Rewrite the ``parameters`` cell of ``path`` from its declaration; True if it changed."""
    nb = nbformat.read(str(path), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise NotebookRunError(f"{path}: expected exactly one cell tagged 'parameters', "
                               f"found {len(cells)}")
    if path.stem not in SPECS:
        return False
    source = parameters_cell_source(path.stem)
    if cells[0].source == source:
        return False
    cells[0].source = source
    write_clean(nb, path)
    return True


def refresh(notebooks: Sequence[Path], jobs: int | None = None,
            progress: Callable[[str], None] | None = None) -> list[RunResult]:
    """Re-execute ``notebooks`` in place with their defaults; a failed one is left untouched."""
    for nb in notebooks:
        sync_parameters_cell(nb)
    with tempfile.TemporaryDirectory(prefix="casestudy-refresh-") as tmp:
        results = run_notebooks(notebooks, Path(tmp), per_notebook=[{} for _ in notebooks],
                                jobs=jobs, progress=progress)
        for nb, r in zip(notebooks, results):
            if r.ok and r.output is not None:
                write_clean(nbformat.read(str(r.output), as_version=4), nb)
    return results
