"""The cross-lingual concept lexicon, read and validated from reviewable TOML.

``casestudy/data/concepts.toml`` (its header describes the format): one
``[concepts.NAME]`` table per concept with ``label``, ``definition``, optional
``note`` and a term list for each supported language (``[]`` written, not
forgotten).  A format error raises :class:`TextAnalysisError` naming file and field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from casestudy import paths
from casestudy.text.tokenize import SUPPORTED_LANGUAGES, TextAnalysisError

__all__ = ["Concept", "Lexicon", "default_lexicon_path", "load_lexicon"]

_CONCEPT_FIELDS = ("label", "definition", "note", *SUPPORTED_LANGUAGES)
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_LANGUAGE_LIKE = re.compile(r"[a-z]{2}")


def default_lexicon_path() -> Path:
    """``casestudy/data/concepts.toml`` inside the installed package."""
    return paths.PACKAGE_DIR / "data" / "concepts.toml"


@dataclass(frozen=True)
class Concept:
    """One concept: an English label, a definition and its terms per language."""

    name: str
    label: str
    definition: str
    terms: Mapping[str, tuple[str, ...]]
    note: str = ""

    def terms_for(self, language: str) -> tuple[str, ...]:
        """The terms of ``language`` (empty tuple if the lexicon lists none)."""
        return self.terms.get(language, ())


@dataclass(frozen=True)
class Lexicon:
    """Concepts in file order."""

    concepts: Mapping[str, Concept]

    @property
    def names(self) -> tuple[str, ...]:
        """Concept names in file order (the order of every output table)."""
        return tuple(self.concepts)

    def select(self, concepts: Iterable[str] | str | None = None) -> tuple[Concept, ...]:
        """The named concepts (all if ``None``).

        Raises :class:`TextAnalysisError` for an unknown name.
        """
        if concepts is None:
            return tuple(self.concepts.values())
        chosen: dict[str, Concept] = {}
        for name in [concepts] if isinstance(concepts, str) else concepts:
            if name not in self.concepts:
                raise TextAnalysisError(
                    f"unknown concept {name!r}; known concepts: {', '.join(self.names)}"
                )
            chosen[name] = self.concepts[name]
        return tuple(chosen.values())


def _fail(path: Path, where: str, problem: str) -> TextAnalysisError:
    return TextAnalysisError(f"{path}: {where}: {problem}")


def _term_list(path: Path, where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _fail(path, where, f"expected a list of strings, got {type(value).__name__}")
    seen: set[str] = set()
    for i, term in enumerate(value):
        if not isinstance(term, str):
            raise _fail(path, f"{where}[{i}]",
                        f"expected a string, got {type(term).__name__} {term!r}")
        if not term.strip() or term != term.strip():
            raise _fail(path, f"{where}[{i}]", f"empty term or leading/trailing space: {term!r}")
        if term.casefold() in seen:
            raise _fail(path, f"{where}[{i}]", f"duplicate term {term!r}")
        seen.add(term.casefold())
    return tuple(value)


def _text_field(path: Path, where: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, f"expected a non-empty string, got {value!r}")
    return value


def _parse_concept(path: Path, name: str, table: object) -> Concept:
    where = f"concepts.{name}"
    if not _NAME.fullmatch(name):
        raise _fail(path, where, "concept names are snake_case ([a-z][a-z0-9_]*)")
    if not isinstance(table, dict):
        raise _fail(path, where, f"expected a table, got {type(table).__name__}")
    for key in table:
        if key in _CONCEPT_FIELDS:
            continue
        if _LANGUAGE_LIKE.fullmatch(key):
            raise _fail(path, f"{where}.{key}", f"unknown language code {key!r} "
                        f"(supported: {', '.join(SUPPORTED_LANGUAGES)})")
        raise _fail(path, where, f"unknown field {key!r} (allowed: {', '.join(_CONCEPT_FIELDS)})")
    terms = {}
    for lang in SUPPORTED_LANGUAGES:
        if lang not in table:
            raise _fail(path, f"{where}.{lang}",
                        f"missing; write {lang} = [] if the language has no term")
        terms[lang] = _term_list(path, f"{where}.{lang}", table[lang])
    note = _text_field(path, f"{where}.note", table["note"]) if "note" in table else ""
    return Concept(name, _text_field(path, f"{where}.label", table.get("label")),
                   _text_field(path, f"{where}.definition", table.get("definition")), terms, note)


@lru_cache(maxsize=8)
def _cached_lexicon(path: Path, mtime_ns: int) -> Lexicon:
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise TextAnalysisError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise TextAnalysisError(f"{path}: cannot be read: {exc.strerror}") from None
    if data.get("schema") != 1:
        raise _fail(path, "schema", f"expected schema = 1, got {data.get('schema')!r}")
    if set(data) - {"schema", "concepts"}:
        unknown = sorted(set(data) - {"schema", "concepts"})[0]
        raise TextAnalysisError(f"{path}: unknown top-level field {unknown!r} "
                                "(allowed: schema, concepts)")
    table = data.get("concepts")
    if not isinstance(table, dict) or not table:
        raise _fail(path, "concepts", "expected at least one [concepts.NAME] table")
    return Lexicon({name: _parse_concept(path, name, t) for name, t in table.items()})


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and validate a concept lexicon (default: the bundled ``concepts.toml``).

    Cached per file and modification time, so notebooks can call it freely.
    """
    p = Path(path) if path is not None else default_lexicon_path()
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError:
        raise TextAnalysisError(f"{p}: file not found") from None
    except OSError as exc:
        raise TextAnalysisError(f"{p}: cannot be read: {exc.strerror}") from None
    return _cached_lexicon(p, mtime)
