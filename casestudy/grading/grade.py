"""``casestudy grade``: run every returned notebook in isolation under its student's variant,
take the recorded answers out and compare them, outside the kernel, with the expected values
``casestudy assign`` stored; write the gradebook, a summary per student and feedback pages.

Each exercise gets one status: ``right``, ``wrong``, ``not yet`` (left as ``...``),
``error`` (the check never ran, the notebook could not be read, or it carries another
student's variant), ``timeout`` (the notebook did not finish in time before its check ran)
or ``missing`` (no notebook handed in).  Numbers must be numbers: a string, a bool or a NaN
is ``wrong`` with the note "expected a number".
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import paths
from ..atomic import write_text
from ..exercises import NOT_A_NUMBER, is_right
from .assign import STAMP, exercises_of
from .errors import GradingError
from .sandbox import MB, Limits, run_isolated
from .variants import fingerprint

__all__ = ["Row", "COLUMNS", "STATUSES", "grade", "load_assignment", "summarise"]

STATUSES = ("right", "wrong", "not yet", "error", "timeout", "missing")
COLUMNS = ("student_id", "notebook", "exercise", "status", "points", "max_points", "value", "note")
MAX_NOTEBOOK_BYTES = 20 * MB
MAX_RECORD_BYTES = 64 * 1024
_EXECUTE = Path(__file__).with_name("execute.py")


@dataclass
class Row:
    """One line of the gradebook: a student's result on one exercise."""

    student_id: str
    notebook: str
    exercise: str
    status: str
    points: float
    max_points: float
    value: str = ""
    note: str = ""


