"""Read parameter values from the command line (``-p NAME VALUE``) and from YAML files (``-f``).

Values are read as YAML (``2015`` is an int, ``[ja, zh]`` a list, ``true`` a
bool), with three differences that make the command line say what
``casestudy params`` prints:

* numbers in exponent form without a dot (``5e+06``, ``1e3``, ``-2E-3``) are
  numbers, as ``casestudy params`` prints large limits that way (YAML 1.1, which
  PyYAML reads, would take them as text);
* ``None`` is None, as ``casestudy params`` prints it (``null`` and ``~`` too);
* an empty value (``-p as_of ''``) is an error, not a silent None: give ``None``.

In a parameter file, a key given twice is an error naming the key and both
lines (YAML itself would silently keep the last one).  To pass text that looks
like a number or ``None``, quote it (``-p lang "'1e3'"``) or use ``-r NAME VALUE``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import ParameterError

__all__ = ["parse_value", "load_parameter_file"]


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with exponent numbers, ``None`` and duplicate-key errors."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^None$"), ["N"])


class _DuplicateKey(Exception):
    def __init__(self, key: Any, first: int, second: int) -> None:
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            continue  # PyYAML itself reports an unhashable key
        line = key_node.start_mark.line + 1
        if key in seen:
            raise _DuplicateKey(key, seen[key], line)
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_value(name: str, text: str) -> Any:
    """The value of ``-p NAME TEXT``, read as described in the module docstring."""
    if not text.strip():
        raise ParameterError(f"parameter {name!r} = {text!r}: the value is empty; give a value, "
                             "or None for None")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except _DuplicateKey as exc:
        raise ParameterError(f"parameter {name!r} = {text!r}: key {exc.key!r} is given twice"
                             ) from None
    except yaml.YAMLError:
        return text  # not YAML: the text itself (e.g. "a: b: c")


def load_parameter_file(path: str | Path) -> dict[str, Any]:
    """A YAML mapping of parameter names to values; :class:`ParameterError` on any problem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except IsADirectoryError:
        raise ParameterError(f"{path}: the parameter file cannot be read (it is a folder); "
                             "expected a YAML file") from None
    except OSError as exc:
        raise ParameterError(f"{path}: the parameter file cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path}: the parameter file is not UTF-8 text (byte "
                             f"{exc.object[exc.start:exc.start + 1]!r} at offset {exc.start}); "
                             "expected a YAML mapping of parameter names to values") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except _DuplicateKey as exc:
        raise ParameterError(f"{path}: parameter {exc.key!r} is given twice (lines {exc.first} "
                             f"and {exc.second}); expected each parameter once") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(f"{path}: the parameter file is not valid YAML{at} ({problem}); "
                             "expected a mapping of parameter names to values") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping of parameter names to values, got "
                             f"{type(data).__name__}")
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise ParameterError(f"{path}: parameter name {bad[0]!r} is not text; expected a mapping "
                             "of parameter names to values")
    return data
