"""The analyst's curated tables (business model by era, SWOT, the two fronts, ...) as
reviewable TOML under ``casestudy/data/``, never typed into a notebook.  Each entry cites its
evidence as ``"SEED:KIND:ID"`` (KIND claim, event or fact; SEED the seed's number or id),
which :func:`resolve` checks against the corpus, so a renamed claim breaks loudly."""

from __future__ import annotations

import copy
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import AnnotationError

if TYPE_CHECKING:
    from .corpus import Corpus
    from .seeds import Located

__all__ = ["resolve", "shorten", "load_table", "DATA_DIR"]

DATA_DIR = Path(__file__).resolve().parent / "data"
KINDS = ("claim", "event", "fact")


def resolve(corpus: Corpus, ref: str, source: Path | None = None) -> Located | None:
    """The annotation ``ref`` points at, or None if its seed is not in ``corpus`` (left out by
    ``as_of`` or a language filter) or not annotated; a malformed ref or an id the seed lacks
    is an :class:`AnnotationError` naming ``source``."""
    parts = ref.split(":")
    where = source or DATA_DIR
    if len(parts) != 3 or parts[1] not in KINDS:
        raise AnnotationError(where, f"ref {ref!r}", "expected SEED:KIND:ID with KIND one of "
                              f"{', '.join(KINDS)}")
    key, kind, ident = parts
    sid = next((s for s in corpus.ids if s == key or s.split("_", 1)[0] == key), None)
    if sid is None or corpus[sid].annotation.path is None:
        return None
    seed = corpus[sid]
    pool = {"claim": seed.claims, "event": seed.events, "fact": seed.facts}[kind]
    hit = next((loc for loc in pool if loc.entry.id == ident), None)
    if hit is None and not (corpus.as_of_year is not None and kind == "event"):
        raise AnnotationError(where, f"ref {ref!r}", f"seed {sid} has no {kind} with id {ident!r}")
    return hit


def shorten(text: str, n: int = 90) -> str:
    """``text`` on one line, cut to ``n`` characters with an ellipsis (for table cells)."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def load_table(name: str, section: str) -> list[dict[str, Any]]:
    """The entries of ``[[section]]`` in ``casestudy/data/<name>.toml`` (a fresh copy: what a
    caller changes in it never reaches the next caller)."""
    return copy.deepcopy(_read_table(name, section))


@lru_cache(maxsize=16)
def _read_table(name: str, section: str) -> list[dict[str, Any]]:
    """The parsed entries, read once per process: the files are the package's own data."""
    path = DATA_DIR / f"{name}.toml"
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get(section)
    except FileNotFoundError:
        raise AnnotationError(path, "", "curated table not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise AnnotationError(path, "", f"not valid TOML: {exc}") from None
    if not isinstance(entries, list):
        raise AnnotationError(path, section, f"expected an array of tables [[{section}]]")
    for i, e in enumerate(entries, 1):
        refs = e.get("evidence", [])
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            raise AnnotationError(path, f"{section}[{i}].evidence",
                                  "expected a list of SEED:KIND:ID strings")
    return entries
