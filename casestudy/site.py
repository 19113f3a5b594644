"""The HTML casebook: ``casestudy build``.

Renders the executed notebooks (``casestudy run`` writes them to
``build/notebooks/``) to a static site that opens from ``file://`` with no
server and no network:

``OUTDIR/index.html``
    which editions have been built (links to each).
``OUTDIR/<edition>/index.html``
    the case's title, each notebook with a short abstract (the first paragraph
    of its first Markdown cell), every exhibit with its "Source:" line, the
    sources, and a footer recording the environment and the seed checksums the
    notebooks and the site were built from.
``OUTDIR/<edition>/<notebook>.html``
    one page per notebook: nbconvert's ``basic`` template (no scripts) inside a
    small page with inline CSS; images are embedded; every exhibit has an anchor
    (``#exhibit-1-3``) and every seed named in a "Source:" line links to its
    passage in ``sources.html``.
``OUTDIR/<edition>/sources.html``
    each seed's metadata, its original text (``seed.raw``) and its cleaned
    reading text (``seed.text``), with an anchor on each annotated passage:
    ``#seed-004`` (the seed), ``#s004-fact-<id>``, ``#s004-claim-<id>``,
    ``#s004-event-<id>`` (curated spans in the original), ``#s004-raw-<start>-<end>``
    (character offsets in the original) and ``#s004-text-<start>-<end>`` (offsets
    in the cleaned text).
``OUTDIR/<edition>/notebooks/*.ipynb``
    the edition's notebooks, runnable (``casestudy run`` or JupyterLab).
``OUTDIR/<edition>/fonts/``
    the bundled CJK font (with its license), used by the pages for Chinese and
    Japanese characters only, so the texts read the same on a machine without
    CJK fonts.

Editions: ``instructor`` keeps everything; ``student`` drops the cells tagged
``teaching-note`` or ``answer`` and clears the outputs of cells tagged
``exercise``.  The build is deterministic: the same notebooks and seeds give
byte-identical files (no dates, no random ids).
"""

from __future__ import annotations

import copy
import dataclasses
import html
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence
from urllib.parse import quote

from . import paths, provenance
from .errors import CasestudyError

if TYPE_CHECKING:
    from .corpus import Corpus
    from .seeds import Seed

__all__ = ["EDITIONS", "STUDENT_REMOVED_TAGS", "STUDENT_CLEARED_TAGS", "SiteError", "Exhibit",
           "PageInfo", "SiteResult", "edition_notebook", "executed_notebooks", "build_site",
           "seed_anchor", "span_anchor"]

EDITIONS = ("instructor", "student")
#: Cells with any of these tags are left out of the student edition.
STUDENT_REMOVED_TAGS = ("teaching-note", "answer")
#: Cells with any of these tags keep their code but lose their outputs in the student edition.
STUDENT_CLEARED_TAGS = ("exercise",)

_MARKER = "build-info.json"  # written into every edition folder; marks it as ours to replace
_GENERATOR = "casestudy build"


class SiteError(CasestudyError):
    """The site cannot be built (no executed notebooks, an output folder that is not ours)."""


# -- editions -----------------------------------------------------------------


def _tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []) or [])


def edition_notebook(nb: Any, edition: str) -> Any:
    """A copy of ``nb`` as the ``edition`` shows it (see the module docstring)."""
    if edition not in EDITIONS:
        raise SiteError(f"unknown edition {edition!r}; expected one of: {', '.join(EDITIONS)}")
    out = copy.deepcopy(nb)
    if edition == "instructor":
        return out
    cells = []
    for cell in out.cells:
        tags = _tags(cell)
        if tags & set(STUDENT_REMOVED_TAGS):
            continue
        if tags & set(STUDENT_CLEARED_TAGS) and cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    out.cells = cells
    return out


def executed_notebooks(folder: Path) -> list[Path]:
    """The executed notebooks in ``folder``: ``*.ipynb``, without hidden and ``.failed`` files."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.ipynb")
                  if not p.name.startswith(".") and not p.name.endswith(".failed.ipynb"))


# -- anchors --------------------------------------------------------------------


def _short(seed_id: str) -> str:
    head = seed_id.split("_", 1)[0]
    return head if head.isdigit() else seed_id


def seed_anchor(seed_id: str) -> str:
    """The id of a seed's section in ``sources.html``: ``seed-004``."""
    return f"seed-{_short(seed_id)}"


def _prefix(seed_id: str) -> str:
    short = _short(seed_id)
    return f"s{short}" if short.isdigit() else f"s-{short}"


def _clean_id(text: str) -> str:
    return re.sub(r"\s+", "-", text.strip())


def span_anchor(seed_id: str, kind: str, ident: str | tuple[int, int]) -> str:
    """The id of an annotated span: ``s004-fact-<id>`` or ``s004-raw-<start>-<end>``
    (``kind`` ``raw`` or ``text`` with a ``(start, end)`` pair)."""
    if isinstance(ident, tuple):
        return f"{_prefix(seed_id)}-{kind}-{ident[0]}-{ident[1]}"
    return f"{_prefix(seed_id)}-{kind}-{_clean_id(ident)}"


def _href(page: str, anchor: str = "") -> str:
    return html.escape(page + ("#" + quote(anchor, safe="-_.~") if anchor else ""))


