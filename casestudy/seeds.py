"""One seed: the exact original, its annotation, and the cleaned reading text.

A :class:`Seed` is built by :func:`load_seed` from ``<id>.txt`` and, if present,
``<id>.toml`` beside it.  Loading checks everything an annotator can get wrong
(see ``docs/annotations.md``) and raises :class:`~casestudy.errors.SeedError` or
:class:`~casestudy.errors.AnnotationError` naming the file, the entry and the
field.  Nothing on disk is ever written.
"""

from __future__ import annotations

import codecs
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .annotations import Annotation, Correction, Fact, Metadata, find_pattern, load_annotation
from .entities import EntityMention, find_entities
from .errors import AnnotationError, SeedError
from .language import Paragraph, document_language, split_paragraphs
from .numbers import NumberMention, find_numbers, read_number
from .textmap import CleanText, Edit, automatic_edits

__all__ = ["Seed", "Located", "load_seed", "MAX_SEED_BYTES"]

#: The largest seed file loaded, in bytes.  Loading is roughly linear in the text
#: but the notebooks' text analysis is not cheap: a 20 MB seed took 334 s and
#: 2.7 GB of memory in 02_marketing.  The bundled articles are 4 to 16 kB; 1 MB
#: (about 60 times the largest, a 300-page book in Latin script) keeps every
#: notebook within seconds to a minute.  Split a longer text into several seeds.
MAX_SEED_BYTES = 1_000_000


@dataclass(frozen=True)
class Located:
    """An annotation entry found in the text: the entry and its span in ``raw``.

    ``value_start``/``value_end`` are the raw span of the number a fact is read from.
    """

    entry: object
    start: int
    end: int
    value_start: int | None = None
    value_end: int | None = None


