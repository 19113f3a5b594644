"""Make an executed notebook byte-stable.

Papermill and nbclient store run-specific metadata (start and end times,
durations, the Python patch version of the machine); two runs of the same
notebook then differ although every output is the same.  :func:`clean` removes
exactly that, so re-executing gives identical bytes and ``git diff`` shows only
real changes.  Outputs themselves are left alone: their stability is the
notebooks' job (no timestamps, addresses or paths are printed).  The run record
(``metadata.casestudy``: package versions, seed checksums; see
:mod:`casestudy.provenance`) is dropped too, so reference copies in ``notebooks/``
never carry it; the runner adds it back to its outputs through ``write_clean``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

__all__ = ["clean", "write_clean", "KERNELSPEC"]

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_VOLATILE_CELL_META = ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled")


def clean(nb: Any, keep_outputs: bool = True) -> Any:
    """Strip volatile metadata from ``nb`` (an nbformat NotebookNode), in place; return it."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("casestudy", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        for key in _VOLATILE_CELL_META:
            cell.metadata.pop(key, None)
        cell["id"] = f"cell-{i:02d}"
        if cell.cell_type == "code":
            if not keep_outputs:
                cell.outputs = []
                cell.execution_count = None
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def write_clean(nb: Any, path: Path, metadata: dict[str, Any] | None = None, tag: str = "") -> None:
    """Clean ``nb`` and write it to ``path`` atomically (a unique temp file, then rename;
    see :mod:`casestudy.atomic`: a failed rename raises :class:`~casestudy.atomic.ReplaceError`
    and leaves no temp file).

    ``metadata`` (e.g. ``{"casestudy": run record}``) is added to the notebook's
    metadata after cleaning.
    """
    from .atomic import write_text

    clean(nb)
    nb.metadata.update(metadata or {})
    write_text(Path(path), nbformat.writes(nb) + "\n", tag=tag)
