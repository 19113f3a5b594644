"""`casestudy grade` of 30 submissions of 03_financials: the time per submission and in total.

Assigning 30 students would run 60 notebooks before the figure we want, so the script
assigns three students (a copy and its solutions each) and builds a class of 30 from
them: students 4 to 30 share the variant and the expected values of one of the three
(written into the assignment's manifest), and each hands in that student's solutions
with the owner's stamp removed, so the grader executes all 30 (none is skipped as another
student's copy).  Every submission should come back with full marks.

    .venv/bin/python benchmarks/bench_grade.py [-j JOBS] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

BIN = Path(sys.executable).parent
N = 30


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--keep", default=None, help="work in this folder and keep it")
    args = ap.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-grade-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "roster.csv").write_text("student_id\ns01\ns02\ns03\n", encoding="utf-8")
    asg, subs = work / "asg", work / "subs"
    started = time.perf_counter()
    subprocess.run([str(BIN / "casestudy"), "assign", "03_financials", "--roster",
                    str(work / "roster.csv"), "-o", str(asg), "--seed", "1", "-j", str(args.jobs)],
                   check=True, stdout=subprocess.DEVNULL)
    assigned = time.perf_counter() - started
    manifest = json.loads((asg / "assignment.json").read_text())
    answers = json.loads((asg / "answers.json").read_text())
    students = [f"s{i:02d}" for i in range(1, N + 1)]
    shutil.rmtree(subs, ignore_errors=True)
    for i, sid in enumerate(students):
        owner = f"s{i % 3 + 1:02d}"
        for key in ("variants", "fingerprints"):
            manifest[key][sid] = manifest[key][owner]
        answers[sid] = answers[owner]
        nb = nbformat.read(str(asg / owner / "solutions" / "03_financials.ipynb"), as_version=4)
        nb.metadata.pop("casestudy_assignment", None)
        (subs / sid).mkdir(parents=True)
        nbformat.write(nb, str(subs / sid / "03_financials.ipynb"))
    manifest["students"] = students
    (asg / "assignment.json").write_text(json.dumps(manifest), encoding="utf-8")
    (asg / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([str(BIN / "casestudy"), "grade", str(subs), "-a", str(asg), "-o",
                    str(work / "gradebook.csv"), "-j", str(args.jobs)], check=True,
                   stdout=subprocess.DEVNULL)
    total = time.perf_counter() - started
    with (work / "gradebook.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    right = sum(r["status"] == "right" for r in rows)
    from casestudy.grading.sandbox import isolation

    print(f"assign (3 students, 6 notebook runs): {assigned:.1f} s")
    print(f"grade {N} submissions of 03_financials with -j {args.jobs} "
          f"(isolation: {isolation()}): {total:.1f} s in total, "
          f"{total / N:.2f} s per submission; {right}/{len(rows)} exercises right")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if right == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
