"""Byte-stable notebooks, and ``casestudy refresh``, which stores their reference outputs.

:func:`clean` removes what differs from run to run (papermill's times, durations, the
Python version; the runner's own run record), so a notebook refreshed twice is byte-identical.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

import nbformat

from .errors import NotebookRunError
from .parameters import SPECS, parameters_cell_source
from .runner import RunResult, run_notebooks

__all__ = ["clean", "write_clean", "refresh"]


def clean(nb: Any) -> Any:
    """Strip volatile metadata from ``nb`` (an nbformat NotebookNode), in place; return it."""
    for key in ("papermill", "widgets", "casestudy"):
        nb.metadata.pop(key, None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        for key in ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        cell["id"] = f"cell-{i:02d}"
        for out in cell.get("outputs", []):
            out.get("metadata", {}).pop("execution", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def write_clean(nb: Any, path: Path, metadata: dict[str, Any] | None = None, tag: str = "") -> None:
    """Clean ``nb``, add ``metadata`` (e.g. the run record), write it to ``path`` atomically."""
    from .atomic import write_text

    clean(nb)
    nb.metadata.update(metadata or {})
    write_text(Path(path), nbformat.writes(nb) + "\n", tag=tag)


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
