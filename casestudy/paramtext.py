"""Read parameter values from the command line (``-p NAME VALUE``) and YAML files (``-f``).

Values are read as YAML (``2015`` an int, ``[ja, zh]`` a list, ``true`` a bool),
so that the command line takes what ``casestudy params`` prints: exponent numbers
without a dot (``5e+06``, ``1e3``) are numbers (PyYAML would read text) and
``None`` is None.  An empty value is an error, not a silent None, and so is a
parameter given twice (on the command line, or as a duplicate key in a file,
which YAML would silently accept).  Quote text that looks like a number:
``-p lang "'1e3'"``.
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


_Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
    r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^None$"), ["N"])


class _DuplicateKey(Exception):
    """args: the key and the lines it is given on."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        with contextlib.suppress(TypeError):  # an unhashable key: PyYAML itself reports it
            if key in seen:
                raise _DuplicateKey(key, seen[key], key_node.start_mark.line + 1)
            seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_value(name: str, text: str) -> Any:
    """The value of ``-p NAME TEXT``, read as the module docstring says."""
    if not text.strip():
        raise ParameterError(f"parameter {name!r} = {text!r}: the value is empty; give a value, "
                             "or None for None")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except _DuplicateKey as exc:
        raise ParameterError(f"parameter {name!r} = {text!r}: key {exc.args[0]!r} is given twice"
                             ) from None
    except yaml.YAMLError:
        return text  # not YAML: the text itself (e.g. "a: b: c")


def load_parameter_file(path: str | Path) -> dict[str, Any]:
    """A YAML mapping of parameter names to values; :class:`ParameterError` on any problem."""
    expected = "expected a mapping of parameter names to values"
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except IsADirectoryError:
        raise ParameterError(f"{path}: the parameter file cannot be read (it is a folder); "
                             f"{expected}") from None
    except OSError as exc:
        raise ParameterError(f"{path}: the parameter file cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path}: the parameter file is not UTF-8 text (byte "
                             f"{exc.object[exc.start:exc.start + 1]!r} at offset {exc.start}); "
                             f"{expected}") from None
    except _DuplicateKey as exc:
        key, first, second = exc.args
        raise ParameterError(f"{path}: parameter {key!r} is given twice (lines {first} "
                             f"and {second}); expected each parameter once") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(f"{path}: the parameter file is not valid YAML{at} ({problem}); "
                             f"{expected}") from None
    if data is not None and not isinstance(data, dict):
        raise ParameterError(f"{path}: {expected}, got {type(data).__name__}")
    bad = [k for k in data or {} if not isinstance(k, str)]
    if bad:
        raise ParameterError(f"{path}: parameter name {bad[0]!r} is not text; {expected}")
    return data or {}


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
