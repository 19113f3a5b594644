"""Strict, typed notebook parameters, declared once in ``casestudy/data/parameters.toml``
(papermill checks none).

The declaration gives each notebook's ``parameters`` cell (``casestudy refresh``),
``casestudy params``, the checks ``casestudy run`` makes before any kernel starts,
and :func:`validate`, which the notebook calls first (so plain papermill is checked).
"""

from __future__ import annotations

import math
import tomllib
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ParameterError
from .values import MAX_DEPTH, short

__all__ = ["Param", "SPECS", "spec_for", "validate", "check_values", "check_plain",
           "RunParameters", "parameters_cell_source", "CURRENCIES"]

CURRENCIES = ("CNY", "USD", "HKD", "JPY", "EUR")
_TYPE_NAMES = {int: "int", float: "float", str: "str", bool: "bool", list: "list[str]"}
_ACCEPTED: dict[type, tuple[Any, str]] = {
    int: (int, "an integer"), float: ((int, float), "a number"), bool: (bool, "true/false"),
    str: (str, "a string"), list: ((list, tuple), "a list of strings")}


@dataclass(frozen=True)
class Param:
    """One declared notebook parameter."""

    name: str
    type: type
    default: Any
    help: str
    unit: str = ""
    source: str = ""
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False

    @property
    def type_name(self) -> str:
        return _TYPE_NAMES[self.type] + (" | None" if self.nullable else "")

    def allowed(self) -> str:
        """What values are allowed, in words."""
        parts = [self.type_name]
        if self.choices is not None:
            parts.append(f"{'each of' if self.type is list else 'one of'} "
                         f"{', '.join(map(str, self.choices))}")
        if self.minimum is not None or self.maximum is not None:
            lo = "-inf" if self.minimum is None else f"{self.minimum:g}"
            hi = "inf" if self.maximum is None else f"{self.maximum:g}"
            parts.append(f"from {lo} to {hi}")
        return "; ".join(parts)

    def check(self, value: Any, notebook: str) -> Any:
        """``value`` if allowed (ints taken as floats, integral floats as ints), else an error."""
        def fail(why: str) -> ParameterError:
            return ParameterError(
                f"{notebook}: parameter {self.name!r} = {short(value)} {why}; "
                f"allowed: {self.allowed()}"
                + (f" ({self.unit})" if self.unit else ""))
        if value is None and self.nullable:
            return None
        if value is None:
            raise fail("must not be None")
        if self.type is int and isinstance(value, float) and value.is_integer():
            value = int(value)  # 1e3 is 1000: ``casestudy params`` prints large limits that way
        accepted, word = _ACCEPTED[self.type]
        if not isinstance(value, accepted) or (isinstance(value, bool) and self.type is not bool):
            raise fail(f"is a {type(value).__name__}, not {word}")
        if self.type is float:
            value = float(value)
            if not math.isfinite(value):
                raise fail("is not a finite number")
        if self.type is list:
            if not all(isinstance(v, str) for v in value):
                raise fail("holds items that are not strings")
            value = list(value)
            if not value:
                raise fail("is empty; use None for all")
        if self.choices is not None:
            items = value if self.type is list else [value]
            bad = [v for v in items if v not in self.choices]
            if bad:
                raise fail(f"holds {', '.join(map(repr, bad))}, which is not allowed"
                           if self.type is list else "is not allowed")
        if self.minimum is not None and value < self.minimum:
            raise fail("is below the minimum")
        if self.maximum is not None and value > self.maximum:
            raise fail("is above the maximum")
        return value


_DECLARATIONS = Path(__file__).resolve().parent / "data" / "parameters.toml"
_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list}


def _param(name: str, d: dict[str, Any]) -> Param:
    choices = d.get("choices")
    if choices == "lexicon":
        from .text import load_lexicon
        choices = load_lexicon().names
    return Param(name, _TYPES[d["type"]], d.get("default"), d["help"], unit=d.get("unit", ""),
                 source=d.get("source", ""), choices=None if choices is None else tuple(choices),
                 minimum=d.get("minimum"), maximum=d.get("maximum"),
                 nullable=d.get("nullable", False))


def _scenario_params() -> tuple[Param, ...]:
    """04's parameters: the inputs of casestudy.scenarios.HOME and casestudy.europe.EUROPE."""
    from .europe import EUROPE
    from .scenarios import HOME

    seen: dict[str, Param] = {}
    for m in (HOME, EUROPE):
        for p in m.parameters:
            seen.setdefault(p.name, Param(
                p.name, float, p.default, p.description, unit=p.unit,
                source=p.source if p.source.startswith(("assumption", "not in", "derived"))
                else f"{p.origin}: {p.source}", minimum=p.low, maximum=p.high))
    seen["scenario_row"] = Param("scenario_row", int, None, "Row of a `casestudy sweep` table "
                                 "this run renders (set by `casestudy sweep --render`).",
                                 nullable=True, minimum=0, source="None = not part of a sweep")
    return tuple(seen.values())


def _declared(decl: dict[str, Any], shared: dict[str, Any]) -> Callable[[], tuple[Param, ...]]:
    return lambda: tuple(_param(n, decl.get(n) or shared[n]) for n in decl["order"])


