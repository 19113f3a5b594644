"""The cross-lingual concept lexicon and the stop-word lists, as validated data.

Both live as reviewable TOML in ``casestudy/data/``:

``concepts.toml``
    ``schema = 1``; one ``[concepts.NAME]`` table per concept with ``label``
    (English), ``definition`` (one sentence), an optional ``note``, and a term
    list for **each** of ``zh``, ``ja``, ``nl``, ``en``, ``de`` (all five keys
    are required so that "no term in this language" is written down as ``[]``,
    not forgotten).  Terms are written as they appear in real text; the
    Latin-script languages list every inflection they want matched (no
    stemming).  An optional ``[glossary.LANG]`` table gives English glosses of
    frequent words that are not concept terms (``"小米" = "Xiaomi"``).

``stopwords.toml``
    ``schema = 1``; ``[stopwords]`` with one list per language.  Compared
    case-insensitively with a token's surface and its lemma.

A file that breaks the format (unknown field, wrong type, unknown language
code, empty or duplicated term) raises :class:`TextAnalysisError` naming the
file and the field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casestudy.text.errors import TextAnalysisError
from casestudy.text.tokenize import SUPPORTED_LANGUAGES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Concept",
    "Lexicon",
    "default_lexicon_path",
    "default_stopwords_path",
    "load_lexicon",
    "load_stopwords",
]

_CONCEPT_FIELDS = ("label", "definition", "note", *SUPPORTED_LANGUAGES)
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_LANGUAGE_LIKE = re.compile(r"[a-z]{2}")


def default_lexicon_path() -> Path:
    """``casestudy/data/concepts.toml`` inside the installed package."""
    return Path(str(resources.files("casestudy") / "data" / "concepts.toml"))


def default_stopwords_path() -> Path:
    """``casestudy/data/stopwords.toml`` inside the installed package."""
    return Path(str(resources.files("casestudy") / "data" / "stopwords.toml"))


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
    """Concepts in file order plus word glosses; see the module docstring for the format."""

    path: Path
    concepts: Mapping[str, Concept]
    glossary: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """Concept names in file order (the order of every output table)."""
        return tuple(self.concepts)

    def select(self, concepts: Iterable[str] | str | None = None) -> tuple[Concept, ...]:
        """The named concepts (all if ``None``), or :class:`TextAnalysisError` for an unknown name."""
        if concepts is None:
            return tuple(self.concepts.values())
        if isinstance(concepts, str):
            concepts = [concepts]
        chosen = []
        for name in concepts:
            if name not in self.concepts:
                raise TextAnalysisError(
                    f"unknown concept {name!r}; known concepts: {', '.join(self.names)}"
                )
            if self.concepts[name] not in chosen:
                chosen.append(self.concepts[name])
        return tuple(chosen)

    def gloss(self, term: str, languages: Iterable[str]) -> str:
        """An English gloss of ``term``: the glossary entry, else the labels of concepts listing it.

        Case-insensitive.  ``languages`` are tried in order, then the other
        languages (names such as Xiaomi are glossed once); "" if none glosses it.
        """
        key = term.casefold()
        first = [lang for lang in languages if lang in SUPPORTED_LANGUAGES]
        for language in first + [lang for lang in SUPPORTED_LANGUAGES if lang not in first]:
            for word, gloss in self.glossary.get(language, {}).items():
                if word.casefold() == key:
                    return gloss
            labels = [c.label for c in self.concepts.values()
                      if any(t.casefold() == key for t in c.terms_for(language))]
            if labels:
                return "; ".join(labels)
        return ""

    def to_frame(self) -> pd.DataFrame:
        """One row per term: concept, label, language, term (for review in a notebook)."""
        import pandas as pd

        rows = [(c.name, c.label, lang, term)
                for c in self.concepts.values()
                for lang in SUPPORTED_LANGUAGES for term in c.terms_for(lang)]
        return pd.DataFrame(rows, columns=["concept", "label", "language", "term"])


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise TextAnalysisError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise TextAnalysisError(f"{path}: not valid TOML: {exc}") from None


def _check_schema(path: Path, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    if data.get("schema") != 1:
        raise TextAnalysisError(f"{path}: schema: expected schema = 1, got {data.get('schema')!r}")
    for key in data:
        if key not in allowed:
            raise TextAnalysisError(
                f"{path}: unknown top-level field {key!r} (allowed: {', '.join(allowed)})"
            )


def _unknown_key(path: Path, where: str, key: str, allowed: Iterable[str]) -> TextAnalysisError:
    if _LANGUAGE_LIKE.fullmatch(key):
        return TextAnalysisError(
            f"{path}: {where}.{key}: unknown language code {key!r} "
            f"(supported: {', '.join(SUPPORTED_LANGUAGES)})"
        )
    return TextAnalysisError(f"{path}: {where}: unknown field {key!r} (allowed: {', '.join(allowed)})")


def _term_list(path: Path, where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TextAnalysisError(f"{path}: {where}: expected a list of strings, got {type(value).__name__}")
    seen: set[str] = set()
    for i, term in enumerate(value):
        if not isinstance(term, str):
            raise TextAnalysisError(
                f"{path}: {where}[{i}]: expected a string, got {type(term).__name__} {term!r}"
            )
        if not term.strip() or term != term.strip():
            raise TextAnalysisError(f"{path}: {where}[{i}]: empty term or leading/trailing space: {term!r}")
        if term.casefold() in seen:
            raise TextAnalysisError(f"{path}: {where}[{i}]: duplicate term {term!r}")
        seen.add(term.casefold())
    return tuple(value)


def _text_field(path: Path, where: str, value: object, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise TextAnalysisError(f"{path}: {where}: expected a non-empty string, got {value!r}")
    return value


def _parse_concept(path: Path, name: str, table: object) -> Concept:
    where = f"concepts.{name}"
    if not _NAME.fullmatch(name):
        raise TextAnalysisError(f"{path}: {where}: concept names are snake_case ([a-z][a-z0-9_]*)")
    if not isinstance(table, dict):
        raise TextAnalysisError(f"{path}: {where}: expected a table, got {type(table).__name__}")
    for key in table:
        if key not in _CONCEPT_FIELDS:
            raise _unknown_key(path, where, key, _CONCEPT_FIELDS)
    terms = {}
    for lang in SUPPORTED_LANGUAGES:
        if lang not in table:
            raise TextAnalysisError(
                f"{path}: {where}.{lang}: missing; write {lang} = [] if the language has no term"
            )
        terms[lang] = _term_list(path, f"{where}.{lang}", table[lang])
    return Concept(
        name=name,
        label=_text_field(path, f"{where}.label", table.get("label")),
        definition=_text_field(path, f"{where}.definition", table.get("definition")),
        terms=terms,
        note=_text_field(path, f"{where}.note", table.get("note"), required=False),
    )


def _parse_glossary(path: Path, table: object) -> dict[str, dict[str, str]]:
    if not isinstance(table, dict):
        raise TextAnalysisError(f"{path}: glossary: expected a table, got {type(table).__name__}")
    out: dict[str, dict[str, str]] = {}
    for lang, entries in table.items():
        if lang not in SUPPORTED_LANGUAGES:
            raise _unknown_key(path, "glossary", lang, SUPPORTED_LANGUAGES)
        if not isinstance(entries, dict):
            raise TextAnalysisError(f"{path}: glossary.{lang}: expected a table of word = gloss")
        for word, gloss in entries.items():
            _text_field(path, f"glossary.{lang}.{word}", gloss)
        out[lang] = dict(entries)
    return out


def _load_lexicon(path: Path) -> Lexicon:
    data = _read_toml(path)
    _check_schema(path, data, ("schema", "concepts", "glossary"))
    concepts_table = data.get("concepts")
    if not isinstance(concepts_table, dict) or not concepts_table:
        raise TextAnalysisError(f"{path}: concepts: expected at least one [concepts.NAME] table")
    concepts = {name: _parse_concept(path, name, table) for name, table in concepts_table.items()}
    glossary = _parse_glossary(path, data.get("glossary", {}))
    return Lexicon(path=path, concepts=concepts, glossary=glossary)


@lru_cache(maxsize=8)
def _cached_lexicon(path: Path, mtime_ns: int) -> Lexicon:
    return _load_lexicon(path)


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and validate a concept lexicon (default: the bundled ``concepts.toml``).

    Cached per file and modification time, so notebooks can call it freely.
    """
    p = Path(path) if path is not None else default_lexicon_path()
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError:
        raise TextAnalysisError(f"{p}: file not found") from None
    return _cached_lexicon(p, mtime)


def load_stopwords(path: str | Path | None = None) -> dict[str, frozenset[str]]:
    """Read and validate the stop-word lists (default: the bundled ``stopwords.toml``).

    Returns language -> case-folded words; every supported language is present
    (possibly empty).
    """
    p = Path(path) if path is not None else default_stopwords_path()
    data = _read_toml(p)
    _check_schema(p, data, ("schema", "stopwords"))
    table = data.get("stopwords")
    if not isinstance(table, dict):
        raise TextAnalysisError(f"{p}: stopwords: expected a [stopwords] table")
    out: dict[str, frozenset[str]] = {lang: frozenset() for lang in SUPPORTED_LANGUAGES}
    for lang, words in table.items():
        if lang not in SUPPORTED_LANGUAGES:
            raise _unknown_key(p, "stopwords", lang, SUPPORTED_LANGUAGES)
        out[lang] = frozenset(w.casefold() for w in _term_list(p, f"stopwords.{lang}", words))
    return out
