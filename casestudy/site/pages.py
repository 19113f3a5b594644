"""Notebook pages of the casebook: the page frame, editions, exhibits, the instructor's guide.
An exhibit (a ``cs.show`` output with ``metadata["casestudy"]``) is anchored (``#exhibit-3-1``),
its seeds and documents linked to ``sources.html``, its table downloadable as CSV."""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..errors import CasestudyError
from .guide import link_exhibits
from .sources import esc, fill, href, link_refs, link_seeds, safe_id
from .tags import view

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
CSS = Path(__file__).with_name("casebook.css").read_text(encoding="utf-8")


class SiteError(CasestudyError):
    """The site cannot be built (no or corrupt executed notebooks, an unusable output folder)."""


def tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []) or [])


def edition_notebook(nb: Any, edition: str) -> Any:
    """A copy of ``nb`` as ``edition`` shows it (``student``: removed and cleared tags applied)."""
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
    """A whole page: inline CSS (no network), the navigation, ``body`` and ``footer`` (all HTML)."""
    return fill("page.html.j2", generator=GENERATOR, title=title, css=Markup(CSS + extra_css),
                edition=edition, nav=nav, body=Markup(body), footer=Markup(footer)) + "\n"


@dataclass
class Exhibit:
    """An exhibit on a notebook page."""
    notebook: str
    anchor: str
    number: str  # "1.3"
    title: str
    source: str = ""  # the "Source: ..." text, as shown
    source_html: str = ""  # the same, with its seeds and documents linked
    kind: str = "table"  # table | figure
    csv: str = ""  # the table as CSV, relative to the edition folder


@dataclass
class PageInfo:
    """One notebook of the site."""
    name: str
    title: str
    abstract_html: str
    exhibits: list[Exhibit] = field(default_factory=list)
    record: dict[str, Any] | None = None  # the run record (:mod:`casestudy.provenance`)
    cells_removed: int = 0
    outputs_cleared: int = 0
    words: int = 0

    @property
    def minutes(self) -> int:
        """Reading time, whole minutes rounded up
        (:data:`WORDS_PER_MINUTE`, :data:`MINUTES_PER_EXHIBIT`)."""
        return math.ceil(self.words / WORDS_PER_MINUTE + MINUTES_PER_EXHIBIT * len(self.exhibits))


