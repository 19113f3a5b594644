"""Parameter values as a user types them (``casestudy run -p NAME VALUE`` and ``-f FILE``).

The rule (also in ``casestudy run --help``), chosen so a value means what it looks like:

* a number (``2015``, ``-.5``, ``7.1``, ``5e+06``) is a number; ``true``/``false`` a bool;
  ``null``, ``None`` or ``~`` is None;
* a value starting with ``[``, ``{``, ``'`` or ``"`` is read as YAML: ``[ja, zh]`` a list,
  ``{a: 1}`` a mapping, ``'2015'`` the text 2015;
* anything else is the text exactly as given (``my #1``, ``|``, ``no``, ``2015-01-01``).

YAML (inside brackets and quotes, and in a ``-f`` file) is read by a bounded loader: only
text, numbers, true/false, null, lists and mappings; no tags (``!!binary``, ``!!set``,
``!!timestamp``), no anchors or aliases (an alias bomb of 288 characters grows to gigabytes),
at most :data:`MAX_DEPTH` levels, :data:`MAX_VALUE_CHARS` characters per value and
:data:`MAX_FILE_BYTES` bytes per file; ``yes``/``no``/``on``/``off`` and dates stay text.
"""

from __future__ import annotations

import contextlib
import functools
import re
from pathlib import Path
from typing import Any

from .errors import ParameterError

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_VALUE_CHARS", "RULE", "DuplicateKey",
           "load_parameter_file", "parse_value", "short"]

MAX_DEPTH = 10  # levels of nested lists and mappings; the notebooks' parameters use at most 1
MAX_VALUE_CHARS = 10_000  # a -p value; the longest useful one is a folder path or a list
MAX_FILE_BYTES = 100_000  # a -f parameter file
_SHORT = 60  # characters of a value quoted in an error message

RULE = ("VALUE is read by one rule: a number (2015, -.5, 5e+06) is a number, true/false a bool, "
        "null/None/~ None; a value starting with [ { ' or \" is YAML ([ja, zh] a list, '2015' "
        "the text 2015; no tags or aliases); anything else is the text exactly as given "
        "('my #1', 'no'); an empty value is an error")

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
                    r"|[0-9]+[eE][-+]?[0-9]+)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:null|Null|NULL|None|~|)$")


class DuplicateKey(ParameterError):
    """A mapping in a value or parameter file gives a key twice."""


def short(value: Any, n: int = _SHORT) -> str:
    """``repr(value)`` cut to ``n`` characters, for error messages (a value may be megabytes)."""
    text = repr(value) if not isinstance(value, str) or len(value) <= 4 * n else repr(value[:4 * n])
    return text if len(text) <= n else text[: n - 1] + "…"


def _scalar(text: str) -> Any:
    """A plain scalar by the rule: a number, a bool, None, else the text itself."""
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if _BOOL.match(text):
        return text.lower() == "true"
    if _NULL.match(text):
        return None
    return text


@functools.cache
def _loader() -> Any:
    """A YAML loader of the rule's values only; :class:`ParameterError` on a tag, anchor,
    alias, too deep a nesting or a key given twice."""
    import yaml
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.resolver import BaseResolver
    from yaml.scanner import Scanner

    class Resolver(BaseResolver):
        pass

    for tag, pattern in (("int", _INT), ("float", _FLOAT), ("bool", _BOOL), ("null", _NULL)):
        Resolver.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", pattern,
                                       list("-+.0123456789tTfFnN~") + [""])

    class Constructor(SafeConstructor):
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key, line = self.construct_object(key_node, deep=deep), key_node.start_mark.line + 1
                with contextlib.suppress(TypeError):  # an unhashable key: PyYAML reports it
                    if key in seen:
                        raise DuplicateKey(f"{short(key)} is given twice (lines {seen[key]} "
                                             f"and {line})")
                    seen[key] = line
            return super().construct_mapping(node, deep=deep)

    Constructor.add_constructor("tag:yaml.org,2002:int",
                                lambda self, node: int(self.construct_scalar(node)))
    Constructor.add_constructor("tag:yaml.org,2002:float",
                                lambda self, node: float(self.construct_scalar(node)))

    class Loader(Reader, Scanner, Parser, Composer, Constructor, Resolver):
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            Constructor.__init__(self)
            Resolver.__init__(self)
            self.depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise ParameterError("YAML anchors and aliases (&name, *name) are not allowed")
            tag = getattr(event, "tag", None)
            if tag not in (None, "!"):
                raise ParameterError(f"the YAML tag {short(tag)} is not allowed; expected text, "
                                     "numbers, true/false, null, lists and mappings")
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise ParameterError(f"the value nests lists or mappings more than "
                                         f"{MAX_DEPTH} levels deep")
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return Loader


def _load(text: str) -> Any:
    """``text`` read by :func:`_loader` (raises ``ParameterError`` or ``yaml.YAMLError``)."""
    loader = _loader()(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [""])[0]
    return f"{short(problem, 80)}{at}"


def parse_value(name: str, text: str) -> Any:
    """The value of ``-p NAME TEXT`` by the module's rule; :class:`ParameterError` for an empty,
    oversized or malformed value, naming the parameter and the start of the value."""
    import yaml

    head = f"parameter {name!r} = {short(text)}"
    if not text.strip():
        raise ParameterError(f"{head}: the value is empty; give a value, or None for None")
    if len(text) > MAX_VALUE_CHARS:
        raise ParameterError(f"{head}: the value has {len(text):,} characters, above the limit "
                             f"of {MAX_VALUE_CHARS:,}; pass long values in a -f file")
    stripped = text.strip()
    if stripped[0] not in "[{'\"":
        scalar = _scalar(stripped)
        return scalar if scalar is not stripped else text
    try:
        return _load(text)
    except DuplicateKey as exc:
        raise ParameterError(f"{head}: key {exc}") from None
    except ParameterError as exc:
        raise ParameterError(f"{head}: {exc}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise ParameterError(f"{head}: not valid YAML ({_yaml_problem(exc)}); a value starting "
                             "with [ { ' or \" is read as YAML (quote text that starts so: "
                             "\"'[text'\")") from None


def load_parameter_file(path: str | Path) -> dict[str, Any]:
    """A YAML mapping of parameter names to values (read as in :func:`parse_value`'s brackets);
    :class:`ParameterError` on any problem, naming the file."""
    import yaml

    expected = "expected a mapping of parameter names to values"
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ParameterError(f"{path}: the parameter file cannot be read "
                             f"({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ParameterError(f"{path}: the parameter file is larger than {MAX_FILE_BYTES:,} "
                             f"bytes; {expected}")
    try:
        loaded = _load(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path}: the parameter file is not UTF-8 text (byte "
                             f"{exc.object[exc.start:exc.start + 1]!r} at offset {exc.start}); "
                             f"{expected}") from None
    except DuplicateKey as exc:
        raise ParameterError(f"{path}: parameter {exc}; expected each parameter once") from None
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise ParameterError(f"{path}: the parameter file is not valid YAML "
                             f"({_yaml_problem(exc)}); {expected}") from None
    if loaded is not None and not isinstance(loaded, dict):
        raise ParameterError(f"{path}: {expected}, got {type(loaded).__name__}")
    return loaded or {}  # a name that is not an identifier: see runner.check_parameter_names