# -- page frame -----------------------------------------------------------------

_CJK_RANGES = ("U+2E80-2FDF, U+3000-303F, U+3040-30FF, U+3100-31FF, U+3400-4DBF, U+4E00-9FFF, "
               "U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF")

_CSS = """
@font-face { font-family: "Casebook CJK Sans"; src: url("fonts/CasebookCJKSans-Regular.otf")
  format("opentype"); unicode-range: %(ranges)s; }
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --accent: #0b5cad; --mark: #fff1b8;
  --bg-code: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font-family: "Casebook CJK Sans", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
  Arial, "Noto Sans", "Noto Sans CJK JP", "Hiragino Sans", "Microsoft YaHei", sans-serif; }
header.site { background: #16324f; color: #fff; padding: .6rem 1.5rem; }
header.site a { color: #fff; margin-right: 1.1rem; text-decoration: none; }
header.site a:hover { text-decoration: underline; }
header.site .edition { float: right; opacity: .85; font-size: .9rem; }
main { max-width: 1180px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
footer.site { max-width: 1180px; margin: 0 auto; padding: 1rem 1.5rem 3rem; color: var(--muted);
  font-size: .85rem; border-top: 1px solid var(--rule); }
a { color: var(--accent); }
h1, h2, h3, h4 { line-height: 1.25; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid var(--rule); padding: .3rem .5rem; vertical-align: top; text-align: left; }
th { background: #f1f3f6; }
code, pre, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, "Casebook CJK Sans", monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.abstract { margin: .2rem 0 1rem; }
.muted { color: var(--muted); }
.notebooks li { margin-bottom: .9rem; }
/* notebook pages (nbconvert "basic" template) */
.cell { margin: .6rem 0; }
.prompt { color: var(--muted); font-family: monospace; font-size: .75rem; min-width: 5.5rem;
  padding-top: .4rem; }
.input, .output_area { display: flex; gap: .5rem; }
.inner_cell, .output_subarea { flex: 1; min-width: 0; overflow-x: auto; }
.text_cell .prompt { display: none; }
.input_area { background: var(--bg-code); border: 1px solid var(--rule); border-radius: 4px;
  padding: .1rem .6rem; font-size: .85rem; }
.input_area pre { margin: .3rem 0; }
.output_subarea pre { margin: .3rem 0; font-size: .85rem; }
.output_stderr pre { background: #fdecea; }
.output_error pre { background: #fdecea; }
.output_png img, .output_jpeg img { max-width: 100%%; height: auto; }
.rendered_html table { font-size: .82rem; }
.anchor-link { visibility: hidden; margin-left: .3rem; text-decoration: none; }
h1:hover .anchor-link, h2:hover .anchor-link, h3:hover .anchor-link { visibility: visible; }
.celltag_teaching-note, .celltag_answer { border-left: 4px solid #b35c00; padding-left: .8rem;
  background: #fff8ef; }
.celltag_teaching-note::before, .celltag_answer::before { content: "Instructor only";
  font-size: .75rem; color: #b35c00; text-transform: uppercase; letter-spacing: .05em; }
a.seedref { text-decoration: underline dotted; }
/* sources page */
.seedtext { border: 1px solid var(--rule); border-radius: 4px; padding: .8rem; background: #fcfcfd;
  font-family: "Casebook CJK Sans", system-ui, "Noto Sans", sans-serif; font-size: .92rem;
  max-height: 40rem; overflow-y: auto; }
mark { background: var(--mark); padding: 0; }
mark.k-fact { background: #d9f0ff; }
mark.k-event { background: #e3f7dc; }
mark.k-flag { background: #fde2e1; }
a.anc:target::before { content: "\\25B6"; color: #c62828; }
section.seed { border-top: 2px solid var(--rule); margin-top: 2rem; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
@media (max-width: 900px) { .columns { grid-template-columns: 1fr; } }
""" % {"ranges": _CJK_RANGES}


def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".highlight")


def _page(title: str, body: str, edition: str, nav: Sequence[tuple[str, str]], footer: str = "",
          extra_css: str = "") -> str:
    links = "".join(f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for label, href in nav)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{_GENERATOR}">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>{_CSS}{extra_css}</style>\n</head>\n<body>\n"
        f'<header class="site"><span class="edition">{html.escape(edition)} edition</span>'
        f"{links}</header>\n<main>\n{body}\n</main>\n"
        + (f'<footer class="site">\n{footer}\n</footer>\n' if footer else "")
        + "</body>\n</html>\n")


# -- reading notebooks ------------------------------------------------------------


@dataclass
class Exhibit:
    """An exhibit found in a notebook page: a titled table, a titled heading, or a figure."""

    notebook: str
    anchor: str
    number: str  # "1.3", "000.a"; "" for a figure (its title is drawn inside the image)
    title: str
    source: str = ""  # the "Source: ..." text, as shown
    source_html: str = ""  # the same, with its seeds linked
    kind: str = "table"  # table | heading | text | figure


@dataclass
class PageInfo:
    """One notebook of the site."""

    stem: str
    title: str
    abstract_html: str
    exhibits: list[Exhibit] = field(default_factory=list)
    record: dict[str, Any] | None = None
    cells_removed: int = 0
    outputs_cleared: int = 0


