"""Anchors, links, templates and the evidence on sources.html.  Templates autoescape (anything
not ``Markup`` is escaped) and ids go through :func:`safe_id`: a seed named ``<script>.txt`` or
``a"b.txt`` can neither inject markup nor break out of an attribute."""

from __future__ import annotations

import dataclasses
import decimal
import hashlib
import html
import re
import tomllib
from collections import namedtuple
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from ..corpus import Corpus
from ..errors import CasestudyError
from ..seeds import Seed

esc = html.escape
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")


def safe_id(text: str) -> str:
    """``text`` (whitespace runs as ``-``) when it is a plain id (letters, digits, ``-_.``),
    else ``h`` and 12 hex digits of its SHA-256: safe in ``id`` and ``href`` as it stands."""
    text = re.sub(r"\s+", "-", str(text).strip())
    return text if _PLAIN_ID.match(text) else "h" + hashlib.sha256(text.encode()).hexdigest()[:12]


def short(seed_id: str) -> str:
    """``004`` for ``004_e1cfa5dcaaabac6e``; other ids as they are."""
    head = seed_id.split("_", 1)[0]
    return head if head.isdigit() else seed_id


def seed_anchor(seed_id: str) -> str:
    """The id of a seed's section in ``sources.html``: ``seed-004``."""
    return f"seed-{safe_id(short(seed_id))}"


def span_anchor(seed_id: str, kind: str, ident: str | tuple[int, int]) -> str:
    """The id of an annotated span: ``s004-fact-<id>``, ``s004-raw-<start>-<end>`` (or ``text``)."""
    s = short(seed_id)
    tail = f"{ident[0]}-{ident[1]}" if isinstance(ident, tuple) else safe_id(ident)
    return f"s{s}-{kind}-{tail}" if s.isdigit() else f"s-{safe_id(s)}-{kind}-{tail}"


def plain(value: Any) -> str:
    """A number in positional notation with thousands separators (``2.1e12`` as
    ``2,100,000,000,000``, ``25.5`` as ``25.5``): never scientific notation on a page."""
    try:
        text = repr(value) if isinstance(value, float) else str(value)
        number = decimal.Decimal(text).normalize()
    except (decimal.InvalidOperation, ValueError):
        return str(value)
    return f"{number:,f}" if number.is_finite() else str(value)


def href(page: str, anchor: str = "") -> str:
    """A link target ``page#anchor``, percent-encoded: safe in an attribute as it stands."""
    return quote(page, safe="/-_.~") + ("#" + quote(anchor, safe="-_.~") if anchor else "")


def _escape(value: Any) -> Markup:
    """A template value as text, escaped as :func:`html.escape` does (as in sources built here)."""
    return value if hasattr(value, "__html__") else Markup(esc(str(value)))


_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                          autoescape=True, finalize=_escape, trim_blocks=True, lstrip_blocks=True)
_ENV.filters["plain"] = plain
_ENV.globals.update(href=href, safe_id=safe_id, seed_anchor=seed_anchor, short=short,
                    span_anchor=span_anchor)


def fill(template: str, **values: Any) -> Markup:
    """``templates/<template>`` filled with ``values`` (escaped unless ``Markup``),
    as ``Markup``."""
    return Markup(_ENV.get_template(template).render(**values))


_ID = r"\d{3}(?:_[0-9a-f]{16})?"
_SEED_LIST = re.compile(rf"(\bseeds?\s+)({_ID}(?:(?:\s*[,;&]\s*|\s+and\s+)(?:seeds?\s+)?{_ID})*)",
                        re.IGNORECASE)
_SEED_ID = re.compile(rf"(?<![\w-]){_ID}(?![\w-])")


def link_seeds(text_html: str, known: dict[str, str]) -> str:
    """``text_html`` with each seed of ``known`` named after "seed"/"seeds" linked to its
    section."""

    def one(m: re.Match[str]) -> str:
        target = known.get(m[0]) or known.get(m[0].split("_", 1)[0])
        return m[0] if target is None else \
            f'<a class="seedref" href="{href("sources.html", seed_anchor(target))}">{m[0]}</a>'

    return _SEED_LIST.sub(lambda m: m[1] + _SEED_ID.sub(one, m[2]), text_html)


def link_refs(text_html: str, refs: Any, docs: set[str]) -> str:
    """``text_html`` with each reference's ``cite`` linked to ``sources.html#ref-<doc_id>``
    if listed."""
    for ref in refs if isinstance(refs, list) else []:
        doc, cite = str(ref.get("doc_id", "")), esc(str(ref.get("cite", "")), quote=False)
        if doc in docs and cite and cite in text_html:
            target = href("sources.html", "ref-" + safe_id(doc))
            text_html = text_html.replace(cite, f'<a class="refref" href="{target}">{cite}</a>', 1)
    return text_html


_Span = namedtuple("_Span", "kind ident start end label")  # kind: claim | fact | event | flag


