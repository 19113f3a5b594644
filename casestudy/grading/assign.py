"""``casestudy assign``: each student's copy of each notebook, run under the student's variant,
the instructor's solutions, and the expected values the grader compares with.

Layout of the assignment folder ``DIR``:

- ``DIR/<student_id>/<notebook>.ipynb``: the student edition (no teaching notes, no answers,
  exercises unanswered), executed under the student's variant: what the student gets;
- ``DIR/<student_id>/solutions/<notebook>.ipynb``: the same notebook with its answer cells,
  executed under the same variant (instructor only);
- ``DIR/assignment.json``: the seed, the notebooks and every student's variant;
- ``DIR/answers.json``: each student's expected value of each exercise, recorded by the checks
  of the solutions run (instructor only: never handed out, never visible to a graded run).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..atomic import write_text
from ..exercises import is_right, load_exercises
from .errors import GradingError
from .variants import declarations, draw, fingerprint

__all__ = ["read_roster", "assign", "STAMP", "exercises_of"]

STAMP = "casestudy_assignment"  # notebook metadata key: whose variant a copy was run under
_SETUP = "grading-setup"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def read_roster(path: str | Path) -> list[str]:
    """The student ids of a roster CSV (a ``student_id`` column; other columns ignored)."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise GradingError(f"{path}: the roster cannot be read ({exc})") from None
    if not rows or "student_id" not in rows[0]:
        raise GradingError(f"{path}: expected a CSV with a header row holding 'student_id' "
                           "and one row per student")
    ids = [(r.get("student_id") or "").strip() for r in rows]
    for line, sid in enumerate(ids, start=2):
        if not _ID.match(sid):
            raise GradingError(f"{path}: line {line}: student_id = {sid!r}; expected letters, "
                               "digits, '.', '_' or '-' (at most 64, not starting with '.' or '-')")
    dupes = sorted({s for s in ids if ids.count(s) > 1})
    if dupes:
        raise GradingError(f"{path}: student_id {', '.join(dupes)} appears more than once")
    return ids


def exercises_of(notebook: str) -> dict[str, dict[str, Any]]:
    """The exercises a notebook holds (public fields only: what a grader may show)."""
    return {q: ex for q, ex in load_exercises(answers=None).items() if ex["notebook"] == notebook}


def _copy(src: Path, dest: Path, edition: str, stamp: dict[str, Any],
          checks: Path | None = None) -> Path:
    """``src`` as ``edition`` shows it, stamped; with ``checks``, a first cell makes every
    check of the run record its answer and expected value there (see :func:`_drop_setup`)."""
    import nbformat

    from ..site.pages import edition_notebook

    nb = edition_notebook(nbformat.read(str(src), as_version=4), edition)
    nb.metadata[STAMP] = stamp
    if checks is not None:
        nb.cells.insert(0, nbformat.v4.new_code_cell(
            f"__import__('os').environ['CASESTUDY_CHECK_DIR'] = {str(checks)!r}",
            metadata={"tags": [_SETUP]}))
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(dest))
    return dest


def _drop_setup(path: Path) -> None:
    """Remove the recording cell :func:`_copy` added from an executed solutions notebook."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.cells = [c for c in nb.cells if _SETUP not in c.metadata.get("tags", [])]
    write_text(path, nbformat.writes(nb) + "\n")


def _run(paths: list[Path], outdir: Path, names: list[str], params: list[dict[str, Any]],
         jobs: int | None, say: Callable[[str], None]) -> None:
    from ..runner import run_notebooks

    results = run_notebooks(paths, outdir, per_notebook=params, output_names=names, jobs=jobs,
                            progress=say)
    failed = [f"{n}: {r.status()}" for n, r in zip(names, results) if not r.ok]
    if failed:
        raise GradingError("assign: a notebook failed to run; nothing is handed out until all "
                           "run:\n  " + "\n  ".join(failed))


def assign(notebooks: Sequence[Path], students: Sequence[str], outdir: str | Path, seed: int = 0,
           jobs: int | None = None, progress: Callable[[str], None] | None = None
           ) -> dict[str, Any]:
    """Write the assignment folder (see the module's docstring); return the manifest."""
    from ..exercises import answers_dir

    say = progress or (lambda line: None)
    outdir = Path(outdir)
    stems = [nb.stem for nb in notebooks]
    if answers_dir() is None and any("expected" not in ex for s in stems
                                     for ex in load_exercises().values() if ex["notebook"] == s):
        raise GradingError("assign: the expected answers are not at hand; run it in the "
                           "instructor's checkout (answers/) or set CASESTUDY_ANSWERS to "
                           "their folder")
    declared = declarations()
    variants = {sid: {s: draw(seed, sid, s, declared) for s in stems} for sid in students}
    expected: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="casestudy-assign-") as tmp:
        src = Path(tmp)
        copies, names, params = [], [], []
        for sid in students:
            (outdir / sid / "solutions").mkdir(parents=True, exist_ok=True)
            (src / "checks" / sid).mkdir(parents=True)
            for nb in notebooks:
                v = variants[sid][nb.stem]
                stamp = {"student_id": sid, "notebook": nb.stem, "variant": fingerprint(nb.stem, v)}
                copies.append(_copy(nb, src / "student" / sid / nb.name, "student", stamp))
                names.append(f"{sid}/{nb.name}")
                copies.append(_copy(nb, src / "solutions" / sid / nb.name, "instructor",
                                    {**stamp, "solutions": True}, src / "checks" / sid))
                names.append(f"{sid}/solutions/{nb.name}")
                params += [v, v]
        say(f"{len(copies)} notebook(s): a copy and its solutions for each of {len(students)} "
            f"student(s) and {len(notebooks)} notebook(s)")
        _run(copies, outdir, names, params, jobs, say)
        for sid in students:
            for nb in notebooks:
                _drop_setup(outdir / sid / "solutions" / nb.name)
            expected[sid] = _expected(src / "checks" / sid, sid, stems)
            for logs in (outdir / sid / ".logs", outdir / sid / "solutions" / ".logs"):
                shutil.rmtree(logs, ignore_errors=True)  # kernel logs of runs that succeeded
    manifest = {"seed": seed, "notebooks": stems, "students": list(students),
                "variants": variants,
                "fingerprints": {sid: {s: fingerprint(s, variants[sid][s]) for s in stems}
                                 for sid in students}}
    write_text(outdir / "assignment.json", json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    write_text(outdir / "answers.json", json.dumps(expected, indent=1, sort_keys=True) + "\n")
    return manifest


def _expected(checks: Path, sid: str, stems: Sequence[str]) -> dict[str, Any]:
    """The expected values the solutions' checks recorded; each model answer must be right."""
    out: dict[str, Any] = {}
    for stem in stems:
        out[stem] = {}
        for qid, ex in exercises_of(stem).items():
            path = checks / f"{qid}.json"
            if not path.is_file():
                raise GradingError(f"assign: the solutions of {stem} for {sid} never ran "
                                   f"cs.check({qid!r}, ...); every exercise needs its check cell")
            rec = json.loads(path.read_text(encoding="utf-8"))
            if "expected" not in rec or rec["value_kind"] in ("blank", "invalid") or not is_right(
                    ex, rec["value"], rec["expected"]):
                raise GradingError(f"assign: {stem}, {qid}, student {sid}: the model answer "
                                   f"({rec.get('value')!r}) is not right under this variant; "
                                   "fix the answer cell or the expected expression")
            out[stem][qid] = rec["expected"]
    return out
