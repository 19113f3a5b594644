"""Read and validate an annotation file (``seeds/<id>.toml``).

The format is documented in ``docs/annotations.md``.  This module checks the
*shape* of the file (known fields, types, allowed values); whether each quote is
in the text and each value can be read from its quote is checked when the seed is
loaded (:mod:`casestudy.seeds`), since that needs the text.

Correction patterns are regular expressions written by whoever prepared a seeds
folder, so they are treated as hostile: a pattern that nests a variable-length
repeat inside an unbounded one (``(a+)+``, ``(\\w*\\s?)*``: the classic
catastrophic-backtracking shape) is refused when the file is read, and every
pattern is run with the third-party ``regex`` module's ``timeout=``
(:data:`PATTERN_TIMEOUT` seconds), since the standard library's ``re`` cannot be
stopped once it runs, and backtracking blow-ups without nesting
(``(.*),(.*),(.*),(.*)z``) cannot all be recognised statically.  A pattern must
still be valid for ``re`` (the syntax the format documents); ``regex`` runs it
with the same meaning (its default ``VERSION0`` behaviour is ``re``'s).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import AnnotationError, FileEntryError

__all__ = [
    "Annotation", "Metadata", "Claim", "Event", "Fact", "Ignore", "Correction", "Flag",
    "load_annotation", "DATE_PRECISIONS", "STANCES", "PATTERN_TIMEOUT", "MAX_ANNOTATION_BYTES",
    "check_pattern", "find_pattern",
]

PATTERN_TIMEOUT = 1.0  # seconds one correction pattern may take on one seed's text
MAX_ANNOTATION_BYTES = 1_000_000  # the bundled annotation files are at most 38 kB

DATE_PRECISIONS = ("exact", "month", "year", "inferred", "unknown")
EVENT_PRECISIONS = ("exact", "month", "quarter", "year", "inferred")
STANCES = ("positive", "negative", "neutral", "mixed", "not-about-xiaomi", "unknown")
EVENT_KINDS = ("launch", "decision", "result", "statement", "target", "transaction", "policy",
               "founding", "other")
CORRECTION_KINDS = ("hyphenation", "ocr", "ligature", "typo", "boilerplate", "whitespace",
                    "translation")
FLAG_KINDS = ("truncation", "translation", "ambiguity", "ocr", "typo", "boilerplate", "other")
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


@dataclass(frozen=True)
class _Quoted:
    quote: str
    occurrence: int | None = None
    start: int | None = None


@dataclass(frozen=True)
class Claim(_Quoted):
    id: str = ""
    gloss: str = ""


@dataclass(frozen=True)
class Event(_Quoted):
    id: str = ""
    date: str = ""
    date_precision: str = "exact"
    kind: str = "other"
    summary: str = ""
    note: str = ""


@dataclass(frozen=True)
class Fact(_Quoted):
    id: str = ""
    metric: str = ""
    value: float = 0.0
    unit: str = ""
    period: str = ""
    entity: str = ""
    reading: str | None = None
    approx: bool = False
    qualifier: str = ""
    note: str = ""


@dataclass(frozen=True)
class Ignore(_Quoted):
    reason: str = ""


@dataclass(frozen=True)
class Correction:
    kind: str
    replacement: str
    quote: str | None = None
    pattern: str | None = None
    occurrence: int | None = None
    start: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Flag(_Quoted):
    kind: str = "other"
    note: str = ""


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


# field name -> (python types accepted, required)
_SPECS: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    "metadata": {
        "title": ((str,), False), "title_en": ((str,), False), "outlet": ((str,), False),
        "author": ((str,), False), "date": ((str,), False), "date_precision": ((str,), False),
        "date_evidence": ((str,), False), "genre": ((str,), False), "language": ((str,), False),
        "languages": ((list,), False), "stance": ((str,), False), "topics": ((list,), False),
        "summary": ((str,), False), "opening_en": ((str,), False), "encoding": ((str,), False),
    },
    "claims": {"id": ((str,), True), "gloss": ((str,), True), "quote": ((str,), True),
               "occurrence": ((int,), False), "start": ((int,), False)},
    "events": {"id": ((str,), True), "date": ((str,), True), "date_precision": ((str,), True),
               "kind": ((str,), True), "summary": ((str,), True), "quote": ((str,), True),
               "note": ((str,), False), "occurrence": ((int,), False), "start": ((int,), False)},
    "facts": {"id": ((str,), True), "metric": ((str,), True), "value": ((int, float), True),
              "unit": ((str,), True), "period": ((str,), True), "entity": ((str,), True),
              "quote": ((str,), True), "reading": ((str,), False), "approx": ((bool,), False),
              "qualifier": ((str,), False), "note": ((str,), False),
              "occurrence": ((int,), False), "start": ((int,), False)},
    "ignore": {"quote": ((str,), True), "reason": ((str,), True),
               "occurrence": ((int,), False), "start": ((int,), False)},
    "corrections": {"kind": ((str,), True), "replacement": ((str,), True), "quote": ((str,), False),
                    "pattern": ((str,), False), "note": ((str,), False),
                    "occurrence": ((int,), False), "start": ((int,), False)},
    "flags": {"kind": ((str,), True), "quote": ((str,), True), "note": ((str,), True),
              "occurrence": ((int,), False), "start": ((int,), False)},
}
_CLASSES = {"claims": Claim, "events": Event, "facts": Fact, "ignore": Ignore,
            "corrections": Correction, "flags": Flag}
_TOP = {"schema", "metadata", *_CLASSES}


def _type_name(types: tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             list: "a list"}
    return " or ".join(names[t] for t in types)


def check_fields(path: Path, where: str, table: Any, spec: dict[str, tuple[tuple[type, ...], bool]],
                 error: type[FileEntryError] = AnnotationError) -> dict[str, Any]:
    """Known fields, right types, required fields present, as ``error`` naming ``path``
    and the entry ``where`` (shared by the annotation and reference loaders)."""
    if not isinstance(table, dict):
        raise error(path, where, f"expected a table, got {type(table).__name__}")
    for name, value in table.items():
        if name not in spec:
            raise error(path, where, f"unknown field {name!r}; expected one of "
                        f"{', '.join(sorted(spec))}")
        types, _ = spec[name]
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if not ok:
            raise error(path, f"{where}.{name}", f"expected {_type_name(types)}, "
                        f"got {value!r} ({type(value).__name__})")
    for name, (_, required) in spec.items():
        if required and name not in table:
            raise error(path, where, f"missing required field {name!r}")
    return dict(table)


def _choice(path: Path, where: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise AnnotationError(path, where, f"{value!r} is not allowed; expected one of "
                              f"{', '.join(allowed)}")


def _date(path: Path, where: str, value: str, allow_empty: bool = False) -> None:
    if allow_empty and value == "":
        return
    if not _DATE_RE.match(value):
        raise AnnotationError(path, where, f"{value!r} is not an ISO date; expected YYYY, "
                              "YYYY-MM, YYYY-MM-DD, YYYY-Qn (quarter) or YYYY-Hn (half year)")


def _read(path: Path) -> str:
    """The text of an annotation file; a folder, a dangling or looping link, an unreadable
    or oversized file is an :class:`AnnotationError`."""
    if path.is_symlink() and not path.exists():
        try:
            os.stat(path)
        except OSError as exc:
            why = ("a symbolic link that loops" if exc.errno == 40 else
                   f"a symbolic link to {os.readlink(path)!r}, which does not exist")
            raise AnnotationError(path, "", f"the annotation file is {why}; expected a TOML "
                                  "file (or no file, for an unannotated seed)") from None
    if path.is_dir():
        raise AnnotationError(path, "", "the annotation file is a folder; expected a TOML file "
                              "(or no file, for an unannotated seed)")
    try:
        size = path.stat().st_size
        if size > MAX_ANNOTATION_BYTES:
            raise AnnotationError(path, "", f"the annotation file has {size:,} bytes, above the "
                                  f"limit of {MAX_ANNOTATION_BYTES:,}")
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise AnnotationError(path, "", f"the annotation file cannot be read "
                              f"({exc.strerror or exc})") from None


def load_annotation(path: Path) -> Annotation:
    """Read and validate ``path``; raise :class:`AnnotationError` on any problem."""
    try:
        data = tomllib.loads(_read(path))
    except UnicodeDecodeError as exc:
        raise AnnotationError(path, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise AnnotationError(path, "", f"not valid TOML: {exc}") from None
    for key in data:
        if key not in _TOP:
            raise AnnotationError(path, "", f"unknown top-level field {key!r}; expected one of "
                                  f"{', '.join(sorted(_TOP))}")
    if data.get("schema", 1) != 1:
        raise AnnotationError(path, "schema", f"unsupported schema {data['schema']!r}; expected 1")

    meta = check_fields(path, "metadata", data.get("metadata", {}), _SPECS["metadata"])
    for name in ("languages", "topics"):
        if name in meta:
            if not all(isinstance(v, str) for v in meta[name]):
                raise AnnotationError(path, f"metadata.{name}", f"expected a list of strings, got "
                                      f"{meta[name]!r}")
            meta[name] = tuple(meta[name])
    if "date_precision" in meta:
        _choice(path, "metadata.date_precision", meta["date_precision"], DATE_PRECISIONS)
    if "date" in meta:
        _date(path, "metadata.date", meta["date"], allow_empty=True)
    if meta.get("date_precision") in ("inferred", "unknown") and not meta.get("date_evidence"):
        raise AnnotationError(path, "metadata.date_evidence",
                              f"required when date_precision is {meta['date_precision']!r}")
    if "stance" in meta:
        _choice(path, "metadata.stance", meta["stance"], STANCES)
    for lang in (meta.get("language", ""), *meta.get("languages", ())):
        if lang and not _LANG_RE.match(lang):
            raise AnnotationError(path, "metadata.language", f"{lang!r} is not an ISO 639-1 code "
                                  "(two lowercase letters)")
    metadata = Metadata(**meta)

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
            if section == "events":
                _date(path, f"{where}.date", values["date"])
                _choice(path, f"{where}.date_precision", values["date_precision"], EVENT_PRECISIONS)
                _choice(path, f"{where}.kind", values["kind"], EVENT_KINDS)
            if section == "facts":
                values["value"] = float(values["value"])
            if section == "corrections":
                _choice(path, f"{where}.kind", values["kind"], CORRECTION_KINDS)
                if ("quote" in values) == ("pattern" in values):
                    raise AnnotationError(path, where, "expected exactly one of 'quote' or 'pattern'")
                if "pattern" in values:
                    check_pattern(path, f"{where}.pattern", values["pattern"])
            if section == "flags":
                _choice(path, f"{where}.kind", values["kind"], FLAG_KINDS)
            if values.get("occurrence") is not None and values["occurrence"] < 1:
                raise AnnotationError(path, f"{where}.occurrence",
                                      f"expected a positive integer, got {values['occurrence']}")
            known = {f.name for f in fields(cls)}
            built.append(cls(**{k: v for k, v in values.items() if k in known}))
        entries[section] = tuple(built)
    return Annotation(path=path, metadata=metadata, **entries)


def _pattern_parser() -> object:
    try:
        import re._parser as parser  # Python >= 3.11
    except ImportError:  # pragma: no cover
        import sre_parse as parser  # type: ignore[no-redef]
    return parser


def _nested_repeat(items: object, parser: object, inside_unbounded: bool) -> bool:
    """Whether a variable-length repeat sits inside an unbounded one, in a parsed pattern."""
    import re._constants as c  # the opcodes of re._parser (Python >= 3.11)
    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}
    for op, av in items:  # type: ignore[attr-defined]
        if op in repeats:
            lo, hi, sub = av
            if inside_unbounded and lo != hi:
                return True
            if _nested_repeat(sub, parser, inside_unbounded or hi == c.MAXREPEAT):
                return True
        elif op == c.SUBPATTERN:
            if _nested_repeat(av[-1], parser, inside_unbounded):
                return True
        elif op == c.BRANCH:
            if any(_nested_repeat(b, parser, inside_unbounded) for b in av[1]):
                return True
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if _nested_repeat(av[1], parser, inside_unbounded):
                return True
        elif op == getattr(c, "ATOMIC_GROUP", None):
            if _nested_repeat(av, parser, inside_unbounded):
                return True
        elif op == c.GROUPREF_EXISTS:
            if any(b is not None and _nested_repeat(b, parser, inside_unbounded) for b in av[1:]):
                return True
    return False


def check_pattern(path: Path, where: str, pattern: str) -> None:
    """A correction pattern must be a valid ``re`` pattern without nested repeats."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise AnnotationError(path, where, f"not a valid regular expression: {exc}") from None
    parser = _pattern_parser()
    if _nested_repeat(parser.parse(pattern), parser, False):  # type: ignore[attr-defined]
        raise AnnotationError(path, where, f"pattern {pattern!r} repeats a variable-length part "
                              "inside an unbounded repeat (like (a+)+), which can take "
                              "exponential time; expected a pattern without nested repeats, "
                              "or a quote")


def find_pattern(path: Path, where: str, pattern: str, text: str) -> list[tuple[int, int]]:
    """The non-empty matches of ``pattern`` in ``text``, within :data:`PATTERN_TIMEOUT` seconds."""
    import regex

    try:
        return [(m.start(), m.end()) for m in regex.finditer(pattern, text, timeout=PATTERN_TIMEOUT)
                if m.end() > m.start()]
    except TimeoutError:
        raise AnnotationError(path, where, f"pattern {pattern!r} took more than "
                              f"{PATTERN_TIMEOUT:g} s on the text (catastrophic backtracking); "
                              "expected a simpler pattern, or a quote") from None