def _spans(seed: Seed) -> list[_Span]:
    out = [_Span("claim", c.entry.id, c.start, c.end, c.entry.gloss) for c in seed.claims]
    out += [_Span("fact", f.entry.id, f.start, f.end, f"{f.entry.metric} = "
                  f"{f'{plain(f.entry.value)} {f.entry.unit}'.strip()}"
                  f" ({f.entry.period}, {f.entry.entity})")
            for f in seed.facts]
    out += [_Span("event", e.entry.id, e.start, e.end,
                  f"{e.entry.date} {e.entry.kind}: {e.entry.summary}")
            for e in seed.events]
    out += [_Span("flag", str(i), f.start, f.end, f"{f.entry.kind}: {f.entry.note}")
            for i, f in enumerate(seed.flags, 1)]
    return sorted(out, key=lambda s: (s.start, -s.end, s.kind, s.ident))


def _marked_text(seed: Seed, text: str, spans: list[tuple[_Span, int, int]], view: str) -> Markup:
    """``text`` as escaped HTML, each span marked, with an anchor at its start: its offsets in
    ``view`` (``raw`` or ``text``) and, in the original, its curated id."""
    starts: dict[int, list[str]] = {}
    for span, s, e in spans:
        named = ([span_anchor(seed.id, span.kind, span.ident)]
                 if view == "raw" and span.kind != "flag" else [])
        for ident in [*named, span_anchor(seed.id, view, (s, e))]:
            if all(ident not in v for v in starts.values()):
                starts.setdefault(s, []).append(ident)
    bounds = sorted({0, len(text)} | {b for _, s, e in spans for b in (s, e)})
    parts = []
    for a, b in zip(bounds, bounds[1:] + [len(text)]):
        parts += [f'<a class="anc" id="{ident}"></a>' for ident in starts.get(a, [])]
        cover = [sp for sp, s, e in spans if s <= a and b <= e and s < e and a < b]
        piece = esc(text[a:b], quote=False)
        parts.append(f'<mark class="{" ".join(sorted({f"k-{sp.kind}" for sp in cover}))}" title="'
                     f'{esc("; ".join(f"{sp.kind} {sp.ident}" for sp in cover))}">{piece}</mark>'
                     if cover else piece)
    return Markup("".join(parts))


def seed_section(seed: Seed, checksum: str, listed: str | None) -> dict[str, Any]:
    """What ``sources.html.j2`` shows of a seed: metadata rows, spans, the marked texts."""
    m = seed.metadata
    rows = [("seed id", seed.id), ("file", seed.path.name), ("characters", f"{len(seed.raw):,}"),
            ("SHA-256", checksum)] + ([] if listed is None else [("matches SHA256SUMS", "yes" if
                                       listed == checksum else f"NO (SHA256SUMS lists {listed})")])
    rows += [(k.replace("_", " "), ", ".join(map(str, v)) if isinstance(v, tuple) else str(v))
             for k, v in dataclasses.asdict(m).items() if v not in ("", None, ())]
    spans = [(sp, *seed.text_span(sp.start, sp.end)) for sp in _spans(seed)]
    return {"seed": seed, "title": m.title_en or m.title or seed.id, "rows": rows, "spans": spans,
            "raw": _marked_text(seed, seed.raw, [(sp, sp.start, sp.end) for sp, _, _ in spans],
                                "raw"),
            "text": _marked_text(seed, seed.text, [s for s in spans if s[2] > s[1]], "text")}


def annotation_targets(corpus: Corpus) -> dict[str, str]:
    """Curated ids that are unique across the corpus, to their anchors in ``sources.html``."""
    seen: dict[str, list[str]] = {}
    for seed in corpus:
        for sp in _spans(seed):
            if sp.kind != "flag":
                seen.setdefault(sp.ident, []).append(span_anchor(seed.id, sp.kind, sp.ident))
    return {k: v[0] for k, v in seen.items() if len(v) == 1 and len(k) >= 8 and "-" in k}


#: The fields of a glossary term (``reading`` may be "" for Latin-script terms).
GLOSSARY_FIELDS = ("term", "reading", "language", "english", "explanation")


def load_glossary(path: Path) -> list[dict[str, str]]:
    """The ``[[terms]]`` of a glossary file (:data:`GLOSSARY_FIELDS`, optional ``cite``)."""
    try:
        terms = tomllib.loads(path.read_text(encoding="utf-8")).get("terms")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        why = " ".join(str(exc).split())
        raise CasestudyError(f"{path}: cannot read the glossary ({why})") from None
    if not isinstance(terms, list) or not terms:
        raise CasestudyError(f"{path}: expected a list of [[terms]], found {type(terms).__name__}")
    for i, t in enumerate(terms, 1):
        for name in GLOSSARY_FIELDS + (("cite",) if "cite" in t else ()):
            if not isinstance(t.get(name), str) or not (t[name].strip() or name == "reading"):
                raise CasestudyError(f"{path} [terms #{i}] {name}: {t.get(name)!r}; expected a "
                                     "non-empty string")
    return terms