def load_assignment(folder: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and the expected values ``casestudy assign`` wrote into ``folder``."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "assignment.json").read_text(encoding="utf-8"))
        answers = json.loads((folder / "answers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GradingError(f"{folder}: not an assignment folder written by `casestudy assign` "
                           f"(assignment.json and answers.json): {exc}") from None
    return manifest, answers


def _injected(nb: Any) -> dict[str, Any]:
    """The values papermill injected into a notebook (its ``injected-parameters`` cell)."""
    out: dict[str, Any] = {}
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            try:
                for node in ast.parse(cell.source).body:
                    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                        out[node.targets[0].id] = ast.literal_eval(node.value)
            except (SyntaxError, ValueError):
                out["?"] = "unreadable"
    return out


def _other_variant(nb: Any, sid: str, stem: str, variant: dict[str, Any]) -> str:
    """Why ``nb`` looks like a copy run under another variant ("" if it does not)."""
    stamp = nb.metadata.get(STAMP)
    if isinstance(stamp, dict) and (stamp.get("student_id"), stamp.get("variant")) != (
            sid, fingerprint(stem, variant)):
        return (f"this notebook is the copy assigned to {str(stamp.get('student_id'))[:64]!r}, "
                f"run under another variant; hand in your own copy")
    ran = _injected(nb)
    differ = sorted(k for k in variant if k in ran and ran[k] != variant[k])
    if differ or "?" in ran:
        return (f"this notebook ran under other values of {', '.join(differ) or 'its parameters'} "
                "than your variant's; hand in your own copy")
    return ""


def _prepare(nb: Any, variant: dict[str, Any]) -> Any:
    """Outputs cleared, the student's variant injected (papermill's own cell format)."""
    from papermill.parameterize import parameterize_notebook

    nb.cells = [c for c in nb.cells
                if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        tags = cell.metadata.get("tags")  # papermill reads every cell's tags: a new cell has none
        cell.metadata["tags"] = [t for t in tags if isinstance(t, str)] if isinstance(
            tags, list) else []
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata["papermill"] = {}
    return parameterize_notebook(nb, dict(variant), kernel_name="python3", language="python")


def _read_json(folder: Path, name: str) -> Any:
    """A JSON file the sandboxed run wrote, read without following links (the submission
    could have left a link to a grader's file there); None if absent or not a small file."""
    try:
        dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dfd)
    except OSError:
        return None
    finally:
        os.close(dfd)
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_RECORD_BYTES:
            return None
        try:
            return json.loads(f.read(MAX_RECORD_BYTES))
        except ValueError:
            return None


def _value_text(rec: dict[str, Any]) -> str:
    v = rec.get("value")
    if rec.get("value_kind") == "set" and isinstance(v, list):
        return ";".join(str(x)[:40] for x in v[:20])
    return "" if v is None else str(v)[:80]


def _judge(ex: dict[str, Any], expected: Any, rec: Any) -> tuple[str, str, str]:
    """(status, value, note) of one recorded answer."""
    kind = ex.get("kind", "number")
    if not isinstance(rec, dict) or rec.get("value_kind") not in ("blank", "invalid", kind):
        return "error", "", "the answer record is malformed (was the checker changed?)"
    if rec["value_kind"] == "blank":
        return "not yet", "", ""
    value: Any = rec.get("value")  # a number or a list, checked by ok_type below
    if rec["value_kind"] == "invalid":
        what = NOT_A_NUMBER if kind == "number" else "expected a collection of ids"
        return "wrong", _value_text(rec), f"wrong: {what}"
    ok_type = (isinstance(value, (int, float)) and not isinstance(value, bool)
               if kind == "number" else isinstance(value, list))
    if not ok_type:
        return "error", "", "the answer record is malformed (was the checker changed?)"
    right = is_right(ex, value if kind == "number" else [str(v) for v in value], expected)
    return ("right" if right else "wrong"), _value_text(rec), ""


def _sandbox_paths() -> list[Path]:
    """What a graded run may read: Python, the installed packages, this package, the seeds
    and the reference figures.  Not the answers, the assignment or other submissions."""
    pkg = paths.PACKAGE_DIR
    return [Path(sys.prefix), Path(sys.base_prefix), pkg, paths.seeds_dir(), paths.references_dir()]


def _grade_one(sid: str, stem: str, submitted: Path, variant: dict[str, Any],
               expected: dict[str, Any], limits: Limits, scratch: Path) -> tuple[list[Row], str]:
    """The rows of one student's notebook, and a one-line note on how its run went."""
    import nbformat

    exercises = exercises_of(stem)

    def rows(status: str, note: str) -> list[Row]:
        return [Row(sid, stem, q, status, 0.0, float(ex.get("points", 1)), "", note)
                for q, ex in exercises.items()]

    if not submitted.is_file():
        return rows("missing", f"no {stem}.ipynb handed in"), "missing"
    try:
        if submitted.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise ValueError(f"larger than {MAX_NOTEBOOK_BYTES // MB} MB")
        nb = nbformat.read(io.StringIO(submitted.read_text(encoding="utf-8")), as_version=4)
    except (OSError, ValueError, UnicodeDecodeError, KeyError, TypeError) as exc:
        note = f"not a readable notebook ({type(exc).__name__}: {str(exc)[:100]})"
        return rows("error", note), note
    other = _other_variant(nb, sid, stem, variant)
    if other:
        return rows("error", other), other
    work = Path(tempfile.mkdtemp(prefix=f"{sid}-{stem}-", dir=scratch))
    (work / "checks").mkdir()
    (work / ".mpl").mkdir()
    for cache in Path(os.environ.get("MPLCONFIGDIR") or Path.home() / ".cache" / "matplotlib"
                      ).glob("fontlist-*.json"):
        shutil.copy(cache, work / ".mpl")  # the font list, so no run rebuilds it
    nbformat.write(_prepare(nb, variant), str(work / f"{stem}.ipynb"))
    env = {"CASESTUDY_CHECK_DIR": str(work / "checks"), "CASESTUDY_ANSWERS": "",
           "CASESTUDY_CWD": str(work), "MPLCONFIGDIR": str(work / ".mpl"),
           "IPYTHONDIR": str(work / ".ipython"), "JUPYTER_RUNTIME_DIR": str(work / ".jupyter"),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    outcome = run_isolated([sys.executable, str(_EXECUTE), str(work / f"{stem}.ipynb")], work,
                           _sandbox_paths(), env, limits, scratch / f"{work.name}.log")
    status = _read_json(work, "status.json") if not outcome.timed_out else None
    status = status if isinstance(status, dict) else {}
    errors = [str(e)[:160] for e in status.get("cell_errors", [])][:3]
    if outcome.timed_out:
        run_note, missing = f"the notebook did not finish within {limits.seconds:g} s", "timeout"
    elif not status.get("finished"):
        run_note = str(status.get("error") or f"the run ended abnormally (exit code "
                       f"{outcome.returncode}; memory or file-size limit?)")[:200]
        missing = "error"
    else:
        run_note, missing = ("; ".join(errors) if errors else "ran to the end"), "error"
    out = []
    for qid, ex in exercises.items():
        rec = _read_json(work / "checks", f"{qid}.json")
        points = float(ex.get("points", 1))
        if rec is None:
            note = ("the notebook did not finish before this check ran" if missing == "timeout"
                    else f"the check did not run ({run_note})")
            out.append(Row(sid, stem, qid, missing, 0.0, points, "", note))
            continue
        st, value, note = _judge(ex, expected.get(qid), rec)
        if st != "right" and errors:  # what went wrong while it ran may explain it
            note = "; ".join([note] * bool(note) + [f"errors while running: {'; '.join(errors)}"])
        out.append(Row(sid, stem, qid, st, points if st == "right" else 0.0, points, value, note))
    shutil.rmtree(work, ignore_errors=True)
    return out, f"{run_note} ({outcome.seconds:.1f} s)"


def summarise(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Per student: points, maximum and the count of each status."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        s = out.setdefault(r.student_id, {"student_id": r.student_id, "points": 0.0,
                                          "max_points": 0.0, **{k: 0 for k in STATUSES}})
        s["points"] += r.points
        s["max_points"] += r.max_points
        s[r.status] += 1
    return list(out.values())


def _csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def grade(submissions: str | Path, assignment: str | Path, out: str | Path,
          limits: Limits | None = None, jobs: int | None = None,
          progress: Callable[[str], None] | None = None,
          feedback_dir: str | Path | None = None) -> list[Row]:
    """Grade ``submissions/<student_id>/<notebook>.ipynb`` against the assignment folder;
    write the gradebook CSV ``out``, ``<out>-summary.csv`` and one feedback page per student."""
    from .feedback import write_feedback

    say = progress or (lambda line: None)
    limits = limits or Limits()
    manifest, answers = load_assignment(assignment)
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise GradingError(f"{submissions}: no such folder; expected one folder per student id "
                           "holding the returned notebooks")
    tasks = [(sid, stem) for sid in manifest["students"] for stem in manifest["notebooks"]]
    jobs = jobs or max(1, min(os.cpu_count() or 1, 4))
    results: dict[tuple[str, str], list[Row]] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="casestudy-grade-") as scratch, \
            ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_grade_one, sid, stem, submissions / sid / f"{stem}.ipynb",
                               manifest["variants"][sid][stem], answers[sid][stem], limits,
                               Path(scratch)): (sid, stem) for sid, stem in tasks}
        for done, fut in enumerate(as_completed(futures), start=1):
            sid, stem = futures[fut]
            try:
                rows, note = fut.result()
            except Exception as exc:  # noqa: BLE001 - a grader bug costs one notebook, not all
                note = f"the grader failed on this notebook: {type(exc).__name__}: {exc}"[:200]
                rows = [Row(sid, stem, q, "error", 0.0, float(ex.get("points", 1)), "", note)
                        for q, ex in exercises_of(stem).items()]
            results[sid, stem] = rows
            got = sum(r.points for r in rows)
            say(f"[{done}/{len(tasks)}] {sid}/{stem}: {got:g}/{sum(r.max_points for r in rows):g} "
                f"points; {note}")
    rows = [r for key in tasks for r in results[key]]
    out = Path(out)
    write_text(out, _csv([asdict(r) for r in rows], COLUMNS))
    summary = summarise(rows)
    write_text(out.with_name(f"{out.stem}-summary.csv"),
               _csv(summary, ["student_id", "points", "max_points", *STATUSES]))
    write_feedback(rows, Path(feedback_dir) if feedback_dir else out.parent / "feedback")
    say(f"Graded {len(tasks)} notebook(s) of {len(manifest['students'])} student(s) in "
        f"{time.monotonic() - started:.1f} s")
    return rows
