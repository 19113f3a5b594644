"""One seed: the exact original ``<id>.txt``, its annotation ``<id>.toml`` (if any) located
in the text, and the cleaned reading text.  Loading checks everything an annotator can get
wrong (``docs/annotations.md``) and writes nothing."""

from __future__ import annotations

import codecs
import dataclasses
import math
import re
import time
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .annotations import (
    PATTERN_BUDGET,
    Annotation,
    Correction,
    Fact,
    Metadata,
    find_pattern,
    load_annotation,
    read_bounded,
)
from .errors import AnnotationError, SeedError
from .language import Paragraph, detect_languages
from .numbers import NumberMention, find_numbers, read_number
from .paths import PACKAGE_DIR
from .textmap import CleanText, Edit, automatic_edits

__all__ = ["Seed", "Located", "EntityMention", "load_seed", "MAX_SEED_BYTES"]

#: The largest seed file loaded, in bytes: 60 times the largest bundled article (a 20 MB
#: seed took 334 s and 2.7 GB in 02_marketing); 1 MB keeps every notebook within a minute.
MAX_SEED_BYTES = 1_000_000


@dataclass(frozen=True)
class Located:
    """An annotation entry found in the text: the entry and its span in ``raw``;
    ``value_start``/``value_end`` is the raw span of the number a fact is read from."""

    entry: Any
    start: int
    end: int
    value_start: int | None = None
    value_end: int | None = None