def page_info(stem: str, nb: Any, ed: Any, exhibits: list[Exhibit]) -> PageInfo:
    """Notebook ``nb`` as the index lists it (``ed``: its edition): title and abstract from its
    first Markdown cell (first heading, first other paragraph), run record, counts."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    first = next((c.source for c in ed.cells if c.cell_type == "markdown" and c.source.strip()), "")
    paras = [p.strip() for p in re.split(r"\n\s*\n", first) if p.strip()]
    heads = [p for p in paras if re.match(r"#+\s", p) and "\n" not in p]
    body = [p for p in paras if p not in heads]
    record = nb.metadata.get("casestudy")
    shown = [sum(1 for c in n.cells if c.get("outputs") and tags(c) & set(STUDENT_CLEARED_TAGS))
             for n in (nb, ed)]  # exercise cells with outputs, before and in the edition
    words = sum(len(re.findall(r"\w+", c.source)) for c in ed.cells if c.cell_type == "markdown")
    return PageInfo(stem, heads[0].lstrip("#").strip() if heads else stem,
                    Markup(markdown2html_mistune(body[0]).strip()) if body else "", exhibits,
                    dict(record) if isinstance(record, dict) else None,
                    len(nb.cells) - len(ed.cells), shown[0] - shown[1], words)


@dataclass
class Links:
    """What exhibit Source lines (seeds, docs) and table cells (facts) link to."""
    seeds: dict[str, str]  # seed id or short id -> seed id
    facts: dict[str, str]  # curated id -> anchor in sources.html
    docs: set[str]  # reference documents listed on sources.html

    def cells(self, body: str) -> str:
        """Fact, claim and event ids named in a table cell, linked to their passage."""
        if not self.facts:
            return body
        names = re.compile(r"(?<![\w-])(" + "|".join(
            re.escape(k) for k in sorted(self.facts, key=len, reverse=True)) + r")(?![\w-])")
        return re.sub(r"<td>([^<>]{1,2000})</td>", lambda c: "<td>" + names.sub(
            lambda n: f'<a href="{href("sources.html", self.facts[n[1]])}">{n[1]}</a>', c[1])
            + "</td>", body)


_SOURCE_P = re.compile(r'<p class="source"[^>]*>.*?</p>', re.DOTALL)
_CDN = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>"
                  r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.IGNORECASE)


def _exhibit(stem: str, output: Any, nth: int, links: Links, csvs: dict[str, str]) -> Exhibit:
    """The exhibit of ``output`` (the ``nth`` with its number), rewritten as the page shows it."""
    meta, data = output.metadata["casestudy"], output.data
    number, source = str(meta.get("exhibit", "")), str(meta.get("source", ""))
    suffix = "" if nth == 1 else f"-{nth}"
    linked = link_refs(link_seeds(esc(source, quote=False), links.seeds), meta.get("refs"),
                       links.docs)
    ex = Exhibit(stem, f"exhibit-{safe_id(number).replace('.', '-')}{suffix}", number,
                 str(meta.get("title", "")), source, Markup(linked))
    source_p = f'<p class="source">{ex.source_html}</p>'
    if "text/html" in data:
        content, n = _SOURCE_P.subn(lambda m: source_p, data["text/html"], 1)
        content += "" if n else source_p
    else:
        ex.kind = "figure"
        alt = (output.metadata.get("image/png", {}).get("alt")
               or f"Exhibit {number}. {ex.title}. {source}")
        content = (f'<img src="data:image/png;base64,{"".join(data["image/png"].split())}" '
                   f'alt="{esc(alt)}">{source_p}')
    if isinstance(meta.get("csv"), str) and meta["csv"]:
        ex.csv = f"exhibits/{stem}-{safe_id(number)}{suffix}.csv"
        csvs[ex.csv] = meta["csv"]
        content += (f'<p class="csv"><a href="{href(ex.csv)}" download>CSV</a>'
                    " (the table as data)</p>")
    output.data = {"text/html": f'<div class="exhibit" id="{ex.anchor}">{content}</div>'}
    output.metadata = {}
    return ex


def render(exporter: Any, nb: Any, stem: str, links: Links, csvs: dict[str, str],
           medium: str = "screen") -> tuple[str, list[Exhibit]]:
    """The HTML body of ``nb`` and its exhibits (table ids linked, nothing loaded from the network),
    for ``medium`` (``screen`` or ``print``: Jupyter Book's cell tags applied, :mod:`.tags`)."""
    seen: dict[str, int] = {}
    nb, exhibits = view(nb, medium), []
    for cell in nb.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if isinstance(o.get("metadata", {}).get("casestudy"), dict) and o.get("data"):
                number = str(o.metadata["casestudy"].get("exhibit", ""))
                seen[number] = seen.get(number, 0) + 1
                exhibits.append(_exhibit(stem, o, seen[number], links, csvs))
    return links.cells(_CDN.sub("", exporter.from_notebook_node(nb)[0])), exhibits


def exhibit_targets(pages: Sequence[PageInfo]) -> dict[str, str]:
    """Exhibit number -> ``page.html#anchor`` of its first appearance, in reading order."""
    out: dict[str, str] = {}
    for p in pages:
        for e in p.exhibits:
            out.setdefault(e.number, href(f"{p.name}.html", e.anchor))
    return out


def guide_body(exporter: Any, notebooks: list[tuple[str, str, Any]],
               targets: dict[str, str] | None = None) -> tuple[Markup, list[str]]:
    """The instructor's guide: the teaching notes and answers of ``notebooks`` (stem, title, nb),
    each exhibit reference linked to ``targets`` (:func:`exhibit_targets`); and warnings naming
    the references no exhibit of the run resolves."""
    sections, warnings = [], []
    for stem, title, nb in notebooks:
        sub = copy.copy(nb)
        sub.cells = [c for c in nb.cells if tags(c) & set(STUDENT_REMOVED_TAGS)]
        if sub.cells:  # nbconvert's HTML of the notebook's own cells
            body, missing = link_exhibits(_CDN.sub("", exporter.from_notebook_node(view(sub))[0]),
                                          targets or {})
            sections.append((stem, title, len(sub.cells), Markup(body)))
            warnings += [f"guide: {stem}: {ref} in this run" for ref in missing]
    return fill("guide.html.j2", sections=sections), warnings
