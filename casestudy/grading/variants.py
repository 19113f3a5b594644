"""Each student's variant: parameter values drawn reproducibly from the seed and the student id
over the ranges a notebook declares in ``[<notebook>.variants]`` of ``data/parameters.toml``.

PrairieLearn's practice: one variant per student, so a copied answer is wrong for another
student.  The draw hashes (seed, student id, notebook, parameter), so it does not depend on
the roster's order or size, and adding a student changes no one else's variant.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..parameters import spec_for
from .errors import GradingError

__all__ = ["declarations", "choices", "draw", "fingerprint"]

_DECLARATIONS = Path(__file__).resolve().parent.parent / "data" / "parameters.toml"


def declarations(path: Path = _DECLARATIONS) -> dict[str, dict[str, list[Any]]]:
    """Notebook -> parameter -> the values it may take in a variant, each checked against the
    parameter's declaration; notebooks without a ``variants`` table are left out."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, list[Any]]] = {}
    for notebook, decl in data.items():
        if notebook != "shared" and isinstance(decl.get("variants"), dict):
            out[notebook] = {name: choices(path, notebook, name, rng)
                             for name, rng in decl["variants"].items()}
    return out


def choices(path: Path, notebook: str, name: str, rng: Any) -> list[Any]:
    """The values one declared range stands for, checked by the parameter's own rules."""
    where = f"{path}: [{notebook}.variants] {name}"
    params = {p.name: p for p in spec_for(notebook)}
    if name not in params:
        raise GradingError(f"{where}: no such parameter; {notebook} declares "
                           f"{', '.join(params)}")
    shapes = ({"values"}, {"min", "max", "step"})
    if not isinstance(rng, dict) or not any(shape <= set(rng) for shape in shapes):
        raise GradingError(f"{where} = {rng!r}: expected {{min, max, step}} or {{values = [...]}}")
    if "values" in rng:
        values = list(rng["values"]) + ([None] if rng.get("include_none") else [])
    else:
        lo, hi, step = rng["min"], rng["max"], rng["step"]
        if not step > 0 or hi < lo:
            raise GradingError(f"{where}: expected min <= max and step > 0, got {rng!r}")
        values = [round(lo + i * step, 10) for i in range(int((hi - lo) / step + 1e-9) + 1)]
    if len(values) < 2:
        raise GradingError(f"{where}: a variant needs at least two values, got {values!r}")
    try:
        return [params[name].check(v, notebook) for v in values]
    except ParameterError as exc:  # a declared value the parameter refuses
        raise GradingError(f"{where}: {exc}") from None


def _index(seed: int, student_id: str, notebook: str, name: str, n: int) -> int:
    digest = hashlib.sha256(f"{seed}\x1f{student_id}\x1f{notebook}\x1f{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % n


def draw(seed: int, student_id: str, notebook: str,
         declared: dict[str, dict[str, list[Any]]] | None = None) -> dict[str, Any]:
    """The student's parameter values for ``notebook`` (empty if it declares no variants)."""
    declared = declarations() if declared is None else declared
    return {name: values[_index(seed, student_id, notebook, name, len(values))]
            for name, values in declared.get(notebook, {}).items()}


def fingerprint(notebook: str, values: dict[str, Any]) -> str:
    """A short id of a variant: equal values, equal fingerprint."""
    text = notebook + "".join(f"\x1f{k}={values[k]!r}" for k in sorted(values))
    return hashlib.sha256(text.encode()).hexdigest()[:12]