class Seed:
    """A source document with its annotations.

    ``raw`` is the exact text of the file (decoded); ``text`` is the reading text
    after cleaning; :meth:`raw_span` maps a span of ``text`` back to ``raw``.
    """

    def __init__(self, seed_id: str, path: Path, raw: str, annotation: Annotation) -> None:
        self.id = seed_id
        self.path = path
        self.raw = raw
        self.annotation = annotation
        self._clean = CleanText(raw, self._edits())
        self.text = self._clean.text
        meta = annotation.metadata
        detected = document_language(self.text)
        self.language: str = meta.language or detected
        self.paragraphs: tuple[Paragraph, ...] = tuple(split_paragraphs(self.text, self.language))
        if meta.languages:
            self.languages: tuple[str, ...] = meta.languages
        else:
            shares: dict[str, int] = {}
            for p in self.paragraphs:
                shares[p.language] = shares.get(p.language, 0) + p.end - p.start
            ranked = sorted(shares, key=lambda k: (-shares[k], k))
            self.languages = tuple([self.language] + [k for k in ranked
                                                      if k not in (self.language, "und")])
        self.claims = tuple(self._locate("claims", c) for c in annotation.claims)
        self.events = tuple(self._locate("events", e) for e in annotation.events)
        self.ignores = tuple(self._locate("ignore", i) for i in annotation.ignore)
        self.flags = tuple(self._locate("flags", f, clean_ok=False) for f in annotation.flags)
        self.facts = tuple(self._locate_fact(f) for f in annotation.facts)

    # -- offsets ---------------------------------------------------------
    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``raw`` that ``text[start:end]`` came from."""
        return self._clean.raw_span(start, end)

    def text_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``text`` that ``raw[start:end]`` reads as."""
        return self._clean.text_span(start, end)

    @property
    def metadata(self) -> Metadata:
        return self.annotation.metadata

    @property
    def edits(self) -> tuple[Edit, ...]:
        """Every cleaning edit (curated and automatic), in order of position."""
        return self._clean.edits

    # -- building ----------------------------------------------------------
    def _where(self, section: str, entry: object) -> str:
        ident = getattr(entry, "id", "") or getattr(entry, "quote", "") or getattr(entry, "pattern", "")
        return f"{section} {str(ident)[:40]!r}"

    def _annotation_path(self) -> Path:
        return self.annotation.path or self.path

    def _find_raw(self, quote: str, occurrence: int | None, start: int | None,
                  section: str, entry: object, haystack: str | None = None) -> list[tuple[int, int]]:
        hay = self.raw if haystack is None else haystack
        if not quote:
            raise AnnotationError(self._annotation_path(), self._where(section, entry),
                                  "empty quote; expected a verbatim passage of the text")
        hits = []
        i = hay.find(quote)
        while i != -1:
            hits.append((i, i + len(quote)))
            i = hay.find(quote, i + 1)
        if not hits and haystack is None and "\n" in quote and "\r\n" in hay:
            # a line break is written "\n" in a quote, also where the original has CRLF
            return self._find_raw(quote.replace("\r\n", "\n").replace("\n", "\r\n"), occurrence,
                                  start, section, entry, haystack=hay)
        return hits

    def _pick(self, hits: list[tuple[int, int]], occurrence: int | None, start: int | None,
              section: str, entry: object, in_clean: bool) -> tuple[int, int]:
        where = self._where(section, entry)
        path = self._annotation_path()
        if start is not None:
            for h in hits:
                s = self._clean.raw_span(*h)[0] if in_clean else h[0]
                if s == start:
                    return h
            raise AnnotationError(path, f"{where}.start", f"the quote is not at offset {start}; "
                                  f"it occurs at {[self._clean.raw_span(*h)[0] if in_clean else h[0] for h in hits]}")
        if occurrence is not None:
            if occurrence > len(hits):
                raise AnnotationError(path, f"{where}.occurrence", f"occurrence {occurrence} "
                                      f"requested but the quote occurs {len(hits)} time(s)")
            return hits[occurrence - 1]
        if len(hits) > 1:
            raise AnnotationError(path, where, f"the quote occurs {len(hits)} times (at "
                                  f"{[h[0] for h in hits]}); add occurrence = N or start = OFFSET")
        return hits[0]

    def _span_of(self, section: str, entry: object, quote: str, occurrence: int | None,
                 start: int | None, clean_ok: bool = True) -> tuple[int, int]:
        hits = self._find_raw(quote, occurrence, start, section, entry)
        if hits:
            return self._pick(hits, occurrence, start, section, entry, in_clean=False)
        if clean_ok:
            hits = self._find_raw(quote, occurrence, start, section, entry, haystack=self.text)
            if hits:
                s, e = self._pick(hits, occurrence, start, section, entry, in_clean=True)
                return self._clean.raw_span(s, e)
        raise AnnotationError(self._annotation_path(), self._where(section, entry),
                              f"quote {_short(quote)!r} is not in {self.path.name}"
                              + (" (nor in its cleaned text)" if clean_ok else "")
                              + "; expected a verbatim passage")

    def _locate(self, section: str, entry: object, clean_ok: bool = True) -> Located:
        s, e = self._span_of(section, entry, entry.quote, entry.occurrence,  # type: ignore[attr-defined]
                             entry.start, clean_ok)  # type: ignore[attr-defined]
        return Located(entry, s, e)

    def _locate_fact(self, fact: Fact) -> Located:
        s, e = self._span_of("facts", fact, fact.quote, fact.occurrence, fact.start)
        where = self._where("facts", fact)
        path = self._annotation_path()
        ts, te = self.text_span(s, e)
        quote_text = self.text[ts:te]
        lang = self._language_at(ts)
        if fact.reading is not None:
            i = quote_text.find(fact.reading)
            if i == -1:
                raise AnnotationError(path, f"{where}.reading", f"reading {fact.reading!r} is not in "
                                      f"the quote {_short(quote_text)!r}")
            got = read_number(fact.reading, lang)
            if got is None or not _same(got, fact.value):
                raise AnnotationError(path, f"{where}.value", f"value {fact.value:g} cannot be read "
                                      f"from reading {fact.reading!r} (read: {got}); expected the "
                                      "number as written with its scale applied")
            vs, ve = self.raw_span(ts + i, ts + i + len(fact.reading))
            return Located(fact, s, e, vs, ve)
        mentions = [m for m in find_numbers(quote_text, lang)]
        for m in mentions:
            if _same(m.value, fact.value) or _same(m.number, fact.value):
                vs, ve = self.raw_span(ts + m.start, ts + m.end)
                return Located(fact, s, e, vs, ve)
        read = ", ".join(f"{m.text!r}={m.value:g}" for m in mentions) or "no numbers"
        raise AnnotationError(path, f"{where}.value", f"value {fact.value:g} cannot be read from the "
                              f"quote {_short(quote_text)!r} (read there: {read}); expected the "
                              "number as written with its scale applied, or a `reading`")

    def _edits(self) -> list[Edit]:
        curated: list[Edit] = []
        for c in self.annotation.corrections:
            for s, e in self._correction_spans(c):
                curated.append(Edit(s, e, c.replacement, c.kind, c.note, curated=True))
        curated.sort(key=lambda ed: (ed.start, ed.end))
        for a, b in zip(curated, curated[1:]):
            if b.start < a.end:
                raise AnnotationError(self._annotation_path(), "corrections",
                                      f"two corrections overlap at offsets {b.start}-{a.end} "
                                      f"({self.raw[a.start:a.end]!r} and {self.raw[b.start:b.end]!r})")
        auto = automatic_edits(self.raw, [(ed.start, ed.end) for ed in curated])
        return curated + auto

    def _correction_spans(self, c: Correction) -> list[tuple[int, int]]:
        if c.pattern is not None:
            spans = find_pattern(self._annotation_path(), f"corrections pattern {c.pattern!r}",
                                 c.pattern, self.raw)
            if not spans:
                raise AnnotationError(self._annotation_path(), f"corrections pattern {c.pattern!r}",
                                      "the pattern matches nothing in the text")
            return spans
        assert c.quote is not None
        hits = self._find_raw(c.quote, c.occurrence, c.start, "corrections", c)
        if not hits:
            raise AnnotationError(self._annotation_path(), self._where("corrections", c),
                                  f"quote {_short(c.quote)!r} is not in {self.path.name}; "
                                  "corrections must quote the original verbatim")
        return [self._pick(hits, c.occurrence, c.start, "corrections", c, in_clean=False)]

    def _language_at(self, text_offset: int) -> str:
        for p in self.paragraphs:
            if p.start <= text_offset <= p.end:
                return p.language
        return self.language

    # -- automatic annotations --------------------------------------------
    @cached_property
    def numbers(self) -> tuple[NumberMention, ...]:
        """Every number in the reading text (offsets into ``text``)."""
        out: list[NumberMention] = []
        for p in self.paragraphs:
            for m in find_numbers(self.text[p.start:p.end], p.language):
                out.append(_shift(m, p.start))
        return tuple(out)

    @cached_property
    def entities(self) -> tuple[EntityMention, ...]:
        """Named entities from the gazetteer (offsets into ``text``)."""
        return tuple(find_entities(self.text))

    def __repr__(self) -> str:
        return f"Seed({self.id!r}, language={self.language!r}, chars={len(self.raw)})"


