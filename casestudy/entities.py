"""Named entities from a small multilingual gazetteer (``data/entities.toml``).

A gazetteer, not a statistical tagger: the seeds name a few dozen companies,
people and products in four languages, a curated list finds all of them with
exact spans, and a reviewer can see why each match was made.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import AnnotationError

__all__ = ["EntityMention", "find_entities", "load_gazetteer", "GAZETTEER_PATH"]

GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "entities.toml"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@dataclass(frozen=True)
class EntityMention:
    """A gazetteer name found in a text (offsets into that text)."""

    start: int
    end: int
    text: str
    entity: str
    type: str


@lru_cache(maxsize=4)
def load_gazetteer(path: Path = GAZETTEER_PATH) -> tuple[tuple[str, str, str], ...]:
    """``(alias, entity, type)`` triples, longest alias first."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for name, entry in data.items():
        if not isinstance(entry, dict) or set(entry) - {"type", "aliases"} or not isinstance(
                entry.get("aliases"), list):
            raise AnnotationError(path, name, "expected a table with 'type' and a list 'aliases'")
        for alias in entry["aliases"]:
            out.append((alias, name, str(entry.get("type", "other"))))
    out.sort(key=lambda t: (-len(t[0]), t[0]))
    return tuple(out)


@lru_cache(maxsize=4)
def _pattern(path: Path = GAZETTEER_PATH) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    table = load_gazetteer(path)
    parts = []
    for alias, _, _ in table:
        esc = re.escape(alias)
        parts.append(esc if _CJK.search(alias) else rf"(?<![A-Za-z]){esc}(?![a-z])")
    lookup = {alias: (entity, typ) for alias, entity, typ in table}
    return re.compile("|".join(parts)), lookup


def find_entities(text: str, path: Path = GAZETTEER_PATH) -> list[EntityMention]:
    """Every gazetteer alias in ``text``, leftmost-longest, without overlaps."""
    pattern, lookup = _pattern(path)
    out = []
    for m in pattern.finditer(text):
        entity, typ = lookup[m.group(0)]
        out.append(EntityMention(m.start(), m.end(), m.group(0), entity, typ))
    return out