@dataclass
class SiteResult:
    """What ``build_site`` wrote."""

    edition: str
    folder: Path
    pages: list[PageInfo]
    warnings: list[str] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


def _markdown_html(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text).strip()


def _title_and_abstract(nb: Any, stem: str) -> tuple[str, str]:
    """The first heading of the first Markdown cell, and that cell's first paragraph."""
    first = next((c for c in nb.cells if c.cell_type == "markdown" and c.source.strip()), None)
    if first is None:
        return stem, ""
    title = stem
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", first.source) if p.strip()]
    body = []
    for p in paragraphs:
        m = re.match(r"#+\s+(.*)", p)
        if m and "\n" not in p:
            if title == stem:
                title = m.group(1).strip()
            continue
        body.append(p)
    return title, _markdown_html(body[0]) if body else ""


def _strip_tags(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", "", fragment)
    return " ".join(html.unescape(text).replace("¶", "").split())


_ID = r"\d{3}(?:_[0-9a-f]{16})?"
_SEED_LIST = re.compile(rf"(\bseeds?\s+)({_ID}(?:(?:\s*[,;&]\s*|\s+and\s+)(?:seeds?\s+)?{_ID})*)",
                        re.IGNORECASE)
_SEED_ID = re.compile(rf"(?<![\w-]){_ID}(?![\w-])")


def _link_seeds(text_html: str, known: dict[str, str], page: str = "sources.html") -> str:
    """``text_html`` with each seed named after "seed"/"seeds" linked to its section."""

    def one(m: re.Match[str]) -> str:
        ident = m.group(0)
        target = known.get(ident) or known.get(ident.split("_", 1)[0])
        if target is None:
            return ident
        return f'<a class="seedref" href="{_href(page, seed_anchor(target))}">{ident}</a>'

    def run(m: re.Match[str]) -> str:
        return m.group(1) + _SEED_ID.sub(one, m.group(2))

    return _SEED_LIST.sub(run, text_html)


_EXHIBIT_TEXT = re.compile(r"^\s*Exhibit\s+([0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)\.?\s+(.+)$", re.DOTALL)
_TOKENS = re.compile(
    r"(?P<heading><h(?P<level>[1-6])(?P<hattrs>[^>]*)>(?P<htext>.*?)</h(?P=level)>)"
    r"|(?P<figure><div class=\"output_(?:png|jpeg|svg) output_subarea)"
    r"|(?P<pre><pre>(?P<pretext>.*?)</pre>)"
    r"|(?P<source>\bSources?:[^<\n]*)"
    r"|(?P<input><div class=\"input_area\">(?P<code>.*?)</div>\s*</div>)",
    re.DOTALL)


_BLOCK_START = re.compile(r"<(?:p|em|i|small|span|div|figcaption)\b[^>]*>\s*\Z")


def _inside_tag(body: str, pos: int) -> bool:
    return body.rfind("<", 0, pos) > body.rfind(">", 0, pos)


def _annotate_page(stem: str, body: str, known: dict[str, str],
                   fact_ids: dict[str, str]) -> tuple[str, list[Exhibit]]:
    """Add exhibit and figure anchors and seed links to a rendered notebook body; list its exhibits."""
    exhibits: list[Exhibit] = []
    used: dict[str, int] = {}
    inserts: list[tuple[int, int, str]] = []  # (start, end, replacement)
    section = ""
    last_code = ""
    figures = 0
    pending: Exhibit | None = None

    def anchor_for(base: str) -> str:
        used[base] = used.get(base, 0) + 1
        return base if used[base] == 1 else f"{base}-{used[base]}"

    for m in _TOKENS.finditer(body):
        if m.group("heading"):
            text = _strip_tags(m.group("htext"))
            em = _EXHIBIT_TEXT.match(text)
            if em:
                number, title = em.group(1), em.group(2).strip()
                anchor = anchor_for("exhibit-" + number.replace(".", "-"))
                kind = "heading" if "id=" in m.group("hattrs") else "table"
                pending = Exhibit(stem, anchor, number, title, kind=kind)
                exhibits.append(pending)
                inserts.append((m.start(), m.start(), f'<a class="exhibit-anchor" id="{anchor}"></a>'))
            elif int(m.group("level")) <= 3:
                section = text
        elif m.group("figure"):
            figures += 1
            # an image whose alt text (output metadata) is an exhibit title is listed by it
            end = body.find("</div>", m.end())
            alt = re.search(r'<img\b[^>]*?\balt="([^"]*)"', body[m.end():end if end > 0 else None])
            em = _EXHIBIT_TEXT.match(html.unescape(alt.group(1))) if alt else None
            source = ""
            if em:
                number, title = em.group(1), em.group(2).strip()
                # casestudy.plotting stores "title Source: ... Note: ..." as alt text
                title, _, rest = title.partition(" Source: ")
                source = ("Source: " + rest.split(" Note: ", 1)[0]) if rest else ""
                anchor = anchor_for("exhibit-" + number.replace(".", "-"))
            else:
                number, title = "", f"Figure {figures}" + (f" in “{section}”" if section else "")
                if last_code:
                    title += f" ({last_code})"
                anchor = anchor_for(f"figure-{figures}")
            exhibits.append(Exhibit(stem, anchor, number, title, source=source,
                                    source_html=_link_seeds(html.escape(source, quote=False), known)
                                    if source else "", kind="figure"))
            pending = None
            inserts.append((m.start(), m.start(), f'<a class="exhibit-anchor" id="{anchor}"></a>'))
        elif m.group("input"):
            lines = [ln for ln in _strip_tags_lines(m.group("code")) if ln.strip()]
            last_code = lines[-1].strip() if lines and len(lines[-1].strip()) <= 80 else ""
        elif m.group("pre"):
            # plain-text outputs: "Exhibit N. title" lines and "Source:" lines
            raw = m.group("pretext")
            for line in html.unescape(re.sub(r"<[^>]+>", "", raw)).splitlines():
                em = _EXHIBIT_TEXT.match(line)
                if em and not line.startswith(" "):
                    anchor = anchor_for("exhibit-" + em.group(1).replace(".", "-"))
                    pending = Exhibit(stem, anchor, em.group(1), em.group(2).strip(), kind="text")
                    exhibits.append(pending)
                    inserts.append((m.start(), m.start(),
                                    f'<a class="exhibit-anchor" id="{anchor}"></a>'))
                elif line.startswith(("Source:", "Sources:")) and pending and not pending.source:
                    pending.source = line.strip()
                    pending.source_html = _link_seeds(html.escape(line.strip(), quote=False), known)
            new = re.sub(r"(?m)^Sources?:[^\n<]*", lambda s: _link_seeds(s.group(0), known), raw)
            if new != raw:
                start = m.start("pretext")
                inserts.append((start, start + len(raw), new))
        elif m.group("source"):
            if _inside_tag(body, m.start()):
                continue
            seg = m.group("source")
            linked = _link_seeds(seg, known)
            # an exhibit's own source line starts a paragraph (not a table cell)
            own_line = _BLOCK_START.search(body, max(0, m.start() - 200), m.start()) is not None
            if pending is not None and not pending.source and own_line:
                pending.source = _strip_tags(seg)
                pending.source_html = linked
            if linked != seg:
                inserts.append((m.start(), m.end(), linked))
    # fact, claim and event ids named in a table cell link to their passage
    if fact_ids:
        names = re.compile(r"(?<![\w-])(" + "|".join(
            re.escape(k) for k in sorted(fact_ids, key=len, reverse=True)) + r")(?![\w-])")

        def link(m: re.Match[str]) -> str:
            return f'<a href="{_href("sources.html", fact_ids[m.group(1)])}">{m.group(1)}</a>'

        for m in re.finditer(r"<td>([^<>]{1,2000})</td>", body):
            linked = names.sub(link, m.group(1))
            if linked != m.group(1):
                inserts.append((m.start(1), m.end(1), linked))
    out = body
    floor = len(body) + 1  # start of the leftmost edit applied so far
    for start, end, text in sorted(inserts, key=lambda t: (t[0], t[1]), reverse=True):
        if end > floor:  # overlaps an edit already made (e.g. a source line in a table cell)
            continue
        out = out[:start] + text + out[end:]
        floor = start
    return out, exhibits


def _strip_tags_lines(fragment: str) -> list[str]:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).splitlines()