def _shift(m: NumberMention, by: int) -> NumberMention:
    return NumberMention(m.start + by, m.end + by, m.text, m.value, m.number, m.scale, m.unit,
                         m.kind, m.date)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _short(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise SeedError(path, f"unknown encoding {encoding!r} declared in the annotation "
                        "(metadata.encoding)") from None
    if not getattr(info, "_is_text_encoding", True):  # rot13, hex, base64: not a text encoding
        raise SeedError(path, f"{encoding!r} declared in the annotation (metadata.encoding) is not "
                        "a text encoding; expected e.g. utf-8, shift_jis or gbk")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        hint = ("; if the file is in another encoding (e.g. shift_jis or gbk), declare it as "
                "metadata.encoding in the annotation file") if encoding == "utf-8" else ""
        raise SeedError(path, f"bytes {data[exc.start:exc.start + 4]!r} at offset {exc.start} are "
                        f"not valid {encoding}{hint}") from None
    except UnicodeError as exc:  # e.g. the "undefined" codec
        raise SeedError(path, f"cannot be decoded with the encoding {encoding!r} declared in the "
                        f"annotation (metadata.encoding): {exc}; expected e.g. utf-8, shift_jis "
                        "or gbk") from None


def load_seed(path: Path) -> Seed:
    """Load ``path`` (a ``.txt`` seed) with its annotation file if there is one."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SEED_BYTES:
            raise SeedError(path, f"the seed file has {size:,} bytes, above the limit of "
                            f"{MAX_SEED_BYTES:,} bytes per seed (casestudy.seeds.MAX_SEED_BYTES); "
                            "split the text into several seeds")
        data = path.read_bytes()
    except OSError as exc:
        raise SeedError(path, f"cannot be read ({exc.strerror or exc})") from None
    ann_path = path.with_suffix(".toml")
    # a dangling or looping link, or a folder, is an error, not "no annotation"
    present = ann_path.exists() or ann_path.is_symlink()
    annotation = load_annotation(ann_path) if present else Annotation(path=None)
    if not data.strip():
        raise SeedError(path, "the file is empty; expected the text of an article")
    raw = _decode(path, data, annotation.metadata.encoding)
    if not raw.strip("\ufeff \t\r\n\u00a0\u3000"):
        raise SeedError(path, "the file holds only white space; expected the text of an article")
    if "\x00" in raw:
        raise SeedError(path, "the file holds NUL characters; expected plain text")
    return Seed(path.stem, path, raw, annotation)
