"""Read and validate the shape of an annotation file (``seeds/<id>.toml``, format in
``docs/annotations.md``); :mod:`casestudy.seeds` checks the quotes against the text.

Correction patterns are treated as hostile: a variable-length repeat nested in an unbounded
one (``(a+)+``) is refused when the file is read, and every pattern runs under the ``regex``
module's ``timeout=`` (:data:`PATTERN_TIMEOUT`), since ``re`` cannot be stopped and not
every blow-up (``(.*),(.*),(.*)z``) is recognisable statically."""

from __future__ import annotations

import errno
import os
import re
import stat
import time
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from re import _constants as _c  # type: ignore[attr-defined]  # stdlib pattern parser (3.11+)
from re import _parser  # type: ignore[attr-defined]  # private, so untyped in typeshed
from typing import Any

import regex

from .errors import AnnotationError, FileEntryError
from .paths import PACKAGE_DIR

__all__ = ["Annotation", "Metadata", "Claim", "Event", "Fact", "Ignore", "Correction", "Flag",
           "load_annotation", "check_fields", "check_pattern", "find_pattern", "PATTERN_TIMEOUT",
           "PATTERN_BUDGET", "MAX_ANNOTATION_BYTES", "MAX_ENTRIES", "read_bounded"]

PATTERN_TIMEOUT = 1.0  # seconds one correction pattern may take on one seed's text
PATTERN_BUDGET = 3.0  # seconds all the correction patterns of one seed may take together
MAX_ANNOTATION_BYTES = 1_000_000  # the bundled annotation files are at most 38 kB
#: Entries (claims, events, facts, ...) one annotation file may hold: the bundled files hold at
#: most 118; 18,037 one-letter claims in a 1 MB file would each be searched in a 1 MB seed.
MAX_ENTRIES = 2_000
MAX_OCCURRENCE = 1_000  # the search for a quote stops at the occurrence asked for

_CHOICES: dict[str, dict[str, list[str]]] = tomllib.loads(  # section -> field -> allowed values
    (PACKAGE_DIR / "data" / "annotations.toml").read_text(encoding="utf-8"))
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-Q[1-4]|-H[12])?$")
_LANG_RE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class Metadata:
    """What is known about a seed as a publication."""

    title: str = "unknown"
    title_en: str = "unknown"
    outlet: str = "unknown"
    author: str = "unknown"
    date: str = ""
    date_precision: str = "unknown"
    date_evidence: str = ""
    genre: str = "unknown"
    language: str = ""
    languages: tuple[str, ...] = ()
    stance: str = "unknown"
    topics: tuple[str, ...] = ()
    summary: str = ""
    opening_en: str = ""
    encoding: str = "utf-8"


# The entries of each section.  A field without a default is required in the file.
@dataclass(frozen=True, kw_only=True)
class _Quoted:
    quote: str
    occurrence: int | None = None
    start: int | None = None


@dataclass(frozen=True, kw_only=True)
class Claim(_Quoted):
    id: str
    gloss: str


@dataclass(frozen=True, kw_only=True)
class Event(_Quoted):
    id: str
    date: str
    date_precision: str
    kind: str
    summary: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Fact(_Quoted):
    id: str
    metric: str
    value: float
    unit: str
    period: str
    entity: str
    reading: str | None = None
    approx: bool = False
    qualifier: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Ignore(_Quoted):
    reason: str


@dataclass(frozen=True, kw_only=True)
class Correction(_Quoted):
    kind: str
    replacement: str
    quote: str | None = None  # type: ignore[assignment]  # exactly one of quote and pattern
    pattern: str | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Flag(_Quoted):
    kind: str
    note: str


@dataclass(frozen=True)
class Annotation:
    """A validated annotation file; an empty one stands for a seed without a file."""

    path: Path | None
    metadata: Metadata = field(default_factory=Metadata)
    claims: tuple[Claim, ...] = ()
    events: tuple[Event, ...] = ()
    facts: tuple[Fact, ...] = ()
    ignore: tuple[Ignore, ...] = ()
    corrections: tuple[Correction, ...] = ()
    flags: tuple[Flag, ...] = ()


# Field types by name (every other field is a string).
_TYPES: dict[str, tuple[type, ...]] = {
    "value": (int, float), "approx": (bool,), "occurrence": (int,), "start": (int,),
    "languages": (list,), "topics": (list,)}
_CLASSES = {"claims": Claim, "events": Event, "facts": Fact, "ignore": Ignore,
            "corrections": Correction, "flags": Flag}
_TOP = {"schema", "metadata", *_CLASSES}
# section -> field -> (types accepted, required): a field without a default is required
_SPECS = {
    section: {f.name: (_TYPES.get(f.name, (str,)), f.default is MISSING) for f in fields(cls)}
    for section, cls in {"metadata": Metadata, **_CLASSES}.items()}
