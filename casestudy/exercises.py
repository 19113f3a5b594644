"""Exercises that check themselves, in the spirit of otter-grader's ``grader.check("q1")``.

A student writes an answer into a variable and runs ``cs.check("03-q1", q1)``.  What the
student's copy ships (``casestudy/data/exercises/<notebook>.toml``: prompt, kind, points,
tolerance, hints) says nothing about the answer; the expected answers are expressions kept
with the instructor's files (``answers/<notebook>.toml`` beside ``seeds/`` in a checkout, or
the folder ``CASESTUDY_ANSWERS`` names; never in the wheel), over the facts (``fact(...)``),
the reference figures (``ref(...)``) and the values the notebook passes (its parameters).

Where the answers are at hand (the instructor's checkout) the check says *right*, *wrong*
with a hint, or *not yet*; hints never say which side of the answer a value lies on, so
they cannot be bisected.  Without the answers (a student's install) it checks the type and
says *answered*: ``casestudy grade`` compares the value outside the student's kernel.
A number must be a real, finite number: a string, a bool or a NaN is wrong whatever it says.
When ``CASESTUDY_CHECK_DIR`` is set, each check also writes ``<dir>/<exercise>.json`` with the
answer (and the expected value, where known): how ``casestudy assign`` and ``grade`` read them.
"""

from __future__ import annotations

import functools
import json
import math
import numbers
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CasestudyError

__all__ = ["check", "Result", "ExerciseError", "load_exercises", "answers_dir", "answer_record"]

_DATA = Path(__file__).resolve().parent / "data" / "exercises"
# hint_low and hint_high are read for files written before hints stopped being directional,
# and never shown; expected is accepted in a public file only until it moves to answers/
_FIELDS = {"notebook", "prompt", "kind", "expected", "rel_tol", "abs_tol", "hint_low",
           "hint_high", "hint_wrong", "hint_type", "points"}
_ANSWER_FIELDS = {"expected", "notebook"}
_KINDS = {"number", "set"}
NOT_A_NUMBER = "expected a number"


class ExerciseError(CasestudyError, ValueError):
    """The exercise file or a check call is malformed (unknown id, bad field, bad expression)."""


@dataclass(frozen=True)
class Result:
    """The outcome of a check: ``status`` is "right", "wrong", "not yet" or "answered"
    (checked for type only: the answers are not at hand)."""

    exercise: str
    status: str
    message: str

    @property
    def right(self) -> bool:
        return self.status == "right"

    def __repr__(self) -> str:
        mark = {"right": "✔", "wrong": "✘", "not yet": "…", "answered": "✎"}[self.status]
        return f"{mark} {self.exercise}: {self.status}. {self.message}".rstrip()

    def _repr_markdown_(self) -> str:
        return f"**{repr(self)}**"


def answers_dir() -> Path | None:
    """The instructor's expected answers: ``$CASESTUDY_ANSWERS`` if set (empty: none), else
    ``answers/`` beside the package in a checkout; None where there are none."""
    given = os.environ.get("CASESTUDY_ANSWERS")
    folder = Path(given) if given else Path(__file__).resolve().parent.parent / "answers"
    return folder if given != "" and folder.is_dir() else None


def load_exercises(folder: Path = _DATA, answers: Path | None | str = "default"
                   ) -> dict[str, dict[str, Any]]:
    """The exercises of every ``*.toml`` in ``folder`` by id, validated (unknown fields or
    kinds, duplicate ids raise :class:`ExerciseError`), with ``expected`` from ``answers``
    (default: :func:`answers_dir`) where it holds the id."""
    return _load(folder, answers_dir() if answers == "default" else answers)


@functools.cache
def _load(folder: Path, answers: Path | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(folder).glob("*.toml")):
        _load_file(path, out, _FIELDS)
    if answers is not None:
        found: dict[str, dict[str, Any]] = {}
        for path in sorted(Path(answers).glob("*.toml")):
            _load_file(path, found, _ANSWER_FIELDS)
            for qid in set(found) - set(out):
                raise ExerciseError(f"{path}: [{qid}] has an answer but no exercise in {folder}")
        for qid, ans in found.items():
            out[qid] = {**out[qid], "expected": ans["expected"]}
    return out


def _load_file(path: Path, out: dict[str, dict[str, Any]], fields: set[str]) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ExerciseError(f"{path}: cannot read the exercises file: {exc}") from None
    for qid, ex in data.items():
        if qid in out:
            raise ExerciseError(f"{path}: [{qid}] is defined twice")
        if not isinstance(ex, dict):
            raise ExerciseError(f"{path}: [{qid}] must be a table")
        unknown = set(ex) - fields
        if unknown:
            raise ExerciseError(f"{path}: [{qid}] unknown field(s) {sorted(unknown)}; "
                                f"expected some of {sorted(fields)}")
        if ex.get("kind", "number") not in _KINDS:
            raise ExerciseError(f"{path}: [{qid}] kind = {ex.get('kind')!r}; expected one of "
                                f"{sorted(_KINDS)}")
        if "expected" in ex and not isinstance(ex["expected"], str) or (
                fields is _ANSWER_FIELDS and "expected" not in ex):
            raise ExerciseError(f"{path}: [{qid}] needs expected = \"<expression>\"")
        points = ex.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
            raise ExerciseError(f"{path}: [{qid}] points = {points!r}; expected a number >= 0")
        out[qid] = ex


