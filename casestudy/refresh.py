"""``casestudy refresh``: re-execute notebooks in place to store their reference outputs.

It sits above the runner (which executes) and :mod:`casestudy.nbclean` (which makes the result
byte-stable), so neither of those imports the other's caller.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import nbformat

from .errors import NotebookRunError
from .nbclean import write_clean
from .parameters import SPECS, parameters_cell_source
from .runner import RunResult, run_notebooks

__all__ = ["refresh"]


def refresh(notebooks: Sequence[Path], jobs: int | None = None,
            progress: Callable[[str], None] | None = None) -> list[RunResult]:
    """Write each notebook's ``parameters`` cell from its declaration, run it with its
    defaults into a temporary folder, then replace it, cleaned; a failed one is left as it was."""
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