class Seed:
    """A source document: ``raw`` the exact text of the file, ``text`` the cleaned reading
    text, the annotation's entries as :class:`Located` spans of ``raw``."""

    def __init__(self, seed_id: str, path: Path, raw: str, annotation: Annotation) -> None:
        self.id = seed_id
        self.path = path
        self.raw = raw
        self.annotation = annotation
        self.metadata: Metadata = annotation.metadata
        self._ann_path = annotation.path or path
        clean = CleanText(raw, self._edits())
        self.text = clean.text
        self.edits = clean.edits  # every cleaning edit, curated and automatic, by position
        self.raw_span = clean.raw_span  # a span of text -> the span of raw it came from
        self.text_span = clean.text_span  # a span of raw -> the smallest span of text covering it
        self.language, paragraphs = detect_languages(self.text, self.metadata.language)
        self.paragraphs: tuple[Paragraph, ...] = tuple(paragraphs)
        self.languages: tuple[str, ...] = self.metadata.languages
        if not self.languages:  # the primary language, then the others by share of the text
            share = {lang: sum(p.end - p.start for p in self.paragraphs if p.language == lang)
                     for lang in {p.language for p in self.paragraphs} - {self.language, "und"}}
            self.languages = (self.language, *sorted(share, key=lambda k: (-share[k], k)))
        self.claims = tuple(self._locate("claims", c) for c in annotation.claims)
        self.events = tuple(self._locate("events", e) for e in annotation.events)
        self.ignores = tuple(self._locate("ignore", i) for i in annotation.ignore)
        self.flags = tuple(self._locate("flags", f, clean_ok=False) for f in annotation.flags)
        self.facts = tuple(self._locate_fact(f) for f in annotation.facts)

    def _error(self, where: str, message: str) -> AnnotationError:
        return AnnotationError(self._ann_path, where, message)

    def _find(self, quote: str, clean_ok: bool, limit: int) -> list[tuple[int, int]]:
        """The first ``limit`` raw spans where ``quote`` occurs in ``raw`` (a "\\n" in it also
        matching a CRLF), or else (``clean_ok``) in the cleaned text, mapped back.  The search
        stops at ``limit``: a one-letter quote may occur a million times."""
        crlf = quote.replace("\r\n", "\n").replace("\n", "\r\n")
        searches = ([(self.raw, quote), (self.raw, crlf)]
                    + ([(self.text, quote)] if clean_ok else []))
        for k, (hay, q) in enumerate(searches):
            hits: list[tuple[int, int]] = []
            i = hay.find(q)
            while i != -1 and len(hits) < limit:
                hits.append((i, i + len(q)))
                i = hay.find(q, i + 1)
            if hits:
                return hits if k < 2 else [self.raw_span(*h) for h in hits]
        return []

    def _locate(self, section: str, entry: Any, clean_ok: bool = True) -> Located:
        """The one raw span ``entry`` means: at ``start`` (a raw offset), the
        ``occurrence``-th, or the only one."""
        where = _where(section, entry)
        if not entry.quote:
            raise self._error(where, "empty quote; expected a verbatim passage of the text")
        if entry.start is not None and self.raw.startswith(entry.quote, entry.start):
            return Located(entry, entry.start, entry.start + len(entry.quote))
        limit = (1_000 if entry.start is not None else  # a CRLF or cleaned-text match, or an error
                 entry.occurrence if entry.occurrence is not None else _SHOWN + 1)
        hits = self._find(entry.quote, clean_ok, limit)
        if not hits:
            raise self._error(where, f"quote {_short(entry.quote)!r} is not in {self.path.name}" + (
                " (nor in its cleaned text); expected a verbatim passage" if clean_ok
                else "; expected a verbatim passage of the original"))
        if entry.start is not None:
            offsets = [h[0] for h in hits]
            if entry.start not in offsets:
                raise self._error(f"{where}.start", f"the quote is not at offset {entry.start}; "
                                  f"it occurs at {_offsets(offsets)}")
            return Located(entry, *hits[offsets.index(entry.start)])
        if entry.occurrence is not None:
            if entry.occurrence > len(hits):
                raise self._error(f"{where}.occurrence", f"occurrence {entry.occurrence} requested "
                                  f"but the quote occurs {len(hits)} time(s)")
            return Located(entry, *hits[entry.occurrence - 1])
        if len(hits) > 1:
            times = f"{len(hits)} times" if len(hits) <= _SHOWN else f"more than {_SHOWN} times"
            at = _offsets([h[0] for h in hits])
            raise self._error(where, f"the quote occurs {times} (at {at}); add occurrence = N "
                              "or start = OFFSET")
        return Located(entry, *hits[0])

    def _locate_fact(self, fact: Fact) -> Located:
        """The fact's quote, and in it the number its ``value`` is read from."""
        loc = self._locate("facts", fact)
        where = _where("facts", fact)
        ts, te = self.text_span(loc.start, loc.end)
        quote = self.text[ts:te]
        lang = next((p.language for p in self.paragraphs if p.start <= ts <= p.end), self.language)
        if fact.reading is not None:
            i = quote.find(fact.reading)
            if i == -1:
                raise self._error(f"{where}.reading", f"reading {fact.reading!r} is not in the "
                                  f"quote {_short(quote)!r}")
            got = read_number(fact.reading, lang)
            if got is None or not _same(got, fact.value):
                raise self._error(f"{where}.value", f"value {fact.value:g} cannot be read from "
                                  f"reading {fact.reading!r} (read: {got}); expected the number "
                                  "as written with its scale applied")
            return Located(fact, loc.start, loc.end,
                           *self.raw_span(ts + i, ts + i + len(fact.reading)))
        mentions = find_numbers(quote, lang)
        for m in mentions:
            if _same(m.value, fact.value) or _same(m.number, fact.value):
                return Located(fact, loc.start, loc.end, *self.raw_span(ts + m.start, ts + m.end))
        read = ", ".join(f"{m.text!r}={m.value:g}" for m in mentions) or "no numbers"
        raise self._error(f"{where}.value", f"value {fact.value:g} cannot be read from the quote "
                          f"{_short(quote)!r} (read there: {read}); expected the number as "
                          "written with its scale applied, or a `reading`")

    def _edits(self) -> list[Edit]:
        """The curated corrections (which may not overlap) and the automatic edits around them;
        the patterns share one time budget (:data:`~casestudy.annotations.PATTERN_BUDGET`)."""
        deadline = time.monotonic() + PATTERN_BUDGET
        curated = sorted((Edit(s, e, c.replacement, c.kind, c.note, curated=True)
                          for c in self.annotation.corrections
                          for s, e in self._correction_spans(c, deadline)),
                         key=lambda ed: (ed.start, ed.end))
        for a, b in zip(curated, curated[1:]):
            if b.start < a.end:
                raise self._error("corrections", f"two corrections overlap at offsets "
                                  f"{b.start}-{a.end} ({self.raw[a.start:a.end]!r} and "
                                  f"{self.raw[b.start:b.end]!r})")
        return curated + automatic_edits(self.raw, [(ed.start, ed.end) for ed in curated])

    def _correction_spans(self, c: Correction, deadline: float) -> list[tuple[int, int]]:
        if c.pattern is not None:
            where = f"corrections pattern {c.pattern[:40]!r}"
            spans = find_pattern(self._ann_path, where, c.pattern, self.raw, deadline)
            if not spans:
                raise self._error(where, "the pattern matches nothing in the text")
            return spans
        loc = self._locate("corrections", c, clean_ok=False)
        return [(loc.start, loc.end)]

    @cached_property
    def numbers(self) -> tuple[NumberMention, ...]:
        """Every number in ``text`` (offsets into it), each paragraph read in its language."""
        return tuple(dataclasses.replace(m, start=m.start + p.start, end=m.end + p.start)
                     for p in self.paragraphs
                     for m in find_numbers(self.text[p.start:p.end], p.language))

    @cached_property
    def entities(self) -> tuple[EntityMention, ...]:
        """Every name in the gazetteer (offsets into ``text``), leftmost-longest."""
        pattern, lookup = _gazetteer()
        return tuple(EntityMention(m.start(), m.end(), m.group(0), *lookup[m.group(0)])
                     for m in pattern.finditer(self.text))

    def __repr__(self) -> str:
        return f"Seed({self.id!r}, language={self.language!r}, chars={len(self.raw)})"