@functools.lru_cache(maxsize=4)
def _fact_values(seeds_dir: str | None) -> dict[str, float]:
    """Fact values by id, loaded once per seeds folder (a notebook checks several answers)."""
    from .corpus import load_corpus

    facts = load_corpus(seeds_dir).facts()
    return dict(zip(facts["fact_id"], facts["value"].astype(float)))


@functools.lru_cache(maxsize=1)
def _ref_values() -> dict[str, float]:
    from .references import load_references

    refs = load_references()
    return dict(zip(refs["ref_id"], refs["value"].astype(float)))


def _namespace(context: dict[str, Any]) -> dict[str, Any]:
    seeds_dir = context.pop("seeds_dir", None)

    def fact(fid: str) -> float:
        values = _fact_values(None if seeds_dir is None else str(seeds_dir))
        if fid not in values:
            raise ExerciseError(f"the check needs fact {fid!r}, which this seeds folder lacks")
        return values[fid]

    def ref(rid: str) -> float:
        if rid not in _ref_values():
            raise ExerciseError(f"the check needs reference figure {rid!r}; see references/")
        return _ref_values()[rid]

    ns: dict[str, Any] = {"fact": fact, "ref": ref, "abs": abs, "min": min, "max": max,
                          "round": round, "sum": sum, "len": len, "sorted": sorted,
                          "set": set, "math": math}
    ns.update(context)
    return ns


def _is_blank(answer: Any) -> bool:
    return answer is ... or answer is None or (isinstance(answer, str) and not answer.strip())


def as_number(answer: Any) -> float | None:
    """``answer`` as a float if it is a real, finite number (a bool, a string or a NaN is not)."""
    if isinstance(answer, (bool, str, bytes)) or not isinstance(answer, numbers.Real):
        return None
    value = float(answer)
    return value if math.isfinite(value) else None


def as_ids(answer: Any) -> list[str] | None:
    """``answer`` as a sorted list of distinct strings if it is a collection (not a string)."""
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable):
        return None
    return sorted({str(a) for a in answer})


def answer_record(exercise: str, kind: str, answer: Any) -> dict[str, Any]:
    """What the grader reads of an answer: its kind of value and the value as JSON."""
    if _is_blank(answer):
        return {"exercise": exercise, "value_kind": "blank", "value": None}
    value = as_number(answer) if kind == "number" else as_ids(answer)
    if value is None:
        what = type(answer).__name__
        if as_number(answer) is None and isinstance(answer, numbers.Real) and not isinstance(
                answer, bool):
            what = "number that is not finite (NaN or infinity)"
        return {"exercise": exercise, "value_kind": "invalid", "value": repr(answer)[:80],
                "type": what}
    return {"exercise": exercise, "value_kind": kind, "value": value}


def _write_record(record: dict[str, Any]) -> None:
    folder = os.environ.get("CASESTUDY_CHECK_DIR")
    if folder:
        Path(folder, f"{record['exercise']}.json").write_text(json.dumps(record), encoding="utf-8")


def check(exercise: str, answer: Any, /, **context: Any) -> Result:
    """Check ``answer`` to ``exercise`` (an id in ``data/exercises/``); ``context``
    holds values the expected answer depends on (the notebook's parameters, say)."""
    exercises = load_exercises()
    if exercise not in exercises:
        raise ExerciseError(f"unknown exercise {exercise!r}; known: {', '.join(sorted(exercises))}")
    ex = exercises[exercise]
    kind = ex.get("kind", "number")
    record = answer_record(exercise, kind, answer)
    expected = None if "expected" not in ex else _expected(exercise, ex, context)
    if expected is not None:
        record["expected"] = float(expected) if kind == "number" else as_ids(expected)
    _write_record(record)
    if record["value_kind"] == "blank":
        return Result(exercise, "not yet",
                      "Replace the ... with your answer and run the check again.")
    if record["value_kind"] == "invalid":
        what = "a number" if kind == "number" else "a collection of ids"
        return Result(exercise, "wrong", f"expected {what}, got a {record['type']}. "
                      f"{ex.get('hint_type', '')}".strip())
    if expected is None:
        return Result(exercise, "answered", "Your instructor's grader checks it against your "
                      "variant when you hand the notebook in.")
    if kind == "set":
        return _check_set(exercise, ex, record["value"], record["expected"])
    if is_right(ex, record["value"], record["expected"]):
        return Result(exercise, "right", "")
    return Result(exercise, "wrong", ex.get("hint_wrong", "Check your method against the prompt."))


def _expected(exercise: str, ex: dict[str, Any], context: dict[str, Any]) -> Any:
    try:
        return eval(ex["expected"], {"__builtins__": {}, **_namespace(dict(context))})  # noqa: S307
    except ExerciseError:
        raise
    except Exception as exc:  # a broken expression in the data file, named precisely
        raise ExerciseError(f"exercise {exercise!r}: cannot evaluate expected = "
                            f"{ex['expected']!r}: "
                            f"{type(exc).__name__}: {exc}") from None


def is_right(ex: dict[str, Any], value: Any, expected: Any) -> bool:
    """Whether a recorded ``value`` matches ``expected`` under the exercise's tolerance."""
    if ex.get("kind", "number") == "set":
        return sorted(value) == sorted(expected)
    return math.isclose(value, expected, rel_tol=ex.get("rel_tol", 0.005),
                        abs_tol=ex.get("abs_tol", 0.0))


def _check_set(qid: str, ex: dict[str, Any], got: list[str], want: list[str]) -> Result:
    if got == want:
        return Result(qid, "right", "")
    return Result(qid, "wrong", ex.get("hint_wrong", "Check your method against the prompt."))