def _specs() -> dict[str, Any]:
    """Notebook -> its parameters.

    A function where they need an import: the lexicon, the models.
    """
    data = tomllib.loads(_DECLARATIONS.read_text(encoding="utf-8"))
    shared = data.pop("shared")
    out: dict[str, Any] = {}
    for notebook, decl in data.items():
        if decl["order"] == "scenario models":
            out[notebook] = _scenario_params
        else:
            out[notebook] = _declared(decl, shared)
    return out


#: Each notebook's parameters, from ``casestudy/data/parameters.toml``.
SPECS: dict[str, Any] = _specs()


def spec_for(notebook: str) -> tuple[Param, ...]:
    """The declared parameters of ``notebook`` (a stem such as ``01_strategy`` or a path)."""
    stem = notebook.rsplit("/", 1)[-1].removesuffix(".ipynb")
    if stem not in SPECS:
        raise ParameterError(f"no parameter declaration for notebook {stem!r}; declared notebooks: "
                             f"{', '.join(sorted(SPECS))}")
    return tuple(SPECS[stem]() if callable(SPECS[stem]) else SPECS[stem])


class RunParameters(dict):
    """The validated parameters of a run; renders as a Markdown table in a notebook."""

    def __init__(self, notebook: str, spec: Iterable[Param], values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.notebook, self.spec = notebook, tuple(spec)

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def _repr_markdown_(self) -> str:
        lines = ["**Parameters of this run**", "", "| parameter | value | default | unit | "
                 "default from |", "|---|---|---|---|---|"]
        for p in self.spec:
            mark = "" if self[p.name] == p.default else " (changed)"
            lines.append(f"| `{p.name}` | `{self[p.name]!r}`{mark} | `{p.default!r}` | {p.unit} | "
                         f"{p.source} |")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"RunParameters({self.notebook!r}, {dict(self)!r})"


def check_values(notebook: str, values: Mapping[str, Any],
                 spec: Iterable[Param] | None = None) -> RunParameters:
    """Check given parameter ``values`` against the declaration; fill in defaults."""
    spec = spec_for(notebook) if spec is None else tuple(spec)
    known = {p.name: p for p in spec}
    unknown = sorted(set(values) - set(known))
    if unknown:
        import difflib

        close = {n: difflib.get_close_matches(n, list(known), n=1) for n in unknown}
        hints = [f"{n!r}" + (f" (did you mean {c[0]!r}?)" if c else "") for n, c in close.items()]
        raise ParameterError(f"{notebook}: unknown parameter {', '.join(hints)} = "
                             f"{', '.join(short(values[n]) for n in unknown)}; this notebook's "
                             f"parameters are: {', '.join(known) or 'none'}")
    out = {p.name: p.check(values[p.name], notebook) if p.name in values else p.default
           for p in spec}
    return RunParameters(notebook, spec, out)


_PLAIN = "text, a finite number, true/false, None, or a list or mapping (text keys) of these"


def check_plain(notebook: str, name: str, value: Any) -> Any:
    """``value`` if it is plain data papermill writes as a Python literal equal to it (text,
    a finite number, a bool, None, lists and text-keyed mappings of these, at most
    :data:`~casestudy.values.MAX_DEPTH` deep); anything else (bytes, sets, dates, tuples,
    objects: papermill would write ``str(value)`` into the code) is a :class:`ParameterError`."""
    def bad(why: str) -> ParameterError:
        return ParameterError(f"{notebook}: parameter {name!r} = {short(value)} {why}; a value "
                              f"for a notebook without a declaration must be {_PLAIN}")

    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise bad(f"nests lists or mappings more than {MAX_DEPTH} levels deep")
        if v is None or type(v) in (str, bool, int):
            continue
        if type(v) is float:
            if not math.isfinite(v):
                raise bad("holds a number that is not finite")
        elif type(v) is list:
            stack += [(x, depth + 1) for x in v]
        elif type(v) is dict:
            if not all(isinstance(k, str) for k in v):
                raise bad("holds a mapping key that is not text")
            stack += [(x, depth + 1) for x in v.values()]
        else:
            raise bad(f"holds a {type(v).__name__}")
    return value


_IGNORED_GLOBALS = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def validate(notebook: str, namespace: Mapping[str, Any],
             spec: Iterable[Param] | None = None) -> RunParameters:
    """Validate the parameters a notebook runs with (call it with ``globals()``): every
    public global that is not a module, class or callable, so a misspelt injected name is
    caught.  ``spec`` declares the parameters of a notebook not in :data:`SPECS`."""
    values = {name: value for name, value in namespace.items()
              if not name.startswith("_") and name not in _IGNORED_GLOBALS
              and not isinstance(value, (types.ModuleType, type)) and not callable(value)}
    return check_values(notebook, values, spec)


def parameters_cell_source(notebook: str) -> str:
    """The source of the notebook's ``parameters`` cell, generated from the declaration."""
    lines = ["# Parameters: declared in casestudy/data/parameters.toml; "
             f"see `casestudy params {notebook}`."]
    for p in spec_for(notebook):
        # papermill reads "Optional[int]", not "int | None"; quoted, it needs no import
        hint = f'"Optional[{_TYPE_NAMES[p.type]}]"' if p.nullable else _TYPE_NAMES[p.type]
        unit = f" [{p.unit}]" if p.unit else ""
        lines.append(f"{p.name}: {hint} = {p.default!r}  # {p.help}{unit}")
    return "\n".join(lines)
