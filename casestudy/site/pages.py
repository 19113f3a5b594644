"""Notebook pages of the casebook: the page frame, editions, exhibits, the instructor's guide.

An exhibit shown with ``cs.show`` carries ``metadata["casestudy"]`` (number, title,
Source line, seeds, reference documents, the table as CSV): the page shows it with
an anchor (``#exhibit-3-1``), its seeds and documents linked to ``sources.html`` and
a CSV link.  Outputs without that metadata (notebooks executed before the display
layer) are read as before: "Exhibit N. Title" headings, figure alt text, "Source:" lines.
"""

from __future__ import annotations

import copy
import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..errors import CasestudyError
from .sources import esc, href, link_refs, link_seeds, safe_id

EDITIONS = ("instructor", "student")
#: Cells with any of these tags are left out of the student edition.
STUDENT_REMOVED_TAGS = ("teaching-note", "answer")
#: Cells with any of these tags keep their code but lose their outputs in the student edition.
STUDENT_CLEARED_TAGS = ("exercise",)
#: Reading speed for the index's time estimates: 200 words a minute, the low end of the
#: usual 200-250 for adults reading non-fiction, as the case is read closely, with exhibits.
WORDS_PER_MINUTE = 200
#: Minutes added per exhibit (table or figure) for reading it, in the same estimates.
MINUTES_PER_EXHIBIT = 1.0
GENERATOR = "casestudy build"
CSS = (Path(__file__).with_name("casebook.css")).read_text(encoding="utf-8")


class SiteError(CasestudyError):
    """The site cannot be built (no or corrupt executed notebooks, an unusable output folder)."""


def tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []) or [])


def edition_notebook(nb: Any, edition: str) -> Any:
    """A copy of ``nb`` as the ``edition`` shows it: ``instructor`` keeps everything,
    ``student`` drops teaching notes and answers and clears the outputs of exercises."""
    if edition not in EDITIONS:
        raise SiteError(f"unknown edition {edition!r}; expected one of: {', '.join(EDITIONS)}")
    out = copy.deepcopy(nb)
    if edition == "student":
        out.cells = [c for c in out.cells if not tags(c) & set(STUDENT_REMOVED_TAGS)]
        for cell in out.cells:
            if tags(cell) & set(STUDENT_CLEARED_TAGS) and cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
    return out


def reading_order(stems: Sequence[str]) -> list[str]:
    """The case (``*_case``) first, the sources appendix (``*_sources``) last, else by name."""
    return sorted(stems, key=lambda s: (0 if s.endswith("_case") else 2 if s.endswith("_sources")
                                        else 1, s))


def page(title: str, body: str, edition: str, nav: Sequence[tuple[str, str]], footer: str = "",
         extra_css: str = "") -> str:
    """A whole page: inline CSS (no network), the site's navigation, ``body`` and ``footer``."""
    links = "".join(f'<a href="{href(target)}">{esc(label)}</a>' for label, target in nav)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="{GENERATOR}">\n<title>{esc(title)}</title>\n'
            f"<style>{CSS}{extra_css}</style>\n</head>\n<body>\n"
            f'<header class="site"><span class="edition">{esc(edition)} edition</span>{links}'
            f"</header>\n<main>\n{body}\n</main>\n"
            + (f'<footer class="site">\n{footer}\n</footer>\n' if footer else "") + "</body>\n</html>\n")


@dataclass
class Exhibit:
    """An exhibit on a notebook page: a table, a titled heading or text, or a figure."""

    notebook: str
    anchor: str
    number: str  # "1.3"; "" for an untitled figure
    title: str
    source: str = ""  # the "Source: ..." text, as shown
    source_html: str = ""  # the same, with its seeds and documents linked
    kind: str = "table"  # table | heading | text | figure
    csv: str = ""  # the table as CSV, relative to the edition folder


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
    words: int = 0

    @property
    def minutes(self) -> int:
        """Reading time: prose words at :data:`WORDS_PER_MINUTE`, plus :data:`MINUTES_PER_EXHIBIT`
        per exhibit, rounded up to whole minutes."""
        return math.ceil(self.words / WORDS_PER_MINUTE + MINUTES_PER_EXHIBIT * len(self.exhibits))