def _with_alt_text(nb: Any) -> Any:
    """A copy of ``nb`` whose images have alt text (the code that drew them): nbconvert uses
    ``output.metadata[mime]["alt"]``; the title of a figure is drawn inside the image."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type != "code":
            continue
        lines = [ln.strip() for ln in cell.source.splitlines() if ln.strip()]
        code = lines[-1] if lines else ""
        for output in cell.get("outputs", []):
            for mime in ("image/png", "image/jpeg", "image/svg+xml"):
                if mime in output.get("data", {}):
                    meta = output.setdefault("metadata", {}).setdefault(mime, {})
                    meta.setdefault("alt", f"Figure drawn by: {code}"[:200] if code else "Figure")
    return out


_CDN_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>",
                         re.IGNORECASE)
_CDN_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.IGNORECASE)


def _strip_cdn(body: str) -> tuple[str, int]:
    body, n1 = _CDN_SCRIPT.subn("", body)
    body, n2 = _CDN_LINK.subn("", body)
    return body, n1 + n2


# -- sources page ------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    kind: str  # claim | fact | event | flag
    ident: str
    start: int
    end: int
    label: str


def _spans(seed: "Seed") -> list[_Span]:
    out = []
    for loc in seed.claims:
        c: Any = loc.entry
        out.append(_Span("claim", c.id, loc.start, loc.end, c.gloss))
    for loc in seed.facts:
        f: Any = loc.entry
        value = f"{f.value:g} {f.unit}".strip()
        out.append(_Span("fact", f.id, loc.start, loc.end,
                         f"{f.metric} = {value} ({f.period}, {f.entity})"))
    for loc in seed.events:
        e: Any = loc.entry
        out.append(_Span("event", e.id, loc.start, loc.end, f"{e.date} {e.kind}: {e.summary}"))
    for i, loc in enumerate(seed.flags):
        g: Any = loc.entry
        out.append(_Span("flag", str(i + 1), loc.start, loc.end, f"{g.kind}: {g.note}"))
    return sorted(out, key=lambda s: (s.start, -s.end, s.kind, s.ident))


def _marked_text(seed: "Seed", text: str, spans: list[tuple[_Span, int, int]], view: str) -> str:
    """``text`` as HTML with an anchor at each span's start and the covered text marked."""
    bounds = sorted({0, len(text)} | {b for _, s, e in spans for b in (s, e)})
    starts: dict[int, list[str]] = {}
    seen: set[str] = set()
    for span, s, e in spans:
        ids = [span_anchor(seed.id, view, (s, e))]
        if view == "raw" and span.kind != "flag":
            ids.insert(0, span_anchor(seed.id, span.kind, span.ident))
        for ident in ids:
            if ident not in seen:
                seen.add(ident)
                starts.setdefault(s, []).append(ident)
    parts = []
    for a, b in zip(bounds, bounds[1:]):
        for ident in starts.get(a, []):
            parts.append(f'<a class="anc" id="{html.escape(ident)}"></a>')
        piece = html.escape(text[a:b], quote=False)
        cover = [sp for sp, s, e in spans if s <= a and b <= e and s < e]
        if cover:
            kinds = " ".join(sorted({f"k-{sp.kind}" for sp in cover}))
            tip = html.escape("; ".join(f"{sp.kind} {sp.ident}" for sp in cover))
            parts.append(f'<mark class="{kinds}" title="{tip}">{piece}</mark>')
        else:
            parts.append(piece)
    for ident in starts.get(len(text), []):
        parts.append(f'<a class="anc" id="{html.escape(ident)}"></a>')
    return "".join(parts)


