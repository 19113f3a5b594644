"""Byte-stable notebooks: what the runner writes and ``casestudy refresh`` stores.

:func:`clean` removes what differs from run to run (papermill's times, durations, the
Python version; the runner's own run record), so a notebook refreshed twice is byte-identical.
The runner imports this module, so it imports nothing of the runner's (refresh, which runs
notebooks, is :mod:`casestudy.refresh`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

__all__ = ["clean", "write_clean"]


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
