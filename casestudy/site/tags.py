"""Jupyter Book's cell tags, as the casebook's pages and PDFs honour them.

Jupyter Book (jupyterbook.org, "Hide or remove content"): ``remove-input`` shows a cell's outputs
only, ``remove-output`` its input only, ``remove-cell`` nothing; ``hide-input``, ``hide-output``
and ``hide-cell`` fold that part behind a toggle (here ``<details>``, see
``nbconvert/casebook``); whitespace-only cells are dropped. The notebook file keeps every cell:
tags change only what a page or a PDF shows. Print has no toggle and no code: what is folded or
code is absent, a code cell left without outputs is absent, the ``parameters`` cell is never
printed, and a Markdown cell tagged ``title-page`` is printed as a page of its own."""

from __future__ import annotations

import copy
from typing import Any

REMOVE_CELL, REMOVE_INPUT, REMOVE_OUTPUT = "remove-cell", "remove-input", "remove-output"
HIDE_CELL, HIDE_INPUT, HIDE_OUTPUT = "hide-cell", "hide-input", "hide-output"
#: A Markdown cell printed as the PDF's title page (casebook.css: its own page, no page number).
TITLE_PAGE = "title-page"
#: papermill's parameters cell: shown on the page with its code, never printed.
PARAMETERS = "parameters"
#: Media a notebook is rendered for.
MEDIA = ("screen", "print")


def cell_tags(cell: Any) -> set[str]:
    """The tags of ``cell`` (``metadata.tags``), as a set."""
    return set(cell.get("metadata", {}).get("tags", []) or [])


def _empty(cell: Any) -> bool:
    return not cell.source.strip() and not cell.get("outputs")


def view(nb: Any, medium: str = "screen") -> Any:
    """A copy of ``nb`` as a page (``screen``) or a PDF (``print``) shows it; an input or cell
    left out is marked ``metadata.transient.remove_source`` (what nbconvert's templates skip)."""
    from nbconvert.preprocessors import TagRemovePreprocessor

    if medium not in MEDIA:
        raise ValueError(f"medium {medium!r}; expected one of: {', '.join(MEDIA)}")
    out = copy.deepcopy(nb)
    printed = medium == "print"
    gone = {REMOVE_CELL} | ({PARAMETERS, HIDE_CELL} if printed else set())
    cleared = {REMOVE_OUTPUT} | ({HIDE_OUTPUT} if printed else set())
    TagRemovePreprocessor(remove_cell_tags=gone, remove_all_outputs_tags=cleared,
                          remove_input_tags={REMOVE_INPUT}).preprocess(out, {})
    if printed:  # no code on paper: a code cell is its outputs or nothing
        for cell in out.cells:
            if cell.cell_type == "code":
                cell.metadata["transient"] = {"remove_source": True}
        out.cells = [c for c in out.cells if not (c.cell_type == "code" and not c.outputs)]
    out.cells = [c for c in out.cells if not _empty(c) and not (
        c.cell_type != "code" and c.metadata.get("transient", {}).get("remove_source"))]
    return out