def _sources_body(corpus: "Corpus", checksums: dict[str, str],
                  sums: dict[str, str] | None) -> str:
    rows = []
    for seed in corpus:
        m = seed.metadata
        rows.append(
            f'<tr><td><a href="#{seed_anchor(seed.id)}">{html.escape(_short(seed.id))}</a></td>'
            f"<td>{html.escape(m.title_en or m.title)}</td><td>{html.escape(m.outlet)}</td>"
            f"<td>{html.escape(m.date or 'undated')}</td><td>{html.escape(', '.join(seed.languages))}"
            f"</td><td>{len(seed.raw):,}</td></tr>")
    parts = [
        "<h1>Sources</h1>",
        f"<p>The case rests on {len(corpus)} source article(s), kept byte for byte as given. For "
        "each: the annotators' metadata, the annotated passages, the original text "
        "(<code>seed.raw</code>) and the cleaned reading text (<code>seed.text</code>: corrections "
        "applied, boilerplate removed, broken lines joined). Marked passages are claims, "
        '<mark class="k-fact">facts</mark>, <mark class="k-event">events</mark> and '
        '<mark class="k-flag">flags</mark>; each has an anchor, e.g. '
        "<code>#s004-fact-&lt;id&gt;</code> or <code>#s004-raw-&lt;start&gt;-&lt;end&gt;</code> "
        "(character offsets into the original).</p>",
        "<table><tr><th>seed</th><th>title (English)</th><th>outlet</th><th>date</th>"
        "<th>languages</th><th>characters</th></tr>" + "".join(rows) + "</table>",
    ]
    for seed in corpus:
        parts.append(_seed_section(seed, checksums.get(seed.id, ""),
                                   None if sums is None else sums.get(seed.id)))
    return "\n".join(parts)


def _seed_section(seed: "Seed", checksum: str, listed: str | None) -> str:
    m = seed.metadata
    sid = seed.id
    meta_rows = [("seed id", sid), ("file", seed.path.name), ("characters", f"{len(seed.raw):,}"),
                 ("SHA-256", checksum)]
    if listed is not None:
        meta_rows.append(("matches SHA256SUMS", "yes" if listed == checksum else
                          f"NO (SHA256SUMS lists {listed})"))
    for f in dataclasses.fields(m):
        value = getattr(m, f.name)
        if isinstance(value, (tuple, list)):
            value = ", ".join(map(str, value))
        if value in ("", None):
            continue
        meta_rows.append((f.name.replace("_", " "), str(value)))
    meta = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in meta_rows)
    spans = _spans(seed)
    ann_rows = []
    raw_spans = []
    text_spans = []
    for sp in spans:
        ts, te = seed.text_span(sp.start, sp.end)
        raw_spans.append((sp, sp.start, sp.end))
        if te > ts:
            text_spans.append((sp, ts, te))
        named = span_anchor(sid, sp.kind, sp.ident) if sp.kind != "flag" else \
            span_anchor(sid, "raw", (sp.start, sp.end))
        text_link = (f'<a href="#{html.escape(span_anchor(sid, "text", (ts, te)))}">'
                     f"{ts}-{te}</a>" if te > ts else "—")
        ann_rows.append(
            f"<tr><td>{sp.kind}</td><td class=\"mono\">"
            f'<a href="#{html.escape(named)}">{html.escape(sp.ident)}</a></td>'
            f"<td>{html.escape(sp.label)}</td><td>{html.escape(seed.raw[sp.start:sp.end])}</td>"
            f'<td><a href="#{html.escape(span_anchor(sid, "raw", (sp.start, sp.end)))}">'
            f"{sp.start}-{sp.end}</a></td><td>{text_link}</td></tr>")
    lang = html.escape(seed.language or "und")
    title = m.title_en or m.title or sid
    return "\n".join([
        f'<section class="seed" id="{seed_anchor(sid)}"><a class="anc" id="{html.escape("seed-" + sid)}"></a>',
        f"<h2>Seed {html.escape(_short(sid))}: {html.escape(title)}</h2>",
        f'<p class="muted" lang="{lang}">{html.escape(m.title)}</p>' if m.title and m.title != title
        else "",
        f"<table class=\"meta\">{meta}</table>",
        f"<h3>Annotated passages ({len(spans)})</h3>",
        ("<table><tr><th>kind</th><th>id</th><th>reading</th><th>quote (original)</th>"
         "<th>offsets (original)</th><th>offsets (cleaned)</th></tr>" + "".join(ann_rows) +
         "</table>") if ann_rows else "<p>No annotated passages (the seed has no annotation file "
                                      "or it lists none).</p>",
        '<div class="columns">',
        f'<div><h3 id="{seed_anchor(sid)}-raw">Original text (<code>seed.raw</code>)</h3>'
        f'<pre class="seedtext" lang="{lang}">{_marked_text(seed, seed.raw, raw_spans, "raw")}</pre></div>',
        f'<div><h3 id="{seed_anchor(sid)}-text">Cleaned reading text (<code>seed.text</code>)</h3>'
        f'<pre class="seedtext" lang="{lang}">{_marked_text(seed, seed.text, text_spans, "text")}'
        "</pre></div>",
        "</div>",
        "</section>",
    ])


