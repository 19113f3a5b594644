"""Curated analysis tables (business model by era, SWOT, the two fronts, ...) as data.

An analyst's reading of the case (which claim supports which SWOT entry) is
kept in reviewable TOML files under ``casestudy/data/`` and never typed into a
notebook.  Each entry cites its evidence as references to annotations:
``"SEED:KIND:ID"`` with KIND one of ``claim``, ``event``, ``fact``; SEED is the
seed's number (``004``) or full id.  References are checked against the corpus
when the table is resolved, so a renamed claim breaks loudly, not silently.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import AnnotationError

if TYPE_CHECKING:
    from .corpus import Corpus

__all__ = ["Evidence", "resolve", "resolve_all", "shorten", "load_table", "evidence_frame", "DATA_DIR"]

DATA_DIR = Path(__file__).resolve().parent / "data"
KINDS = ("claim", "event", "fact")


@dataclass(frozen=True)
class Evidence:
    """An annotation a curated entry rests on."""

    ref: str
    seed_id: str
    kind: str
    id: str
    gloss: str
    quote: str
    start: int
    end: int
    date: str


def _seed_of(corpus: "Corpus", key: str) -> str | None:
    for sid in corpus.ids:
        if sid == key or sid.split("_", 1)[0] == key:
            return sid
    return None


def resolve(corpus: "Corpus", ref: str, source: Path | None = None) -> Evidence | None:
    """The evidence ``ref`` points at, or None if its seed is not in ``corpus``
    (e.g. left out by an ``as_of`` view or a language filter).

    Raises :class:`AnnotationError` for a malformed ref or an id the seed lacks.
    """
    parts = ref.split(":")
    where = source or DATA_DIR
    if len(parts) != 3 or parts[1] not in KINDS:
        raise AnnotationError(where, f"ref {ref!r}", "expected SEED:KIND:ID with KIND one of "
                              f"{', '.join(KINDS)}")
    key, kind, ident = parts
    sid = _seed_of(corpus, key)
    if sid is None:
        return None
    seed = corpus[sid]
    if seed.annotation.path is None:
        return None  # a seed without annotations cannot back a curated entry
    pool = {"claim": seed.claims, "event": seed.events, "fact": seed.facts}[kind]
    for loc in pool:
        e = loc.entry
        if e.id == ident:
            gloss = getattr(e, "gloss", "") or getattr(e, "summary", "")
            if kind == "fact":
                gloss = f"{e.metric} = {e.value:g} {e.unit} ({e.period}, {e.entity})"
            return Evidence(ref, sid, kind, ident, gloss, seed.raw[loc.start:loc.end], loc.start,
                            loc.end, getattr(e, "date", "") or seed.metadata.date)
    if corpus.as_of_year is not None and kind == "event":
        return None  # an event after the as_of year
    raise AnnotationError(where, f"ref {ref!r}", f"seed {sid} has no {kind} with id {ident!r}")


def resolve_all(corpus: "Corpus", refs: list[str], source: Path | None = None) -> list[Evidence]:
    """The evidence of each ref whose seed is in ``corpus`` (see :func:`resolve`)."""
    return [ev for ev in (resolve(corpus, r, source) for r in refs) if ev is not None]


def shorten(text: str, n: int = 90) -> str:
    """``text`` on one line, cut to ``n`` characters with an ellipsis (for table cells)."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


@lru_cache(maxsize=16)
def _read(name: str) -> dict[str, Any]:
    path = DATA_DIR / f"{name}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnnotationError(path, "", "curated table not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise AnnotationError(path, "", f"not valid TOML: {exc}") from None


def load_table(name: str, section: str) -> list[dict[str, Any]]:
    """The entries of ``[[section]]`` in ``casestudy/data/<name>.toml``."""
    data = _read(name)
    entries = data.get(section)
    if not isinstance(entries, list):
        raise AnnotationError(DATA_DIR / f"{name}.toml", section,
                              f"expected an array of tables [[{section}]]")
    for i, e in enumerate(entries, 1):
        refs = e.get("evidence", [])
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            raise AnnotationError(DATA_DIR / f"{name}.toml", f"{section}[{i}].evidence",
                                  "expected a list of SEED:KIND:ID strings")
    return entries


def evidence_frame(corpus: "Corpus", refs: list[str], source: Path | None = None) -> pd.DataFrame:
    """The resolved evidence of ``refs`` (those in the corpus) as a table."""
    rows = []
    for r in refs:
        ev = resolve(corpus, r, source)
        if ev is not None:
            rows.append(ev.__dict__)
    return pd.DataFrame(rows, columns=list(Evidence.__dataclass_fields__))