def title_and_abstract(nb: Any, stem: str) -> tuple[str, str]:
    """The first heading of the first Markdown cell, and that cell's first paragraph."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    first = next((c for c in nb.cells if c.cell_type == "markdown" and c.source.strip()), None)
    if first is None:
        return stem, ""
    title, body = stem, []
    for p in [p.strip() for p in re.split(r"\n\s*\n", first.source) if p.strip()]:
        m = re.match(r"#+\s+(.*)", p)
        if m and "\n" not in p:
            title = m.group(1).strip() if title == stem else title
        else:
            body.append(p)
    return title, markdown2html_mistune(body[0]).strip() if body else ""


def prose_words(nb: Any) -> int:
    """Words in the Markdown cells (the prose a reader reads)."""
    return sum(len(re.findall(r"\w+", c.source)) for c in nb.cells if c.cell_type == "markdown")


# -- exhibits from metadata["casestudy"] --------------------------------------------------------


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def with_placeholders(nb: Any) -> tuple[Any, list[tuple[dict[str, Any], dict[str, Any]]]]:
    """A copy of ``nb`` whose exhibit outputs (with ``metadata.casestudy``) are placeholders for
    nbconvert, with the list of (metadata, data) they stand for; other images get alt text."""
    out, found = copy.deepcopy(nb), []
    for cell in out.cells:
        lines = [ln.strip() for ln in cell.source.splitlines() if ln.strip()]
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = o.get("metadata", {}).get("casestudy")
            if isinstance(meta, dict) and o.get("data"):
                found.append((dict(meta), dict(o["data"], alt=o["metadata"].get("image/png", {}).get("alt"))))
                o["data"] = {"text/html": f'<div class="cs-exhibit" data-n="{len(found) - 1}"></div>'}
                continue
            for mime in ("image/png", "image/jpeg", "image/svg+xml"):
                if mime in o.get("data", {}):
                    o.setdefault("metadata", {}).setdefault(mime, {}).setdefault(
                        "alt", f"Figure drawn by: {lines[-1]}"[:200] if lines else "Figure")
    return out, found


@dataclass
class Links:
    """What exhibit Source lines and table cells link to."""

    seeds: dict[str, str]  # seed id or short id -> seed id
    facts: dict[str, str]  # curated id -> anchor in sources.html
    docs: set[str]  # reference documents listed on sources.html

    def source(self, text: str, refs: Any = None) -> str:
        return link_refs(link_seeds(esc(text, quote=False), self.seeds), refs, self.docs)


_SOURCE_P = re.compile(r'<p class="source"[^>]*>.*?</p>', re.DOTALL)


def _meta_exhibit(stem: str, anchor: str, meta: dict[str, Any], data: dict[str, Any],
                  links: Links, csvs: dict[str, str]) -> tuple[Exhibit, str]:
    number, title = str(meta.get("exhibit", "")), str(meta.get("title", ""))
    source = str(meta.get("source", ""))
    ex = Exhibit(stem, anchor, number, title, source, links.source(source, meta.get("refs")))
    source_p = f'<p class="source">{ex.source_html}</p>'
    if "text/html" in data:
        content = _text(data["text/html"])
        content = _SOURCE_P.sub(lambda m: source_p, content, 1) if _SOURCE_P.search(content) \
            else content + source_p
    elif "image/png" in data:
        ex.kind = "figure"
        alt = data.get("alt") or f"Exhibit {number}. {title}. {source}"
        content = (f'<img src="data:image/png;base64,{"".join(_text(data["image/png"]).split())}" '
                   f'alt="{esc(str(alt))}">{source_p}')
    else:
        ex.kind = "text"
        content = f"<pre>{esc(_text(data.get('text/plain', '')), quote=False)}</pre>{source_p}"
    if isinstance(meta.get("csv"), str) and meta["csv"]:
        name = base = f"{stem}-{safe_id(number or anchor)}"
        k = 1
        while f"exhibits/{name}.csv" in csvs:
            k += 1
            name = f"{base}-{k}"
        ex.csv = f"exhibits/{name}.csv"
        csvs[ex.csv] = meta["csv"]
        content += f'<p class="csv"><a href="{href(ex.csv)}" download>CSV</a> (the table as data)</p>'
    return ex, f'<div class="exhibit" id="{anchor}">{content}</div>'


# -- exhibits read from the rendered page (outputs without metadata) --------------------------

_EXHIBIT_TEXT = re.compile(r"^\s*Exhibit\s+([0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)\.?\s+(.+)$", re.DOTALL)
_TOKENS = re.compile(
    r"(?P<placeholder><div class=\"cs-exhibit\" data-n=\"(?P<n>\d+)\"></div>)"
    r"|(?P<heading><h(?P<level>[1-6])(?P<hattrs>[^>]*)>(?P<htext>.*?)</h(?P=level)>)"
    r"|(?P<figure><div class=\"output_(?:png|jpeg|svg) output_subarea)"
    r"|(?P<pre><pre>(?P<pretext>.*?)</pre>)"
    r"|(?P<source>\bSources?:[^<\n]*)"
    r"|(?P<input><div class=\"input_area\">(?P<code>.*?)</div>\s*</div>)", re.DOTALL)
_BLOCK_START = re.compile(r"<(?:p|em|i|small|span|div|figcaption)\b[^>]*>\s*\Z")
_CELL = re.compile(r"<td>([^<>]{1,2000})</td>")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("¶", "").split())


def annotate(stem: str, body: str, found: list[tuple[dict[str, Any], dict[str, Any]]],
             links: Links, csvs: dict[str, str]) -> tuple[str, list[Exhibit]]:
    """Put the exhibits in for their placeholders, anchor the exhibits and figures read from the
    page, link seeds in Source lines and curated ids in table cells; list the page's exhibits."""
    exhibits: list[Exhibit] = []
    used: dict[str, int] = {}
    edits: list[tuple[int, int, str]] = []
    section, last_code, figures = "", "", 0
    pending: Exhibit | None = None

    def anchor_for(base: str) -> str:
        used[base] = used.get(base, 0) + 1
        return base if used[base] == 1 else f"{base}-{used[base]}"

    def add(ex: Exhibit, at: int) -> Exhibit:
        exhibits.append(ex)
        edits.append((at, at, f'<a class="exhibit-anchor" id="{ex.anchor}"></a>'))
        return ex

    for m in _TOKENS.finditer(body):
        if m.group("placeholder"):
            meta, data = found[int(m.group("n"))]
            number = str(meta.get("exhibit", ""))
            anchor = anchor_for("exhibit-" + safe_id(number).replace(".", "-") if number else "exhibit")
            ex, block = _meta_exhibit(stem, anchor, meta, data, links, csvs)
            exhibits.append(ex)
            edits.append((m.start(), m.end(), block))
            pending = None
        elif m.group("heading"):
            text = _plain(m.group("htext"))
            em = _EXHIBIT_TEXT.match(text)
            if em:
                kind = "heading" if "id=" in m.group("hattrs") else "table"
                pending = add(Exhibit(stem, anchor_for("exhibit-" + em.group(1).replace(".", "-")),
                                      em.group(1), em.group(2).strip(), kind=kind), m.start())
            elif int(m.group("level")) <= 3:
                section = text
        elif m.group("figure"):
            figures += 1
            end = body.find("</div>", m.end())
            alt = re.search(r'<img\b[^>]*?\balt="([^"]*)"', body[m.end():end if end > 0 else None])
            em = _EXHIBIT_TEXT.match(html.unescape(alt.group(1))) if alt else None
            if em:  # casestudy.plotting stores "title Source: ... Note: ..." as alt text
                title, _, rest = em.group(2).strip().partition(" Source: ")
                source = ("Source: " + rest.split(" Note: ", 1)[0]) if rest else ""
                ex = Exhibit(stem, anchor_for("exhibit-" + em.group(1).replace(".", "-")),
                             em.group(1), title, source, links.source(source) if source else "",
                             kind="figure")
            else:
                title = f"Figure {figures}" + (f" in “{section}”" if section else "") + \
                    (f" ({last_code})" if last_code else "")
                ex = Exhibit(stem, anchor_for(f"figure-{figures}"), "", title, kind="figure")
            add(ex, m.start())
            pending = None
        elif m.group("input"):
            lines = [ln for ln in html.unescape(re.sub(r"<[^>]+>", "", m.group("code"))).splitlines()
                     if ln.strip()]
            last_code = lines[-1].strip() if lines and len(lines[-1].strip()) <= 80 else ""
        elif m.group("pre"):  # plain-text outputs: "Exhibit N. title" and "Source:" lines
            raw = m.group("pretext")
            for line in html.unescape(re.sub(r"<[^>]+>", "", raw)).splitlines():
                em = _EXHIBIT_TEXT.match(line)
                if em and not line.startswith(" "):
                    pending = add(Exhibit(stem, anchor_for("exhibit-" + em.group(1).replace(".", "-")),
                                          em.group(1), em.group(2).strip(), kind="text"), m.start())
                elif line.startswith(("Source:", "Sources:")) and pending and not pending.source:
                    pending.source, pending.source_html = line.strip(), links.source(line.strip())
            new = re.sub(r"(?m)^Sources?:[^\n<]*", lambda s: link_seeds(s.group(0), links.seeds), raw)
            if new != raw:
                edits.append((m.start("pretext"), m.end("pretext"), new))
        elif m.group("source") and body.rfind("<", 0, m.start()) <= body.rfind(">", 0, m.start()):
            seg = m.group("source")
            linked = link_seeds(seg, links.seeds)
            # an exhibit's own source line starts a paragraph (not a table cell)
            if pending is not None and not pending.source and \
                    _BLOCK_START.search(body, max(0, m.start() - 200), m.start()):
                pending.source, pending.source_html = _plain(seg), linked
            if linked != seg:
                edits.append((m.start(), m.end(), linked))
    out, floor = body, len(body) + 1
    for start, end, text in sorted(edits, key=lambda t: (t[0], t[1]), reverse=True):
        if end <= floor:  # else it overlaps an edit already made
            out, floor = out[:start] + text + out[end:], start
    if links.facts:  # fact, claim and event ids named in a table cell link to their passage
        names = re.compile(r"(?<![\w-])(" + "|".join(
            re.escape(k) for k in sorted(links.facts, key=len, reverse=True)) + r")(?![\w-])")
        def link(n: re.Match[str]) -> str:
            return f'<a href="{href("sources.html", links.facts[n.group(1)])}">{n.group(1)}</a>'

        out = _CELL.sub(lambda c: "<td>" + names.sub(link, c.group(1)) + "</td>", out)
    return out, exhibits