def _annotation_targets(corpus: "Corpus") -> dict[str, str]:
    """Curated ids that are unique across the corpus, to their anchors in ``sources.html``."""
    seen: dict[str, list[str]] = {}
    for seed in corpus:
        for sp in _spans(seed):
            if sp.kind != "flag":
                seen.setdefault(sp.ident, []).append(span_anchor(seed.id, sp.kind, sp.ident))
    return {k: v[0] for k, v in seen.items() if len(v) == 1 and len(k) >= 8 and "-" in k}


# -- index --------------------------------------------------------------------------


def _record_table(pages: list[PageInfo], site_record: dict[str, Any]) -> str:
    """The footer: environment and seed checksums of the site build and of each notebook run."""
    recorded = [p for p in pages if p.record]
    missing = [p.stem for p in pages if not p.record]
    env_keys = list(site_record["environment"])
    for p in recorded:
        for k in p.record.get("environment", {}):  # type: ignore[union-attr]
            if k not in env_keys:
                env_keys.append(k)

    def run_value(key: str, section: str) -> str:
        values: dict[str, list[str]] = {}
        for p in recorded:
            v = p.record.get(section, {}).get(key)  # type: ignore[union-attr]
            values.setdefault("—" if v is None else str(v), []).append(p.stem)
        if not values:
            return "not recorded"
        if len(values) == 1:
            return html.escape(next(iter(values)))
        return "<br>".join(f"{html.escape(v)} ({', '.join(stems)})" for v, stems in values.items())

    env_rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(site_record['environment'].get(k, '—')))}"
        f"</td><td>{run_value(k, 'environment')}</td></tr>" for k in env_keys)
    seed_keys = sorted(set(site_record["seeds"]) | {k for p in recorded
                                                    for k in p.record.get("seeds", {})})  # type: ignore[union-attr]
    seed_rows = []
    for k in seed_keys:
        site_sum = site_record["seeds"].get(k, "—")
        run = run_value(k, "seeds")
        same = run == html.escape(site_sum)
        seed_rows.append(
            f'<tr><th><a href="{_href("sources.html", seed_anchor(k))}">{html.escape(k)}</a></th>'
            f'<td class="mono">{html.escape(site_sum)}</td>'
            f'<td class="mono">{"same" if same else run}</td></tr>')
    note = (f"<p>Not recorded for: {html.escape(', '.join(missing))} (executed before run "
            "records existed, or not by <code>casestudy run</code>).</p>" if missing else "")
    match = site_record.get("seeds_match_sha256sums")
    sums = ("" if match is None else
            f"<p>The seeds {'match' if match else 'do NOT match'} <code>seeds/SHA256SUMS</code>.</p>")
    return (
        "<h2>What this was built from</h2>\n"
        f"<p>Notebooks executed by <code>casestudy run</code> record their environment and the "
        f"checksums of the seeds they read (notebook metadata <code>casestudy</code>); the site "
        f"records its own build. {len(recorded)} of {len(pages)} notebook(s) carry a record.</p>"
        f"{note}{sums}\n"
        "<table><tr><th>package</th><th>site build</th><th>notebook runs</th></tr>"
        f"{env_rows}</table>\n"
        "<table><tr><th>seed</th><th>SHA-256 (site build)</th><th>notebook runs</th></tr>"
        f"{''.join(seed_rows)}</table>")


