"""One feedback page per student (HTML, autoescaped Jinja2 like the site's pages): what was
right, and for the rest the exercise's prompt and its hint: what to look at again, never the
expected value."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jinja2

from ..atomic import write_text
from .assign import exercises_of

__all__ = ["write_feedback", "render"]

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                          autoescape=True, trim_blocks=True, lstrip_blocks=True)
_SAYS = {"right": "Right.", "wrong": "Not right yet: look again at the method below.",
         "not yet": "Not answered.", "error": "Could not be graded.",
         "timeout": "The notebook did not finish in time.", "missing": "Not handed in."}


def render(student_id: str, rows: Sequence) -> str:
    """The page of one student from their gradebook rows."""
    items = []
    for r in rows:
        ex = exercises_of(r.notebook).get(r.exercise, {})
        hint = ex.get("hint_wrong", "") if r.status == "wrong" else ""
        items.append({"notebook": r.notebook, "exercise": r.exercise, "status": r.status,
                      "says": _SAYS[r.status], "points": f"{r.points:g}",
                      "max_points": f"{r.max_points:g}", "prompt": ex.get("prompt", ""),
                      "hint": hint, "note": r.note, "value": r.value})
    total = sum(r.points for r in rows)
    most = sum(r.max_points for r in rows)
    return _ENV.get_template("feedback.html.j2").render(
        student_id=student_id, items=items, total=f"{total:g}", most=f"{most:g}") + "\n"


def write_feedback(rows: Sequence, folder: Path) -> list[Path]:
    """``folder/<student_id>.html`` for each student in ``rows``."""
    folder.mkdir(parents=True, exist_ok=True)
    by: dict[str, list] = {}
    for r in rows:
        by.setdefault(r.student_id, []).append(r)
    return [write_text(folder / f"{sid}.html", render(sid, rs)) for sid, rs in by.items()]
