"""Anchors, links and the pages about the evidence: ``sources.html`` and ``glossary.html``.

Everything from a seeds folder (file names, annotation fields, texts) or from the reference
and glossary files is escaped here, and ids and link targets go through :func:`safe_id`: a
seed named ``<script>x</script>.txt`` or ``a"b.txt`` can neither inject markup nor break
out of an attribute.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from ..errors import CasestudyError

if TYPE_CHECKING:
    import pandas as pd

    from ..corpus import Corpus
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
    """The id of an annotated span: ``s004-fact-<id>`` or ``s004-raw-<start>-<end>``
    (``kind`` ``raw`` or ``text`` with a ``(start, end)`` pair)."""
    s = short(seed_id)
    prefix = f"s{s}" if s.isdigit() else f"s-{safe_id(s)}"
    if isinstance(ident, tuple):
        return f"{prefix}-{kind}-{ident[0]}-{ident[1]}"
    return f"{prefix}-{kind}-{safe_id(ident)}"


def href(page: str, anchor: str = "") -> str:
    """An escaped ``href`` value: ``page#anchor``."""
    return esc(quote(page, safe="/-_.~") + ("#" + quote(anchor, safe="-_.~") if anchor else ""))


def _table(head: list[str], rows: list[list[str]]) -> str:
    """An HTML table: ``head`` escaped, the cells of ``rows`` as given (HTML)."""
    return ("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table>")


_ID = r"\d{3}(?:_[0-9a-f]{16})?"
_SEED_LIST = re.compile(rf"(\bseeds?\s+)({_ID}(?:(?:\s*[,;&]\s*|\s+and\s+)(?:seeds?\s+)?{_ID})*)",
                        re.IGNORECASE)
_SEED_ID = re.compile(rf"(?<![\w-]){_ID}(?![\w-])")


def link_seeds(text_html: str, known: dict[str, str]) -> str:
    """``text_html`` with each seed of ``known`` named after "seed"/"seeds" linked to its section."""

    def one(m: re.Match[str]) -> str:
        target = known.get(m[0]) or known.get(m[0].split("_", 1)[0])
        return m[0] if target is None else \
            f'<a class="seedref" href="{href("sources.html", seed_anchor(target))}">{m[0]}</a>'

    return _SEED_LIST.sub(lambda m: m[1] + _SEED_ID.sub(one, m[2]), text_html)


def link_refs(text_html: str, refs: Any, docs: set[str]) -> str:
    """``text_html`` with each reference's ``cite`` text linked to ``sources.html#ref-<doc_id>``
    (only documents ``sources.html`` lists)."""
    for ref in refs if isinstance(refs, list) else []:
        doc, cite = str(ref.get("doc_id", "")), esc(str(ref.get("cite", "")), quote=False)
        if doc in docs and cite and cite in text_html:
            target = href("sources.html", "ref-" + safe_id(doc))
            text_html = text_html.replace(cite, f'<a class="refref" href="{target}">{cite}</a>', 1)
    return text_html


def references_html(refs: "pd.DataFrame") -> str:
    """The reference documents, anchored ``ref-<doc_id>``, each with its figures (``ref-<ref_id>``)."""
    parts = ['<h2 id="references">Reference documents</h2>',
             "<p>Public documents (annual reports, results announcements, registries) whose "
             "figures the notebooks use beside the articles; each figure with its place in the "
             "document.</p>"]
    for doc_id, rows in refs.groupby("doc_id", sort=False):
        d = rows.iloc[0]
        url = str(d.get("url") or "")
        link = f' <a href="{esc(url)}">{esc(url)}</a>' if re.match(r"https?://", url) else ""
        cells = "".join(
            f'<tr id="ref-{safe_id(r.ref_id)}"><td class="mono">{esc(str(r.ref_id))}</td>'
            + "".join(f"<td>{esc(f'{r[c]:,.12g}' if c == 'value' else str(r[c]))}</td>" for c in
                      ("metric", "value", "unit", "period", "entity", "location", "note"))
            + "</tr>" for _, r in rows.iterrows())
        parts.append(
            f'<section class="refdoc" id="ref-{safe_id(doc_id)}"><h3>{esc(str(d.document))}</h3>'
            f"<p>{esc(str(d.publisher))}, published {esc(str(d.published))} "
            f"({esc(str(d.get('kind', '')))}).{link}</p>"
            "<table><tr><th>figure</th><th>metric</th><th>value</th><th>unit</th><th>period</th>"
            f"<th>entity</th><th>where in the document</th><th>note</th></tr>{cells}</table>"
            "</section>")
    return "\n".join(parts) if len(refs) else ""