_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               list: "a list of strings"}


def check_fields(path: Path, where: str, table: Any, spec: dict[str, tuple[tuple[type, ...], bool]],
                 error: type[FileEntryError] = AnnotationError) -> dict[str, Any]:
    """Known fields, right types (a list holds strings), required fields present, as ``error``
    naming ``path`` and the entry ``where`` (shared by the annotation and reference loaders)."""
    if not isinstance(table, dict):
        raise error(path, where, f"expected a table, got {type(table).__name__}")
    for name, value in table.items():
        if name not in spec:
            raise error(path, where, f"unknown field {name!r}; expected one of "
                        f"{', '.join(sorted(spec))}")
        types, _ = spec[name]
        if (not isinstance(value, types) or isinstance(value, bool) and bool not in types
                or isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            expected = " or ".join(_TYPE_NAMES[t] for t in types)
            raise error(path, f"{where}.{name}", f"expected {expected}, got {value!r} "
                        f"({type(value).__name__})")
    for name, (_, required) in spec.items():
        if required and name not in table:
            raise error(path, where, f"missing required field {name!r}")
    return dict(table)


def _check_values(path: Path, where: str, section: str, values: dict[str, Any]) -> None:
    """The checks of a field's value its type does not make (docs/annotations.md)."""
    date = values.get("date")
    if date is not None and not (section == "metadata" and date == "") and not _DATE_RE.match(date):
        raise AnnotationError(path, f"{where}.date", f"{date!r} is not an ISO date; expected YYYY, "
                              "YYYY-MM, YYYY-MM-DD, YYYY-Qn (quarter) or YYYY-Hn (half year)")
    for name, allowed in _CHOICES.get(section, {}).items():
        if name in values and values[name] not in allowed:
            raise AnnotationError(path, f"{where}.{name}", f"{values[name]!r} is not allowed; "
                                  f"expected one of {', '.join(allowed)}")
    if values.get("occurrence") is not None and not 1 <= values["occurrence"] <= MAX_OCCURRENCE:
        raise AnnotationError(path, f"{where}.occurrence", f"expected a positive integer up to "
                              f"{MAX_OCCURRENCE:,}, got {values['occurrence']} (for a later one, "
                              "give start = OFFSET)")


def read_bounded(path: Path, limit: int) -> tuple[bytes, int] | None:
    """At most ``limit + 1`` bytes of ``path`` and the size ``stat`` reports, or None if it is
    not a regular file (a pipe, device or folder).  The limit holds on what is read, since
    ``/proc`` files report size 0; a pipe is opened without blocking."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks), info.st_size
    finally:
        os.close(fd)


def _read(path: Path) -> str:
    """The text of an annotation file; a folder, a dangling or looping link, an unreadable,
    irregular or oversized file is an :class:`AnnotationError`."""
    expected = "expected a TOML file (or no file, for an unannotated seed)"
    if path.is_dir():
        raise AnnotationError(path, "", f"the annotation file is a folder; {expected}")
    try:
        read = read_bounded(path, MAX_ANNOTATION_BYTES)
        if read is None:
            raise AnnotationError(path, "", f"the annotation file is not a regular file (a pipe "
                                  f"or device); {expected}")
        if len(read[0]) > MAX_ANNOTATION_BYTES:
            raise AnnotationError(path, "", f"the annotation file has more than "
                                  f"{MAX_ANNOTATION_BYTES:,} bytes, above the limit of "
                                  f"{MAX_ANNOTATION_BYTES:,}")
        return read[0].decode("utf-8")
    except OSError as exc:
        if path.is_symlink() and not path.exists():
            why = ("a symbolic link that loops" if exc.errno == errno.ELOOP else
                   f"a symbolic link to {os.readlink(path)!r}, which does not exist")
            raise AnnotationError(path, "", f"the annotation file is {why}; {expected}") from None
        raise AnnotationError(path, "", f"the annotation file cannot be read "
                              f"({exc.strerror or exc})") from None


def load_annotation(path: Path) -> Annotation:
    """Read and validate ``path``; raise :class:`AnnotationError` on any problem."""
    try:
        data = tomllib.loads(_read(path))
    except UnicodeDecodeError as exc:
        raise AnnotationError(path, "",
                              f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise AnnotationError(path, "", f"not valid TOML: {exc}") from None
    for key in data:
        if key not in _TOP:
            raise AnnotationError(path, "", f"unknown top-level field {key!r}; expected one of "
                                  f"{', '.join(sorted(_TOP))}")
    if data.get("schema", 1) != 1:
        raise AnnotationError(path, "schema", f"unsupported schema {data['schema']!r}; expected 1")
    meta: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in
            check_fields(path, "metadata", data.get("metadata", {}), _SPECS["metadata"]).items()}
    _check_values(path, "metadata", "metadata", meta)
    if meta.get("date_precision") in ("inferred", "unknown") and not meta.get("date_evidence"):
        raise AnnotationError(path, "metadata.date_evidence",
                              f"required when date_precision is {meta['date_precision']!r}")
    for lang in (meta.get("language", ""), *meta.get("languages", ())):
        if lang and not _LANG_RE.match(lang):
            raise AnnotationError(path, "metadata.language", f"{lang!r} is not an ISO 639-1 code "
                                  "(two lowercase letters)")
    counts = {section: len(v) for section in _CLASSES
              if isinstance(v := data.get(section, []), list)}
    if sum(counts.values()) > MAX_ENTRIES:
        raise AnnotationError(path, "", f"the file holds {sum(counts.values()):,} entries, above "
                              f"the limit of {MAX_ENTRIES:,} per file (casestudy.annotations."
                              "MAX_ENTRIES); split the seed and its annotation")
    entries: dict[str, tuple[Any, ...]] = {}
    ids: dict[str, str] = {}
    for section, cls in _CLASSES.items():
        items = data.get(section, [])
        if not isinstance(items, list):
            raise AnnotationError(path, section, f"expected an array of tables ([[{section}]]), "
                                  f"got {type(items).__name__}")
        built = []
        for i, item in enumerate(items, 1):
            where = f"{section}[{i}]" + (f" id={item['id']!r}" if isinstance(item, dict)
                                         and isinstance(item.get("id"), str) else "")
            values = check_fields(path, where, item, _SPECS[section])
            if "id" in values:
                if values["id"] in ids:
                    raise AnnotationError(path, where, f"duplicate id {values['id']!r} (also in "
                                          f"{ids[values['id']]})")
                ids[values["id"]] = where
            _check_values(path, where, section, values)
            if section == "facts":
                values["value"] = float(values["value"])
            if section == "corrections":
                if ("quote" in values) == ("pattern" in values):
                    raise AnnotationError(path, where,
                                          "expected exactly one of 'quote' or 'pattern'")
                if "pattern" in values:
                    check_pattern(path, f"{where}.pattern", values["pattern"])
            built.append(cls(**values))
        entries[section] = tuple(built)
    return Annotation(path=path, metadata=Metadata(**meta), **entries)


_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT}


def _nested_repeat(parsed: Any, inside_unbounded: bool = False) -> bool:
    """Whether a variable-length repeat sits inside an unbounded one, in a parsed pattern or
    any part of one (the arguments of groups, branches and lookarounds are walked too)."""
    if isinstance(parsed, (tuple, list)):
        return any(_nested_repeat(x, inside_unbounded) for x in parsed)
    if not isinstance(parsed, _parser.SubPattern):
        return False
    for op, av in parsed:
        if op in _REPEATS:
            lo, hi, sub = av
            if inside_unbounded and lo != hi or _nested_repeat(sub, inside_unbounded or
                                                               hi == _c.MAXREPEAT):
                return True
        elif _nested_repeat(av, inside_unbounded):
            return True
    return False


def check_pattern(path: Path, where: str, pattern: str) -> None:
    """A correction pattern must be a valid ``re`` pattern without nested repeats."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise AnnotationError(path, where, f"not a valid regular expression: {exc}") from None
    if _nested_repeat(_parser.parse(pattern)):
        raise AnnotationError(path, where, f"pattern {pattern!r} repeats a variable-length part "
                              "inside an unbounded repeat (like (a+)+), which can take "
                              "exponential time; expected a pattern without nested repeats, "
                              "or a quote")


def find_pattern(path: Path, where: str, pattern: str, text: str,
                 deadline: float | None = None) -> list[tuple[int, int]]:
    """The non-empty matches of ``pattern`` in ``text``, within :data:`PATTERN_TIMEOUT` seconds
    and before ``deadline`` (a :func:`time.monotonic` time: the budget of all of a seed's
    patterns, :data:`PATTERN_BUDGET`)."""
    timeout = PATTERN_TIMEOUT
    if deadline is not None:
        timeout = min(timeout, max(deadline - time.monotonic(), 0.001))
    try:
        return [(m.start(), m.end()) for m in regex.finditer(pattern, text, timeout=timeout)
                if m.end() > m.start()]
    except TimeoutError:
        why = (f"took more than {PATTERN_TIMEOUT:g} s on the text (catastrophic backtracking)"
               if timeout == PATTERN_TIMEOUT else f"ran past the {PATTERN_BUDGET:g} s all the "
               "file's patterns may take together")
        raise AnnotationError(path, where, f"pattern {pattern[:60]!r} {why}; expected a simpler "
                              "pattern, or a quote") from None
