"""Exercises that check themselves, in the spirit of otter-grader's ``grader.check("q1")``.

A student writes an answer into a variable and runs ``cs.check("03-q1", q1)``; the
check says *right*, *not yet* (no answer given: the variable still holds ``...``) or
*wrong* with a hint, and never prints the expected answer.  The expected answers are
not typed into the notebooks: each is an expression in ``casestudy/data/exercises/<notebook>.toml``
over the corpus's facts (``fact("s004-...")``), the reference figures (``ref("...")``)
and the values the notebook passes (its parameters, say).  Model answers live in cells
tagged ``answer``, which only the instructor edition keeps.

Why not otter-grader itself: otter's checks are per-notebook test files that print
their expected values on failure unless hidden, need its own notebook metadata and an
assignment build step; here a check is one line in a data file evaluated against the
same facts the notebook reads, so the answer follows the sources and the parameters.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CasestudyError

__all__ = ["check", "Result", "ExerciseError", "load_exercises"]

_DATA = Path(__file__).resolve().parent / "data" / "exercises"
_FIELDS = {"notebook", "prompt", "kind", "expected", "rel_tol", "abs_tol", "hint_low",
           "hint_high", "hint_wrong", "hint_type"}
_KINDS = {"number", "set"}


class ExerciseError(CasestudyError, ValueError):
    """The exercise file or a check call is malformed (unknown id, bad field, bad expression)."""


@dataclass(frozen=True)
class Result:
    """The outcome of a check: ``status`` is "right", "wrong" or "not yet"."""

    exercise: str
    status: str
    message: str

    @property
    def right(self) -> bool:
        return self.status == "right"

    def __repr__(self) -> str:
        mark = {"right": "✔", "wrong": "✘", "not yet": "…"}[self.status]
        return f"{mark} {self.exercise}: {self.status}. {self.message}".rstrip()

    def _repr_markdown_(self) -> str:
        return f"**{repr(self)}**"


@functools.cache
def load_exercises(folder: Path = _DATA) -> dict[str, dict[str, Any]]:
    """The exercises of every ``*.toml`` in ``folder`` by id, validated (unknown fields or
    kinds, duplicate ids raise :class:`ExerciseError`)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.toml")):
        _load_file(path, out)
    return out


def _load_file(path: Path, out: dict[str, dict[str, Any]]) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ExerciseError(f"{path}: cannot read the exercises file: {exc}") from None
    for qid, ex in data.items():
        if qid in out:
            raise ExerciseError(f"{path}: [{qid}] is defined twice")
        if not isinstance(ex, dict):
            raise ExerciseError(f"{path}: [{qid}] must be a table")
        unknown = set(ex) - _FIELDS
        if unknown:
            raise ExerciseError(f"{path}: [{qid}] unknown field(s) {sorted(unknown)}; "
                                f"expected some of {sorted(_FIELDS)}")
        if ex.get("kind", "number") not in _KINDS:
            raise ExerciseError(f"{path}: [{qid}] kind = {ex.get('kind')!r}; expected one of "
                                f"{sorted(_KINDS)}")
        if not isinstance(ex.get("expected"), str):
            raise ExerciseError(f"{path}: [{qid}] needs expected = \"<expression>\"")
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


def check(exercise: str, answer: Any, /, **context: Any) -> Result:
    """Check ``answer`` to ``exercise`` (an id in ``data/exercises/``); ``context``
    holds values the expected answer depends on (the notebook's parameters, say)."""
    exercises = load_exercises()
    if exercise not in exercises:
        raise ExerciseError(f"unknown exercise {exercise!r}; known: {', '.join(sorted(exercises))}")
    ex = exercises[exercise]
    if _is_blank(answer):
        return Result(exercise, "not yet", "Replace the ... with your answer and run the check again.")
    try:
        expected = eval(ex["expected"], {"__builtins__": {}, **_namespace(dict(context))})  # noqa: S307
    except ExerciseError:
        raise
    except Exception as exc:  # a broken expression in the data file, named precisely
        raise ExerciseError(f"exercise {exercise!r}: cannot evaluate expected = {ex['expected']!r}: "
                            f"{type(exc).__name__}: {exc}") from None
    if ex.get("kind", "number") == "set":
        return _check_set(exercise, ex, answer, expected)
    return _check_number(exercise, ex, answer, float(expected))


def _check_number(qid: str, ex: dict[str, Any], answer: Any, expected: float) -> Result:
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Result(qid, "wrong", ex.get("hint_type", "The answer should be a single number."))
    if math.isclose(value, expected, rel_tol=ex.get("rel_tol", 0.005), abs_tol=ex.get("abs_tol", 0.0)):
        return Result(qid, "right", "")
    hint = ex.get("hint_low" if value < expected else "hint_high", ex.get("hint_wrong", ""))
    return Result(qid, "wrong", f"{'Too low' if value < expected else 'Too high'}. {hint}".strip())


def _check_set(qid: str, ex: dict[str, Any], answer: Any, expected: Iterable[Any]) -> Result:
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        return Result(qid, "wrong", ex.get("hint_type", "The answer should be a list of ids."))
    got, want = {str(a) for a in answer}, {str(e) for e in expected}
    if got == want:
        return Result(qid, "right", "")
    parts = []
    if want - got:
        parts.append(f"{len(want - got)} missing")
    if got - want:
        parts.append(f"{len(got - want)} that do not belong")
    return Result(qid, "wrong", f"{' and '.join(parts).capitalize()}. {ex.get('hint_wrong', '')}".strip())