@dataclass(frozen=True)
class EntityMention:
    """A name from the gazetteer ``data/entities.toml`` found in a text: a curated list, not a
    statistical tagger, finds the few dozen names the seeds use with exact, reviewable spans."""

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
    cjk = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # no word boundaries in CJK text
    return re.compile("|".join(re.escape(a) if cjk.search(a)
                               else rf"(?<![A-Za-z]){re.escape(a)}(?![a-z])"
                               for a in sorted(lookup, key=lambda a: (-len(a), a)))), lookup


_SHOWN = 10  # offsets of a quote listed in an error message


def _offsets(offsets: list[int]) -> str:
    return str(offsets[:_SHOWN])[:-1] + (", …]" if len(offsets) > _SHOWN else "]")


def _where(section: str, entry: Any) -> str:
    ident = getattr(entry, "id", "") or entry.quote or getattr(entry, "pattern", "")
    return f"{section} {str(ident)[:40]!r}"


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _short(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _decode(path: Path, data: bytes, encoding: str) -> str:
    """``data`` decoded with the annotation's ``metadata.encoding``; a one-line error otherwise."""
    declared = f"{encoding!r} declared in the annotation (metadata.encoding)"
    try:
        if not getattr(codecs.lookup(encoding), "_is_text_encoding", True):  # rot13, hex, base64
            raise SeedError(path, f"{declared} is not a text encoding; expected e.g. utf-8, "
                            "shift_jis or gbk")
        return data.decode(encoding)
    except LookupError:
        raise SeedError(path, f"unknown encoding {declared}") from None
    except UnicodeDecodeError as exc:
        hint = ("; if the file is in another encoding (e.g. shift_jis or gbk), declare it as "
                "metadata.encoding in the annotation file") if encoding == "utf-8" else ""
        raise SeedError(path, f"bytes {data[exc.start:exc.start + 4]!r} at offset {exc.start} are "
                        f"not valid {encoding}{hint}") from None
    except UnicodeError as exc:  # e.g. the "undefined" codec
        raise SeedError(path, f"cannot be decoded with the encoding {declared}: {exc}; expected "
                        "e.g. utf-8, shift_jis or gbk") from None


def load_seed(path: Path) -> Seed:
    """Load ``path`` (a ``.txt`` seed) with its annotation file if there is one."""
    path = Path(path)
    try:
        read = read_bounded(path, MAX_SEED_BYTES)
    except OSError as exc:
        raise SeedError(path, f"cannot be read ({exc.strerror or exc})") from None
    if read is None:
        raise SeedError(path, "is not a regular file (a folder, pipe or device); expected a text "
                        "file")
    data, size = read
    if len(data) > MAX_SEED_BYTES:  # measured on what is read: /proc files report size 0
        has = f"{size:,} bytes" if size > MAX_SEED_BYTES else f"more than {MAX_SEED_BYTES:,} bytes"
        raise SeedError(path, f"the seed file has {has}, above the limit of {MAX_SEED_BYTES:,} "
                        "bytes per seed (casestudy.seeds.MAX_SEED_BYTES); split the text into "
                        "several seeds")
    ann_path = path.with_suffix(".toml")
    # a dangling or looping link, or a folder, is an error, not "no annotation"
    annotation = (load_annotation(ann_path) if ann_path.exists() or ann_path.is_symlink()
                  else Annotation(path=None))
    if not data.strip():
        raise SeedError(path, "the file is empty; expected the text of an article")
    raw = _decode(path, data, annotation.metadata.encoding)
    if not raw.strip("\ufeff \t\r\n\u00a0\u3000"):
        raise SeedError(path, "the file holds only white space; expected the text of an article")
    if "\x00" in raw:
        raise SeedError(path, "the file holds NUL characters; expected plain text")
    return Seed(path.stem, path, raw, annotation)