def _index_body(case_title: str, edition: str, pages: list[PageInfo], corpus: "Corpus",
                known: dict[str, str]) -> str:
    other = [e for e in EDITIONS if e != edition]
    intro = ("<p>The instructor edition: every cell, including teaching notes and model answers."
             "</p>" if edition == "instructor" else
             "<p>The student edition: teaching notes and model answers are left out, and the "
             "outputs of exercise cells are cleared.</p>")
    items = []
    for p in pages:
        n_ex = sum(1 for e in p.exhibits if e.kind != "figure")
        n_fig = sum(1 for e in p.exhibits if e.kind == "figure")
        items.append(
            f'<li><a href="{_href(p.stem + ".html")}"><strong>{html.escape(p.title)}</strong></a> '
            f'<span class="muted">({n_ex} exhibit(s), {n_fig} figure(s); '
            f'<a href="{_href("notebooks/" + p.stem + ".ipynb")}">notebook</a>)</span>'
            f'<div class="abstract">{p.abstract_html}</div></li>')
    ex_rows = []
    for p in pages:
        for e in p.exhibits:
            label = f"Exhibit {e.number}" if e.number else "Figure"
            source = e.source_html or html.escape(e.source) or (
                '<span class="muted">in the figure</span>' if e.kind == "figure" else "—")
            ex_rows.append(
                f'<tr><td><a href="{_href(p.stem + ".html", e.anchor)}">{html.escape(label)}</a></td>'
                f"<td>{html.escape(e.title)}</td><td>{html.escape(p.stem)}</td>"
                f"<td>{source}</td></tr>")
    src_rows = "".join(
        f'<tr><td><a href="{_href("sources.html", seed_anchor(s.id))}">{html.escape(_short(s.id))}</a></td>'
        f"<td>{html.escape(s.metadata.title_en or s.metadata.title)}</td>"
        f"<td>{html.escape(s.metadata.date or 'undated')}</td>"
        f"<td>{html.escape(', '.join(s.languages))}</td></tr>" for s in corpus)
    return "\n".join([
        f"<h1>{html.escape(case_title)}</h1>",
        intro,
        f'<p class="muted">Other editions: <a href="../index.html">all editions built here</a> '
        f"({', '.join(html.escape(o) for o in other)}).</p>",
        "<h2>Notebooks</h2>",
        f'<ol class="notebooks">{"".join(items)}</ol>',
        "<h2>Exhibits</h2>",
        "<p>Every table exhibit with its source line (seeds link to their text); figures carry "
        "their title and source line inside the image.</p>",
        "<table><tr><th>exhibit</th><th>title</th><th>notebook</th><th>source</th></tr>"
        + "".join(ex_rows) + "</table>",
        "<h2>Sources</h2>",
        '<p>The articles, with metadata, annotations, original and cleaned text: '
        '<a href="sources.html">sources.html</a>.</p>',
        "<table><tr><th>seed</th><th>title (English)</th><th>date</th><th>languages</th></tr>"
        + src_rows + "</table>",
    ])


# -- build ----------------------------------------------------------------------------


def _prepare_folder(folder: Path) -> None:
    if folder.exists():
        if not folder.is_dir():
            raise SiteError(f"{folder}: exists and is not a folder; choose another output with -o")
        if any(folder.iterdir()) and not (folder / _MARKER).is_file():
            raise SiteError(f"{folder}: the folder is not empty and was not written by "
                            f"casestudy build (no {_MARKER}); choose another output with -o")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    # marks the folder as ours at once, so an interrupted build can be replaced next time
    _write(folder / _MARKER, json.dumps({"generator": _GENERATOR, "complete": False}) + "\n")


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def _editions_index(outdir: Path, case_title: str) -> None:
    """``outdir/index.html``: links to the editions built there (never over a page of others)."""
    target = outdir / "index.html"
    if target.exists() and f'content="{_GENERATOR}"' not in target.read_text(
            encoding="utf-8", errors="replace"):
        return
    present = [e for e in EDITIONS if (outdir / e / "index.html").is_file()]
    items = "".join(f'<li><a href="{e}/index.html">{e.capitalize()} edition</a></li>'
                    for e in present)
    body = (f"<h1>{html.escape(case_title)}</h1>\n<p>Editions built in this folder:</p>\n"
            f"<ul>{items}</ul>\n<p class=\"muted\">The student edition leaves out teaching notes "
            "and model answers and clears the outputs of exercises.</p>")
    _write(target, _page(case_title, body, "all", [("Editions", "index.html")]))