_CDN = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>"
                  r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.IGNORECASE)


def render(exporter: Any, nb: Any, stem: str, links: Links, csvs: dict[str, str]
           ) -> tuple[str, list[Exhibit], int]:
    """The HTML body of ``nb`` with its exhibits, and how many network tags were removed."""
    marked, found = with_placeholders(nb)
    body, _ = exporter.from_notebook_node(marked)
    body, stripped = _CDN.subn("", body)
    body, exhibits = annotate(stem, body, found, links, csvs)
    return body, exhibits, stripped


def guide_body(exporter: Any, notebooks: list[tuple[str, str, Any]]) -> str:
    """The instructor's guide: every ``teaching-note`` and ``answer`` cell, by notebook in
    reading order (``notebooks``: stem, title, notebook), with a table of contents."""
    toc, sections = [], []
    for stem, title, nb in notebooks:
        cells = [c for c in nb.cells if tags(c) & set(STUDENT_REMOVED_TAGS)]
        if not cells:
            continue
        sub = copy.deepcopy(nb)
        sub.cells = copy.deepcopy(cells)
        body, _ = exporter.from_notebook_node(sub)
        toc.append(f'<li><a href="#guide-{safe_id(stem)}">{esc(title)}</a> '
                   f'<span class="muted">({len(cells)} cell(s))</span></li>')
        sections.append(f'<section class="chapter" id="guide-{safe_id(stem)}"><h2>{esc(title)}'
                        f'</h2>\n<p class="muted">From <a href="{href(stem + ".html")}">{esc(stem)}'
                        f"</a>.</p>\n{_CDN.sub('', body)}</section>")
    intro = ("<h1>Instructor's guide</h1>\n<p>Every cell tagged <code>teaching-note</code> or "
             "<code>answer</code>, notebook by notebook in reading order. The student edition "
             "has none of them.</p>")
    if not sections:
        return intro + "\n<p>No notebook has teaching notes or answers yet.</p>"
    return f"{intro}\n<h2>Contents</h2>\n<ol>{''.join(toc)}</ol>\n" + "\n".join(sections)
