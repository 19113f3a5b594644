"""The HTML casebook: ``casestudy build``.

Renders the executed notebooks (from ``casestudy run``) to a static site that opens
from ``file://`` with no server and no network.  Each edition goes to ``OUTDIR/<edition>/``:
``index.html`` (the notebooks in reading order, the case first and the sources appendix
last, with time estimates; every exhibit; what the notebooks were run with), one page per
notebook (exhibits anchored ``#exhibit-1-3``, their seeds and reference documents linked
to ``sources.html``, tables downloadable as ``exhibits/<notebook>-<exhibit>.csv``),
``sources.html`` (reference documents ``#ref-<doc_id>`` with their figures ``#ref-<ref_id>``;
each seed ``#seed-004`` with its metadata, original and cleaned text and an anchor per
annotated passage: ``#s004-fact-<id>``, ``-claim-``, ``-event-``, ``#s004-raw-<start>-<end>``,
``#s004-text-<start>-<end>``), ``glossary.html`` (from ``casestudy/data/glossary.toml``),
``guide.html`` (instructor edition only: every ``teaching-note`` and ``answer`` cell),
``case.pdf`` and ``casebook.pdf`` (the case as students get it, and the whole edition, printed
by headless Chromium: :mod:`casestudy.site.pdf`), ``notebooks/``, ``fonts/``, ``build-info.json``.

The student edition drops cells tagged ``teaching-note`` or ``answer`` and clears the outputs
of cells tagged ``exercise``.  A build is deterministic (same notebooks and seeds, same bytes)
and atomic: the edition is written into a fresh hidden folder beside the target and swapped
in only when complete, so a failed build leaves the previous edition as it was.
"""

from __future__ import annotations

import dataclasses
import json
import re
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .. import atomic, paths, provenance
from . import pdf
from .pages import (EDITIONS, GENERATOR, MINUTES_PER_EXHIBIT, STUDENT_CLEARED_TAGS,
                    STUDENT_REMOVED_TAGS, WORDS_PER_MINUTE, Exhibit, Links, PageInfo, SiteError,
                    edition_notebook, guide_body, page, prose_words, reading_order, render,
                    tags, title_and_abstract)
from .sources import (annotation_targets, esc, glossary_body, href, load_glossary, load_refs,
                      safe_id, seed_anchor, short, sources_body, span_anchor)

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["EDITIONS", "STUDENT_REMOVED_TAGS", "STUDENT_CLEARED_TAGS", "WORDS_PER_MINUTE",
           "MINUTES_PER_EXHIBIT", "SiteError", "Exhibit", "PageInfo", "SiteResult",
           "edition_notebook", "executed_notebooks", "build_site",
           "reading_order", "safe_id", "seed_anchor", "span_anchor"]

_MARKER = "build-info.json"  # in every edition folder: marks it as ours to replace
GLOSSARY = paths.PACKAGE_DIR / "data" / "glossary.toml"


@dataclass
class SiteResult:
    """What ``build_site`` wrote."""

    edition: str
    folder: Path
    pages: list[PageInfo]
    warnings: list[str] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