def build_site(notebooks_dir: str | Path = "build/notebooks", outdir: str | Path = "build/site",
               edition: str = "instructor", seeds_dir: str | Path | None = None,
               progress: Callable[[str], None] | None = None) -> SiteResult:
    """Render the executed notebooks in ``notebooks_dir`` as the ``edition`` of the site.

    Writes ``outdir/<edition>/`` (replacing an earlier build there) and
    ``outdir/index.html``.  Raises :class:`SiteError` if ``notebooks_dir`` holds no
    executed notebooks (run ``casestudy run`` first).
    """
    import nbformat
    from nbconvert import HTMLExporter

    from .corpus import load_corpus

    say = progress or (lambda line: None)
    if edition not in EDITIONS:
        raise SiteError(f"unknown edition {edition!r}; expected one of: {', '.join(EDITIONS)}")
    nb_dir = Path(notebooks_dir)
    sources = executed_notebooks(nb_dir)
    if not sources:
        where = "does not exist" if not nb_dir.exists() else "holds no executed notebooks"
        raise SiteError(f"{nb_dir}: {where}; run `casestudy run` first (it executes the notebooks "
                        f"into build/notebooks/), or name the folder with --notebooks-dir")
    warnings = []
    for failed in sorted(nb_dir.glob("*.failed.ipynb")):
        warnings.append(f"{failed.name}: the last run of this notebook failed; the site shows "
                        + ("the earlier successful run" if (nb_dir / failed.name.replace(
                            ".failed.ipynb", ".ipynb")).exists() else "no page for it"))
    corpus = load_corpus(seeds_dir)
    known = {}
    for s in corpus:
        known[s.id] = s.id
        known.setdefault(_short(s.id), s.id)
    targets = _annotation_targets(corpus)
    site_record = provenance.record(seeds_dir)

    outdir = Path(outdir)
    folder = outdir / edition
    _prepare_folder(folder)
    (folder / "notebooks").mkdir()
    (folder / "fonts").mkdir()
    for name in ("CasebookCJKSans-Regular.otf", "OFL.txt"):
        src = paths.PACKAGE_DIR / "fonts" / name
        if src.is_file():
            shutil.copyfile(src, folder / "fonts" / name)

    exporter = HTMLExporter(template_name="basic", embed_images=True)
    code_css = _pygments_css()
    pages: list[PageInfo] = []
    bodies: list[str] = []
    for path in sources:
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error":
                        warnings.append(f"{path.name}: a cell shows an error ({out.get('ename')})")
        before = len(nb.cells)
        cleared = sum(1 for c in nb.cells if c.cell_type == "code" and c.get("outputs")
                      and _tags(c) & set(STUDENT_CLEARED_TAGS)) if edition == "student" else 0
        ed = edition_notebook(nb, edition)
        nbformat.write(ed, str(folder / "notebooks" / path.name))
        title, abstract = _title_and_abstract(ed, path.stem)
        body, _ = exporter.from_notebook_node(_with_alt_text(ed))
        body, stripped = _strip_cdn(body)
        if stripped:
            warnings.append(f"{path.name}: removed {stripped} script or link tag(s) that load from "
                            "the network")
        body, exhibits = _annotate_page(path.stem, body, known, targets)
        record = nb.metadata.get("casestudy")
        pages.append(PageInfo(path.stem, title, abstract, exhibits,
                              dict(record) if isinstance(record, dict) else None,
                              before - len(ed.cells), cleared))
        bodies.append(body)
        say(f"rendered {path.name}: {len(exhibits)} exhibit(s) and figure(s)")

    case_title = pages[0].title.split(" · ")[0].strip() if pages else "The casebook"
    nav_base = [("Casebook", "index.html")] + [(p.stem, f"{p.stem}.html") for p in pages] + \
        [("Sources", "sources.html")]
    for i, (p, body) in enumerate(zip(pages, bodies)):
        prev_next = []
        if i > 0:
            prev_next.append(f'<a href="{_href(pages[i - 1].stem + ".html")}">← {html.escape(pages[i - 1].title)}</a>')
        if i + 1 < len(pages):
            prev_next.append(f'<a href="{_href(pages[i + 1].stem + ".html")}">{html.escape(pages[i + 1].title)} →</a>')
        env = (p.record or {}).get("environment", {})
        if p.record:
            ran = (f"run with Python {html.escape(str(env.get('python', '?')))} and casestudy "
                   f"{html.escape(str(env.get('casestudy', '?')))}; the full record is on the "
                   '<a href="index.html#built-from">casebook page</a>')
        else:
            ran = "no run record"
        footer = (" · ".join(prev_next) + "<br>" if prev_next else "") + (
            f'Notebook: <a href="{_href("notebooks/" + p.stem + ".ipynb")}">'
            f"{html.escape(p.stem)}.ipynb</a> · {ran}")
        _write(folder / f"{p.stem}.html",
               _page(f"{p.title} · {case_title}", body, edition, nav_base, footer, code_css))

    _write(folder / "sources.html",
           _page(f"Sources · {case_title}",
                 _sources_body(corpus, site_record["seeds"], provenance.sha256sums(seeds_dir)),
                 edition, nav_base))
    footer = f'<div id="built-from">{_record_table(pages, site_record)}</div>'
    _write(folder / "index.html",
           _page(case_title, _index_body(case_title, edition, pages, corpus, known), edition,
                 nav_base, footer))
    info = {
        "generator": _GENERATOR,
        "edition": edition,
        "notebooks": [{"name": p.stem, "title": p.title, "record": p.record,
                       "cells_removed": p.cells_removed, "outputs_cleared": p.outputs_cleared,
                       "exhibits": [dataclasses.asdict(e) for e in p.exhibits]} for p in pages],
        "site": site_record,
    }
    _write(folder / _MARKER, json.dumps(info, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    _editions_index(outdir, case_title)
    return SiteResult(edition, folder, pages, warnings)


def build_editions(notebooks_dir: str | Path, outdir: str | Path,
                   editions: Iterable[str] = EDITIONS, **kwargs: Any) -> list[SiteResult]:
    """Build several editions in a row."""
    return [build_site(notebooks_dir, outdir, e, **kwargs) for e in editions]