# -- the sources page ---------------------------------------------------------------------------


class _Span(NamedTuple):
    kind: str  # claim | fact | event | flag
    ident: str
    start: int
    end: int
    label: str


def _spans(seed: "Seed") -> list[_Span]:
    out = [_Span("claim", c.entry.id, c.start, c.end, c.entry.gloss) for c in seed.claims]
    out += [_Span("fact", f.entry.id, f.start, f.end, f"{f.entry.metric} = "
                  f"{f'{f.entry.value:g} {f.entry.unit}'.strip()} ({f.entry.period}, {f.entry.entity})")
            for f in seed.facts]
    out += [_Span("event", e.entry.id, e.start, e.end, f"{e.entry.date} {e.entry.kind}: {e.entry.summary}")
            for e in seed.events]
    out += [_Span("flag", str(i), f.start, f.end, f"{f.entry.kind}: {f.entry.note}")
            for i, f in enumerate(seed.flags, 1)]
    return sorted(out, key=lambda s: (s.start, -s.end, s.kind, s.ident))


def _marked_text(seed: "Seed", text: str, spans: list[tuple[_Span, int, int]], view: str) -> str:
    """``text`` as HTML, each span marked, with an anchor at its start: its offsets in ``view``
    (``raw`` or ``text``) and, in the original, its curated id."""
    starts: dict[int, list[str]] = {}
    for span, s, e in spans:
        named = [span_anchor(seed.id, span.kind, span.ident)] if view == "raw" and span.kind != "flag" else []
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
    return "".join(parts)


def _seed_section(seed: "Seed", checksum: str, listed: str | None) -> str:
    m, sid, anchor = seed.metadata, seed.id, seed_anchor(seed.id)
    rows = [("seed id", sid), ("file", seed.path.name), ("characters", f"{len(seed.raw):,}"),
            ("SHA-256", checksum)] + ([] if listed is None else [("matches SHA256SUMS", "yes" if
                                       listed == checksum else f"NO (SHA256SUMS lists {listed})")])
    rows += [(k.replace("_", " "), ", ".join(map(str, v)) if isinstance(v, tuple) else str(v))
             for k, v in dataclasses.asdict(m).items() if v not in ("", None, ())]
    spans, ann, raw_spans, text_spans = _spans(seed), [], [], []
    for sp in spans:
        (ts, te), raw_id = seed.text_span(sp.start, sp.end), span_anchor(sid, "raw", (sp.start, sp.end))
        raw_spans.append((sp, sp.start, sp.end))
        text_spans += [(sp, ts, te)] if te > ts else []
        named = span_anchor(sid, sp.kind, sp.ident) if sp.kind != "flag" else raw_id
        ann.append([sp.kind, f'<a href="#{named}">{esc(sp.ident)}</a>', esc(sp.label),
                    esc(seed.raw[sp.start:sp.end]), f'<a href="#{raw_id}">{sp.start}-{sp.end}</a>',
                    f'<a href="#{span_anchor(sid, "text", (ts, te))}">{ts}-{te}</a>' if te > ts else "—"])
    lang, title = esc(seed.language or "und"), m.title_en or m.title or sid
    return "\n".join([
        f'<section class="seed" id="{anchor}"><a class="anc" id="seed-{safe_id(sid)}"></a>',
        f"<h2>Seed {esc(short(sid))}: {esc(title)}</h2>",
        f'<p class="muted" lang="{lang}">{esc(m.title)}</p>' if m.title and m.title != title else "",
        '<table class="meta">' + "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
        + f"</table>\n<h3>Annotated passages ({len(spans)})</h3>",
        _table(["kind", "id", "reading", "quote (original)", "offsets (original)", "offsets (cleaned)"], ann)
        if ann else "<p>No annotated passages (the seed has no annotation file or it lists none).</p>",
        f'<div class="columns"><div><h3 id="{anchor}-raw">Original text (<code>seed.raw</code>)</h3>'
        f'<pre class="seedtext" lang="{lang}">{_marked_text(seed, seed.raw, raw_spans, "raw")}</pre></div>',
        f'<div><h3 id="{anchor}-text">Cleaned reading text (<code>seed.text</code>)</h3>'
        f'<pre class="seedtext" lang="{lang}">{_marked_text(seed, seed.text, text_spans, "text")}</pre>'
        "</div></div></section>"])


