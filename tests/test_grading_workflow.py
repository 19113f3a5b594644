"""The issue's done-when checks, end to end (slow: about 60 notebook runs).

A roster of three: ``assign`` writes three variants and their solutions; the solutions graded
as submissions are right, the untouched copies "not yet"; Alice's notebook handed in as Bob's
is noticed; Alice's values typed into Carol's copies are wrong for at least one exercise per
notebook; hostile submissions get a status and leave the others, the grader and the
instructor's files alone.  Seed 93 draws a different variant of every notebook for each of
the three (checked below, not assumed).
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from casestudy.cli import main
from casestudy.exercises import load_exercises
from casestudy.grading.sandbox import isolation

pytestmark = pytest.mark.slow
NOTEBOOKS = ["01_strategy", "02_marketing", "03_financials", "04_ev_scenarios"]
STUDENTS = ["alice", "bob", "carol"]
EX = load_exercises()


@pytest.fixture(scope="module")
def assignment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("grading")
    (tmp / "roster.csv").write_text("student_id,name\nalice,A\nbob,B\ncarol,C\n", encoding="utf-8")
    assert main(["assign", *NOTEBOOKS, "--roster", str(tmp / "roster.csv"), "-o",
                 str(tmp / "asg"), "--seed", "93", "-j", "2"]) == 0
    return tmp / "asg"


def _grade(asg: Path, subs: Path, timeout: float = 240) -> dict[tuple[str, str, str], dict]:
    out = subs.parent / f"{subs.name}.csv"
    assert main(["grade", str(subs), "-a", str(asg), "-o", str(out), "--timeout", str(timeout),
                 "-j", "2"]) == 0
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["student_id", "notebook", "exercise", "status", "points",
                             "max_points", "value", "note"]
    return {(r["student_id"], r["notebook"], r["exercise"]): r for r in rows}


def _submit(asg: Path, subs: Path, sid: str, stem: str, source: Path) -> Path:
    (subs / sid).mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(source, subs / sid / f"{stem}.ipynb"))


def _differs(qid: str, a, b) -> bool:
    ex = EX[qid]
    if isinstance(a, list):
        return sorted(a) != sorted(b)
    return not math.isclose(a, b, rel_tol=ex.get("rel_tol", 0.005), abs_tol=ex.get("abs_tol", 0))


def test_assign_writes_three_variants_their_copies_and_solutions(assignment):
    manifest = json.loads((assignment / "assignment.json").read_text())
    answers = json.loads((assignment / "answers.json").read_text())
    for stem in NOTEBOOKS:
        fps = {manifest["fingerprints"][s][stem] for s in STUDENTS}
        assert len(fps) == 3, stem  # three different variants of every notebook
        for sid in STUDENTS:
            copy = nbformat.read(str(assignment / sid / f"{stem}.ipynb"), as_version=4)
            tags = {t for c in copy.cells for t in c.metadata.get("tags", [])}
            assert not {"answer", "teaching-note"} & tags
            text = json.dumps(copy)
            assert "not yet" in text and ": right." not in text
            assert (assignment / sid / "solutions" / f"{stem}.ipynb").is_file()
        # anti-copying: for an exercise of each notebook, alice's and carol's expected differ
        assert any(_differs(q, answers["alice"][stem][q], answers["carol"][stem][q])
                   for q in answers["alice"][stem]), stem
    assert not list(assignment.glob("*/.logs"))


def test_solutions_are_right_and_untouched_copies_not_yet(assignment, tmp_path):
    for sid in STUDENTS:
        for stem in NOTEBOOKS:
            _submit(assignment, tmp_path / "sol", sid, stem,
                    assignment / sid / "solutions" / f"{stem}.ipynb")
            _submit(assignment, tmp_path / "blank", sid, stem, assignment / sid / f"{stem}.ipynb")
    right = _grade(assignment, tmp_path / "sol")
    assert len(right) == 3 * sum(1 for ex in EX.values() if ex["notebook"] in NOTEBOOKS)
    assert {r["status"] for r in right.values()} == {"right"}, [
        (k, r["note"]) for k, r in right.items() if r["status"] != "right"]
    assert all(r["points"] == r["max_points"] for r in right.values())
    blank = _grade(assignment, tmp_path / "blank")
    assert {r["status"] for r in blank.values()} == {"not yet"}
    assert (tmp_path / "sol-summary.csv").is_file()
    page = (tmp_path / "feedback" / "alice.html").read_text(encoding="utf-8")
    answers = json.loads((assignment / "answers.json").read_text())
    shown = f"{answers['alice']['03_financials']['03-q2']:.4f}"[:6]
    assert "Feedback for alice" in page and shown not in page


def test_copies_handed_in_as_anothers_or_typed_in_are_not_full_marks(assignment, tmp_path):
    answers = json.loads((assignment / "answers.json").read_text())
    subs = tmp_path / "subs"
    for stem in NOTEBOOKS:
        alices = assignment / "alice" / "solutions" / f"{stem}.ipynb"
        _submit(assignment, subs, "alice", stem, alices)
        _submit(assignment, subs, "bob", stem, alices)
        path = _submit(assignment, subs, "carol", stem, assignment / "carol" / f"{stem}.ipynb")
        nb = nbformat.read(str(path), as_version=4)
        typed = answers["alice"][stem]
        for cell in nb.cells:  # alice's values typed into carol's own copy
            cell.source = re.sub(r"^(q(\d)) = \.\.\.", lambda m, t=typed, p=stem[:2]:
                                 f"{m[1]} = {t[f'{p}-q{m[2]}']!r}", cell.source, flags=re.MULTILINE)
        nbformat.write(nb, str(path))
    rows = _grade(assignment, subs)
    for stem in NOTEBOOKS:
        mine = [r for (s, n, _), r in rows.items() if s == "alice" and n == stem]
        assert {r["status"] for r in mine} == {"right"}  # the owner is graded normally
        bobs = [r for (s, n, _), r in rows.items() if s == "bob" and n == stem]
        assert {r["status"] for r in bobs} == {"error"} and "'alice'" in bobs[0]["note"]
        carols = [r for (s, n, _), r in rows.items() if s == "carol" and n == stem]
        assert "wrong" in {r["status"] for r in carols}, (stem, carols)


def test_hostile_submissions_get_a_status_and_harm_no_one(assignment, tmp_path):
    subs = tmp_path / "hostile"
    before = (assignment / "answers.json").read_bytes()
    outside = tmp_path / "outside.txt"
    # alice: an endless loop; bob: reads the expected answers by path; carol: writes outside
    # her folder, deletes the assignment, opens the network, then answers normally
    hostile = {"alice": ("03_financials", "while True:\n    pass", "solutions")}
    if isolation() == "bwrap":  # without it nothing stops these (README): not run there
        read = (f"q1 = __import__('json').load(open({str(assignment / 'answers.json')!r}))"
                "['bob']['03_financials']['03-q1']")
        hostile["bob"] = ("03_financials", read, "")
        hostile["carol"] = ("03_financials", f"""import shutil, urllib.request