def executed_notebooks(folder: Path) -> list[Path]:
    """The executed notebooks in ``folder``: ``*.ipynb``, without hidden and ``.failed`` files."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.ipynb")
                  if not p.name.startswith(".") and not p.name.endswith(".failed.ipynb"))


# -- the index ------------------------------------------------------------------------------------


def _record_table(pages: list[PageInfo], site: dict[str, Any]) -> str:
    """The footer: environment and seed checksums of the site build and of each notebook run."""
    recorded = [p for p in pages if p.record]
    missing = [p.stem for p in pages if not p.record]

    def runs(section: str, key: str) -> str:
        values: dict[str, list[str]] = {}
        for p in recorded:
            v = p.record.get(section, {}).get(key)  # type: ignore[union-attr]
            values.setdefault("—" if v is None else str(v), []).append(p.stem)
        if len(values) <= 1:
            return esc(next(iter(values), "not recorded"))
        return "<br>".join(f"{esc(v)} ({esc(', '.join(s))})" for v, s in values.items())

    env_keys = list(dict.fromkeys([*site["environment"], *(k for p in recorded
                                                           for k in p.record["environment"])]))  # type: ignore[index]
    env = "".join(f"<tr><th>{esc(k)}</th><td>{esc(str(site['environment'].get(k, '—')))}</td>"
                  f"<td>{runs('environment', k)}</td></tr>" for k in env_keys)
    seeds = []
    for k in sorted(set(site["seeds"]) | {k for p in recorded for k in p.record.get("seeds", {})}):  # type: ignore[union-attr]
        mine, run = esc(site["seeds"].get(k, "—")), runs("seeds", k)
        seeds.append(f'<tr><th><a href="{href("sources.html", seed_anchor(k))}">{esc(k)}</a></th>'
                     f'<td class="mono">{mine}</td><td class="mono">{"same" if run == mine else run}</td></tr>')
    match = site.get("seeds_match_sha256sums")
    return (
        "<h2>What this was built from</h2>\n<p>Notebooks executed by <code>casestudy run</code> "
        "record their environment and the checksums of the seeds they read (notebook metadata "
        f"<code>casestudy</code>); the site records its own build. {len(recorded)} of "
        f"{len(pages)} notebook(s) carry a record.</p>"
        + (f"<p>Not recorded for: {esc(', '.join(missing))} (executed before run records "
           "existed, or not by <code>casestudy run</code>).</p>" if missing else "")
        + ("" if match is None else f"<p>The seeds {'match' if match else 'do NOT match'} "
           "<code>seeds/SHA256SUMS</code>.</p>")
        + f"\n<table><tr><th>package</th><th>site build</th><th>notebook runs</th></tr>{env}</table>\n"
        f"<table><tr><th>seed</th><th>SHA-256 (site build)</th><th>notebook runs</th></tr>"
        f"{''.join(seeds)}</table>")


def _index_body(title: str, edition: str, pages: list[PageInfo], corpus: "Corpus",
                extras: list[tuple[str, str]], pdfs: list[str]) -> str:
    intro = ("The instructor edition: every cell, including teaching notes and model answers."
             if edition == "instructor" else "The student edition: teaching notes and model "
             "answers are left out, and the outputs of exercise cells are cleared.")
    order = "".join(
        f'<tr><td>{i}</td><td><a href="{href(p.stem + ".html")}"><strong>{esc(p.title)}</strong>'
        f'</a><div class="abstract">{p.abstract_html}</div></td><td class="min">{p.minutes} min'
        f'</td><td class="muted">{p.words:,} words, {len(p.exhibits)} exhibit(s); <a href="'
        f'{href("notebooks/" + p.stem + ".ipynb")}">notebook</a></td></tr>'
        for i, p in enumerate(pages, 1))
    exhibits = "".join(
        f'<tr><td><a href="{href(p.stem + ".html", e.anchor)}">'
        f'{esc(f"Exhibit {e.number}" if e.number else "Figure")}</a></td><td>{esc(e.title)}</td>'
        f"<td>{esc(p.stem)}</td><td>{e.source_html or esc(e.source) or '—'}"
        + (f' <a href="{href(e.csv)}" download>CSV</a>' if e.csv else "") + "</td></tr>"
        for p in pages for e in p.exhibits)
    seeds = "".join(
        f'<tr><td><a href="{href("sources.html", seed_anchor(s.id))}">{esc(short(s.id))}</a></td>'
        f"<td>{esc(s.metadata.title_en or s.metadata.title)}</td><td>{esc(s.metadata.date or 'undated')}"
        f"</td><td>{esc(', '.join(s.languages))}</td></tr>" for s in corpus)
    more = "".join(f'<li><a href="{href(target)}">{esc(label)}</a></li>' for label, target in extras)
    printed = " · ".join(f'<a href="{href(name)}">{esc(name)}</a>' for name in pdfs)
    return "\n".join([
        f"<h1>{esc(title)}</h1>", f"<p>{intro}</p>",
        '<p class="muted">Other editions: <a href="../index.html">all editions built here</a>.</p>',
        f'<nav class="pdfs"><p>To print: {printed}.</p></nav>' if pdfs else "",
        "<h2>Reading order</h2>",
        f"<p>About {sum(p.minutes for p in pages)} minutes in all: the case first, the source "
        f"criticism last. Estimates: {WORDS_PER_MINUTE} words a minute of prose and "
        f"{MINUTES_PER_EXHIBIT:g} minute(s) per exhibit.</p>",
        '<table class="reading-order"><tr><th></th><th>notebook</th><th>time</th><th></th></tr>'
        f"{order}</table>", f"<ul>{more}</ul>" if more else "",
        "<h2>Exhibits</h2>",
        "<p>Every exhibit with its source line (seeds and documents link to the sources).</p>",
        f"<table><tr><th>exhibit</th><th>title</th><th>notebook</th><th>source</th></tr>{exhibits}</table>",
        "<h2>Sources</h2>",
        '<p>The articles, with metadata, annotations, original and cleaned text, and the '
        'reference documents: <a href="sources.html">sources.html</a>.</p>',
        f"<table><tr><th>seed</th><th>title (English)</th><th>date</th><th>languages</th></tr>{seeds}</table>"])


def _editions_index(outdir: Path, title: str) -> None:
    """``outdir/index.html``: links to the editions built there (never over a page of others)."""
    target = outdir / "index.html"
    if target.exists() and f'content="{GENERATOR}"' not in target.read_text("utf-8", "replace"):
        return
    items = "".join(f'<li><a href="{e}/index.html">{e.capitalize()} edition</a></li>'
                    for e in EDITIONS if (outdir / e / "index.html").is_file())
    body = (f"<h1>{esc(title)}</h1>\n<p>Editions built in this folder:</p>\n<ul>{items}</ul>\n"
            '<p class="muted">The student edition leaves out teaching notes and model answers and '
            "clears the outputs of exercises.</p>")
    atomic.write_text(target, page(title, body, "all", [("Editions", "index.html")]))


# -- the build ------------------------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


def _new_folder(outdir: Path, edition: str) -> Path:
    """A fresh hidden folder beside ``outdir/edition`` to build in; checks the target is ours."""
    final = outdir / edition
    if outdir.exists() and not outdir.is_dir():
        raise SiteError(f"{outdir}: is a file, not a folder; choose another output with -o")
    if final.exists() and (not final.is_dir() or any(final.iterdir())
                           and not (final / _MARKER).is_file()):
        raise SiteError(f"{final}: the folder is not empty and was not written by casestudy build "
                        f"(no {_MARKER}); choose another output with -o")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{edition}.", suffix=".tmp", dir=outdir))
        os.chmod(tmp, 0o755)
    except OSError as exc:
        raise SiteError(f"{outdir}: cannot write the site there ({exc.strerror or exc}); "
                        "choose another output with -o") from None
    return tmp


def _swap_in(tmp: Path, final: Path) -> None:
    """Put the complete folder ``tmp`` in place of ``final`` (two renames; the old one removed)."""
    old = tmp.with_suffix(".old")
    if final.exists():
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if old.exists():
            os.rename(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build_site(notebooks_dir: str | Path = "build/notebooks", outdir: str | Path = "build/site",
               edition: str = "instructor", seeds_dir: str | Path | None = None,
               progress: Callable[[str], None] | None = None, pdf_files: bool = False,
               glossary: str | Path | None = GLOSSARY) -> SiteResult:
    """Render the executed notebooks in ``notebooks_dir`` as the ``edition`` of the site.

    Writes ``outdir/<edition>/`` (replacing an earlier build there, atomically) and
    ``outdir/index.html``; with ``pdf_files``, also ``case.pdf`` and ``casebook.pdf``
    where Chromium is present (else a warning says why not).  ``glossary``: the
    glossary file (a page when it exists).  Raises :class:`SiteError` (one line,
    naming the notebook or folder) when there is nothing to build or a notebook cannot
    be read; the previous edition is then left as it was.
    """
    if edition not in EDITIONS:
        raise SiteError(f"unknown edition {edition!r}; expected one of: {', '.join(EDITIONS)}")
    nb_dir, outdir = Path(notebooks_dir), Path(outdir)
    sources = executed_notebooks(nb_dir)
    if not sources:
        where = "does not exist" if not nb_dir.exists() else "holds no executed notebooks"
        raise SiteError(f"{nb_dir}: {where}; run `casestudy run` first (it executes the notebooks "
                        f"into build/notebooks/), or name the folder with --notebooks-dir")
    tmp = _new_folder(outdir, edition)
    try:
        result = _build(sources, tmp, edition, seeds_dir, progress or (lambda line: None),
                        pdf_files, Path(glossary) if glossary else None)
        _swap_in(tmp, outdir / edition)
    except OSError as exc:
        raise SiteError(f"{exc.filename or outdir}: cannot write the site ({exc.strerror or exc}); "
                        "the previous edition is kept") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.folder = outdir / edition
    result.pdfs = [result.folder / p.name for p in result.pdfs]
    _editions_index(outdir, result.pages[0].title.split(" · ")[0].strip())
    return result


def _build(sources: list[Path], folder: Path, edition: str, seeds_dir: str | Path | None,
           say: Callable[[str], None], want_pdf: bool, glossary: Path | None) -> SiteResult:
    import nbformat
    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter

    from ..corpus import load_corpus

    warnings = [f"{f.name}: the last run of this notebook failed; the site shows " + (
        "the earlier successful run" if f.with_name(f.name[:-len(".failed.ipynb")] + ".ipynb").exists()
        else "no page for it") for f in sorted(sources[0].parent.glob("*.failed.ipynb"))]
    corpus = load_corpus(seeds_dir)
    refs = load_refs()
    known = {k: s.id for s in corpus for k in (short(s.id), s.id)}
    links = Links(known, annotation_targets(corpus),
                  set() if refs is None else {str(d) for d in refs["doc_id"]})
    site_record = provenance.record(seeds_dir)
    for sub in ("notebooks", "fonts", "exhibits"):
        (folder / sub).mkdir()
    for name in ("CasebookCJKSans-Regular.otf", "OFL.txt"):
        if (paths.PACKAGE_DIR / "fonts" / name).is_file():
            shutil.copyfile(paths.PACKAGE_DIR / "fonts" / name, folder / "fonts" / name)

    exporter = HTMLExporter(template_name="basic", embed_images=True)
    by_stem = {p.stem: p for p in sources}
    pages, bodies, csvs, originals = [], [], {}, []
    for stem in reading_order(list(by_stem)):
        path = by_stem[stem]
        try:
            nb = nbformat.read(str(path), as_version=4)
            ed = edition_notebook(nb, edition)
            body, exhibits, stripped = render(exporter, ed, stem, links, csvs)
        except SiteError:
            raise
        except Exception as exc:  # a corrupt notebook: one line naming it, no traceback
            raise SiteError(f"{path}: cannot render this executed notebook ({_one_line(exc)}); "
                            "the previous edition is kept") from None
        warnings += [f"{path.name}: a cell shows an error ({o.get('ename')})" for c in nb.cells
                     for o in c.get("outputs", []) if o.get("output_type") == "error"]
        if stripped:
            warnings.append(f"{path.name}: removed {stripped} script or link tag(s) that load "
                            "from the network")
        nbformat.write(ed, str(folder / "notebooks" / path.name))
        record = nb.metadata.get("casestudy")
        cleared = sum(1 for c in nb.cells if c.cell_type == "code" and c.get("outputs") and
                      tags(c) & set(STUDENT_CLEARED_TAGS)) if edition == "student" else 0
        pages.append(PageInfo(stem, *title_and_abstract(ed, stem), exhibits,
                              dict(record) if isinstance(record, dict) else None,
                              len(nb.cells) - len(ed.cells), cleared, prose_words(ed)))
        bodies.append(body)
        originals.append(nb)
        say(f"rendered {path.name}: {len(exhibits)} exhibit(s) and figure(s)")
    for name, text in csvs.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")

    title = pages[0].title.split(" · ")[0].strip()
    extras = [("Instructor's guide", "guide.html")] if edition == "instructor" else []
    terms = load_glossary(glossary) if glossary is not None and glossary.is_file() else None
    extras += [("Glossary", "glossary.html")] if terms else []
    nav = [("Casebook", "index.html"), *[(p.stem, f"{p.stem}.html") for p in pages], *extras,
           ("Sources", "sources.html")]
    case = next((i for i, p in enumerate(pages) if p.stem.endswith("_case")), None)
    why_not = pdf.unavailable() if want_pdf else None
    if why_not:
        warnings.append(f"no PDF written: {why_not}")
    pdf_names = [n for n in ("case.pdf", "casebook.pdf") if want_pdf and not why_not
                 and (n == "casebook.pdf" or case is not None)]
    code_css = HtmlFormatter(style="default").get_style_defs(".highlight")
    chapters: list[tuple[str, str]] = []  # (title, body) of every page, for the casebook PDF

    def write(name: str, page_title: str, body: str, footer: str = "", css: str = "") -> None:
        (folder / name).write_text(page(f"{page_title} · {title}" if name != "index.html" else title,
                                        body, edition, nav, footer, css), encoding="utf-8", newline="\n")
        chapters.append((name, body))

    index = _index_body(title, edition, pages, corpus, extras, pdf_names)
    write("index.html", title, index, f'<div id="built-from">{_record_table(pages, site_record)}</div>')
    for i, (p, body) in enumerate(zip(pages, bodies)):
        steps = [f'<a href="{href(q.stem + ".html")}">{arrow_l}{esc(q.title)}{arrow_r}</a>'
                 for q, arrow_l, arrow_r in ((pages[i - 1] if i else None, "← ", ""),
                                             (pages[i + 1] if i + 1 < len(pages) else None, "", " →"))
                 if q is not None]
        env = (p.record or {}).get("environment", {})
        ran = (f"run with Python {esc(str(env.get('python', '?')))} and casestudy "
               f"{esc(str(env.get('casestudy', '?')))}; the full record is on the "
               '<a href="index.html#built-from">casebook page</a>' if p.record else "no run record")
        write(f"{p.stem}.html", p.title, body, (" · ".join(steps) + "<br>" if steps else "")
              + f'Notebook: <a href="{href("notebooks/" + p.stem + ".ipynb")}">{esc(p.stem)}.ipynb'
              f"</a> · {ran}", code_css)
    if edition == "instructor":
        write("guide.html", "Instructor's guide", guide_body(exporter, [
            (p.stem, p.title, nb) for p, nb in zip(pages, originals)]), css=code_css)
    sources_html = sources_body(corpus, site_record["seeds"], provenance.sha256sums(seeds_dir), refs)
    if terms:
        ids = set(re.findall(r'\bid="([^"]+)"', sources_html))
        write("glossary.html", "Glossary", glossary_body(terms, ids, warnings))
    write("sources.html", "Sources", sources_html)
    if pdf_names:
        _print(folder, edition, title, chapters, pages, originals, exporter, links, case, code_css)
        say("printed " + " and ".join(pdf_names))
    info = {"generator": GENERATOR, "edition": edition, "pdf": pdf_names, "site": site_record,
            "notebooks": [{"name": p.stem, "title": p.title, "record": p.record, "words": p.words,
                           "minutes": p.minutes, "cells_removed": p.cells_removed,
                           "outputs_cleared": p.outputs_cleared,
                           "exhibits": [dataclasses.asdict(e) for e in p.exhibits]} for p in pages]}
    (folder / _MARKER).write_text(json.dumps(info, indent=1, ensure_ascii=False, sort_keys=True)
                                  + "\n", encoding="utf-8")
    return SiteResult(edition, folder, pages, warnings, [folder / n for n in pdf_names])


def _print(folder: Path, edition: str, title: str, chapters: list[tuple[str, str]],
           pages: list[PageInfo], originals: list[Any], exporter: Any, links: Links,
           case: int | None, css: str) -> None:
    """``casebook.pdf`` (every page of the edition in reading order) and ``case.pdf`` (the case
    page as the student edition shows it), through temporary HTML files removed afterwards."""
    jobs = [(folder / ".print-casebook.html", folder / "casebook.pdf",
             "\n".join(f'<section class="chapter" id="print-{safe_id(name)}">{body}</section>'
                       for name, body in chapters))]
    if case is not None:
        student = edition_notebook(originals[case], "student")
        body = render(exporter, student, pages[case].stem, links, {})[0]
        jobs.append((folder / ".print-case.html", folder / "case.pdf", body))
    for source, _, body in jobs:  # links to other files would print as machine paths: unlinked
        body = re.sub(r'(<a\b[^>]*?)\shref="(?!https?:|#)[^"]*"', r"\1", body)
        source.write_text(page(title, body, edition, [], "", css), encoding="utf-8")
    try:
        pdf.print_pdfs([(source, target) for source, target, _ in jobs])
    except Exception as exc:  # the browser failed: the build fails, the old edition stays
        raise SiteError(f"printing the PDF failed ({_one_line(exc)}); build with --no-pdf to "
                        "skip the PDF") from None
    finally:
        for source, _, _ in jobs:
            source.unlink(missing_ok=True)