def sources_body(corpus: "Corpus", checksums: dict[str, str], sums: dict[str, str] | None,
                 refs: "pd.DataFrame") -> str:
    """The body of ``sources.html``: the seeds table, reference documents, one section per seed."""
    rows = [[f'<a href="#{seed_anchor(s.id)}">{esc(short(s.id))}</a>', esc(s.metadata.title_en or
             s.metadata.title), esc(s.metadata.outlet), esc(s.metadata.date or "undated"),
             esc(", ".join(s.languages)), f"{len(s.raw):,}"] for s in corpus]
    return "\n".join([
        "<h1>Sources</h1>",
        f"<p>The case rests on {len(corpus)} source article(s), kept byte for byte as given, "
        "and on public reference documents. For each article: the annotators' metadata, the "
        "annotated passages, the original text (<code>seed.raw</code>) and the cleaned reading "
        "text (<code>seed.text</code>). Marked passages are claims, <mark class=\"k-fact\">facts"
        '</mark>, <mark class="k-event">events</mark> and <mark class="k-flag">flags</mark>; each '
        "has an anchor, e.g. <code>#s004-fact-&lt;id&gt;</code> or "
        "<code>#s004-raw-&lt;start&gt;-&lt;end&gt;</code> (character offsets into the original).</p>",
        _table(["seed", "title (English)", "outlet", "date", "languages", "characters"], rows),
        references_html(refs), *(_seed_section(s, checksums.get(s.id, ""), (sums or {}).get(s.id))
                                  for s in corpus)])


def annotation_targets(corpus: "Corpus") -> dict[str, str]:
    """Curated ids that are unique across the corpus, to their anchors in ``sources.html``."""
    seen: dict[str, list[str]] = {}
    for seed in corpus:
        for sp in _spans(seed):
            if sp.kind != "flag":
                seen.setdefault(sp.ident, []).append(span_anchor(seed.id, sp.kind, sp.ident))
    return {k: v[0] for k, v in seen.items() if len(v) == 1 and len(k) >= 8 and "-" in k}


# -- glossary ---------------------------------------------------------------------------------------

#: The fields of a glossary term (``reading`` may be "" for Latin-script terms).
GLOSSARY_FIELDS = ("term", "reading", "language", "english", "explanation")


def load_glossary(path: Path) -> list[dict[str, str]]:
    """The ``[[terms]]`` of a glossary file (fields :data:`GLOSSARY_FIELDS`, optional ``cite``)."""
    try:
        terms = tomllib.loads(path.read_text(encoding="utf-8")).get("terms")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CasestudyError(f"{path}: cannot read the glossary ({' '.join(str(exc).split())})") from None
    if not isinstance(terms, list) or not terms:
        raise CasestudyError(f"{path}: expected a list of [[terms]], found {type(terms).__name__}")
    for i, t in enumerate(terms, 1):
        for name in GLOSSARY_FIELDS + (("cite",) if "cite" in t else ()):
            if not isinstance(t.get(name), str) or not (t[name].strip() or name == "reading"):
                raise CasestudyError(f"{path} [terms #{i}] {name}: {t.get(name)!r}; expected a "
                                     "non-empty string")
    return terms


def glossary_body(terms: list[dict[str, str]], ids: set[str], warn: list[str]) -> str:
    """The glossary page; a ``cite`` not among ``ids`` (of sources.html) is warned about, unlinked."""
    rows = []
    for t in terms:
        cite = t.get("cite", "")
        if cite and cite not in ids:
            warn.append(f"glossary: the term {t['term']!r} cites {cite!r}, which sources.html "
                        "does not have")
        link = f'<a href="{href("sources.html", cite)}">source</a>' if cite in ids else ""
        rows.append(f'<tr id="term-{safe_id(t["term"])}"><td lang="{esc(t["language"])}">'
                    f'{esc(t["term"])}</td><td>{esc(t["reading"])}</td><td>{esc(t["language"])}</td>'
                    f'<td>{esc(t["english"])}</td><td>{esc(t["explanation"])} {link}</td></tr>')
    return ("<h1>Glossary</h1>\n<p>The sources' own terms in their own script, with a reading "
            "and their English sense.</p>\n<table class=\"glossary\"><tr><th>term</th>"
            "<th>reading</th><th>language</th><th>English</th><th>explanation</th></tr>"
            + "".join(rows) + "</table>")