def attempt(f):
    try:
        f()
    except Exception as exc:
        print(type(exc).__name__)
attempt(lambda: open({str(outside)!r}, 'w').write('x'))
attempt(lambda: open({str(assignment / 'answers.json')!r}, 'w').write('{{}}'))
attempt(lambda: shutil.rmtree({str(assignment)!r}))
attempt(lambda: urllib.request.urlopen('https://pypi.org', timeout=5))""", "solutions")
    for sid, (stem, code, kind) in hostile.items():
        src = assignment / sid / kind / f"{stem}.ipynb"
        path = _submit(assignment, subs, sid, stem, src)
        nb = nbformat.read(str(path), as_version=4)
        at = 1 + next(i for i, c in enumerate(nb.cells)
                      if "parameters" in c.metadata.get("tags", []))
        if sid == "bob":  # the reading replaces the answer itself
            at = next(i for i, c in enumerate(nb.cells) if c.source.startswith("iot_g = ")) + 1
        nb.cells.insert(at, nbformat.v4.new_code_cell(code))
        nbformat.write(nb, str(path))
    loop = tmp_path / "loop"  # the endless loop alone, so a short time limit stops it
    loop.mkdir()
    shutil.move(subs / "alice", loop / "alice")
    rows = _grade(assignment, subs)
    rows.update({k: r for k, r in _grade(assignment, loop, timeout=20).items() if k[0] == "alice"})
    st = {k: r["status"] for k, r in rows.items()}
    assert st["alice", "03_financials", "03-q1"] == "timeout"
    assert st["alice", "01_strategy", "01-q1"] == "missing"
    if isolation() == "bwrap":
        assert st["bob", "03_financials", "03-q1"] == "not yet"  # the read failed: q1 stayed ...
        assert "FileNotFoundError" in rows["bob", "03_financials", "03-q1"]["note"]
        assert st["carol", "03_financials", "03-q1"] == "right"  # graded normally after all that
        assert st["carol", "03_financials", "03-q2"] == "right"
        assert not outside.exists()
    assert (assignment / "answers.json").read_bytes() == before
