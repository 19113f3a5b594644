"""Named entities from a small multilingual gazetteer (``data/entities.toml``).

A gazetteer, not a statistical tagger: the seeds name a few dozen companies, people
and products in four languages; a curated list finds them all with exact spans, and
a reviewer can see why each match was made.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from .errors import AnnotationError
from .paths import PACKAGE_DIR

__all__ = ["EntityMention", "find_entities"]

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@dataclass(frozen=True)
class EntityMention:
    """A gazetteer name found in a text (offsets into that text)."""

    start: int
    end: int
    text: str
    entity: str
    type: str


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """One pattern of every alias, longest first, and alias -> (entity, type)."""
    path = PACKAGE_DIR / "data" / "entities.toml"
    lookup: dict[str, tuple[str, str]] = {}
    for name, entry in tomllib.loads(path.read_text(encoding="utf-8")).items():
        if not isinstance(entry, dict) or set(entry) - {"type", "aliases"} or not isinstance(
                entry.get("aliases"), list):
            raise AnnotationError(path, name, "expected a table with 'type' and a list 'aliases'")
        for alias in entry["aliases"]:
            lookup[alias] = (name, str(entry.get("type", "other")))
    aliases = sorted(lookup, key=lambda a: (-len(a), a))
    parts = [re.escape(a) if _CJK.search(a) else rf"(?<![A-Za-z]){re.escape(a)}(?![a-z])"
             for a in aliases]
    return re.compile("|".join(parts)), lookup


def find_entities(text: str) -> list[EntityMention]:
    """Every gazetteer alias in ``text``, leftmost-longest, without overlaps."""
    pattern, lookup = _gazetteer()
    return [EntityMention(m.start(), m.end(), m.group(0), *lookup[m.group(0)])
            for m in pattern.finditer(text)]
