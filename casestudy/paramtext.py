"""Parameter values from the command line (``-p NAME VALUE``) and YAML files (``-f``).

Values are YAML (``2015`` an int, ``[ja, zh]`` a list), plus what ``casestudy
params`` prints: ``5e+06`` and ``1e3`` are numbers (PyYAML reads text) and ``None``
is None.  An empty value is an error, and so is a parameter given twice (also as
a duplicate key in a file).  Quote text that looks like a number: ``"'1e3'"``.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import ParameterError

__all__ = ["parse_value", "load_parameter_file", "collect_parameters"]


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with exponent numbers, ``None`` and duplicate-key errors."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key, line = self.construct_object(key_node, deep=deep), key_node.start_mark.line + 1
            with contextlib.suppress(TypeError):  # an unhashable key: PyYAML itself reports it
                if key in seen:
                    raise ParameterError(f"{key!r} is given twice (lines {seen[key]} and {line})")
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
    r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^None$"), ["N"])


def parse_value(name: str, text: str) -> Any:
    """The value of ``-p NAME TEXT``, read as the module docstring says."""
    if not text.strip():
        raise ParameterError(f"parameter {name!r} = {text!r}: the value is empty; give a value, "
                             "or None for None")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except ParameterError as exc:
        raise ParameterError(f"parameter {name!r} = {text!r}: key {exc}") from None
    except yaml.YAMLError:
        return text  # not YAML: the text itself (e.g. "a: b: c")


def load_parameter_file(path: str | Path) -> dict[str, Any]:
    """A YAML mapping of parameter names to values; :class:`ParameterError` on any problem."""
    expected = "expected a mapping of parameter names to values"
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except OSError as exc:
        raise ParameterError(f"{path}: the parameter file cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path}: the parameter file is not UTF-8 text (byte "
                             f"{exc.object[exc.start:exc.start + 1]!r} at offset {exc.start}); "
                             f"{expected}") from None
    except ParameterError as exc:
        raise ParameterError(f"{path}: parameter {exc}; expected each parameter once") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(f"{path}: the parameter file is not valid YAML{at} ({problem}); "
                             f"{expected}") from None
    if data is not None and not isinstance(data, dict):
        raise ParameterError(f"{path}: {expected}, got {type(data).__name__}")
    return data or {}  # names that are not identifiers: see runner.check_parameter_names


def collect_parameters(files: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The parameters of ``-f FILE``... then ``-p NAME VALUE``...; a name given twice with
    ``-p`` is an error."""
    params: dict[str, Any] = {}
    for f in files:
        params.update(load_parameter_file(f))
    given: dict[str, str] = {}
    for name, text in pairs:
        if name in given:
            raise ParameterError(f"parameter {name!r} is given twice on the command line "
                                 f"({given[name]!r} and {text!r}); give it once")
        given[name] = text
        params[name] = parse_value(name, text)
    return params
