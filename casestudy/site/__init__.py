"""The HTML casebook (``casestudy build``): the executed notebooks as a static site that opens
from ``file://`` with no network, one folder per edition, deterministic and atomic (written into
a hidden folder, swapped in when complete: a failed build keeps the old one)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import atomic, load_corpus, load_references, paths, provenance
from . import pdf
from .guide import link_exhibits
from .pages import (
    EDITIONS,
    GENERATOR,
    MINUTES_PER_EXHIBIT,
    STUDENT_CLEARED_TAGS,
    STUDENT_REMOVED_TAGS,
    WORDS_PER_MINUTE,
    Links,
    PageInfo,
    SiteError,
    edition_notebook,
    exhibit_targets,
    guide_body,
    page,
    page_info,
    reading_order,
    render,
)
from .sources import (
    annotation_targets,
    fill,
    load_glossary,
    safe_id,
    seed_anchor,
    seed_section,
    short,
    span_anchor,
)

# The package's public names: what the CLI, tests and notebooks import from ``casestudy.site``
# (some only re-exported from .pages and .sources, so that callers need not know the split).
__all__ = [
    "EDITIONS",
    "MINUTES_PER_EXHIBIT",
    "STUDENT_CLEARED_TAGS",
    "STUDENT_REMOVED_TAGS",
    "WORDS_PER_MINUTE",
    "SiteError",
    "SiteResult",
    "build_site",
    "edition_notebook",
    "executed_notebooks",
    "pdf",
    "reading_order",
    "seed_anchor",
    "span_anchor",
]

_MARKER = "build-info.json"  # in every edition folder: marks it as ours to replace
GLOSSARY = paths.PACKAGE_DIR / "data" / "glossary.toml"


@dataclasses.dataclass
class SiteResult:
    """What ``build_site`` wrote."""
    edition: str
    folder: Path
    pages: list[PageInfo]
    warnings: list[str]
    pdfs: list[Path]

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


def executed_notebooks(folder: Path) -> list[Path]:
    """The executed notebooks in ``folder``: ``*.ipynb``, without hidden and ``.failed`` files."""
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith(".")
                  and not p.name.endswith(".failed.ipynb")) if folder.is_dir() else []


def _differ(section: str, site: dict[str, Any],
            pages: list[PageInfo]) -> list[tuple[str, str, Any]]:
    """Rows of the run record: key, the site build's value,
    {a notebook run's other value: names}."""
    runs = {p.name: p.record.get(section, {}) for p in pages if p.record}
    out = []
    for k in dict.fromkeys([*site[section], *(k for run in runs.values() for k in run)]):
        mine, other = str(site[section].get(k, "—")), dict[str, list[str]]()
        for name, run in runs.items():
            if (v := str(run.get(k, "—"))) != mine:
                other.setdefault(v, []).append(name)
        out.append((k, mine, other))
    return out


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


#: The site's own pages: a notebook of one of these names would be overwritten by it.
RESERVED_PAGES = ("index", "sources", "guide", "glossary")


def _check_page_names(sources: list[Path]) -> None:
    """A notebook's page is ``STEM.html``; it may not be one of :data:`RESERVED_PAGES`."""
    clash = [p for p in sources if p.stem.casefold() in RESERVED_PAGES]
    if clash:
        raise SiteError(f"{clash[0]}: a notebook named {clash[0].stem!r} would be overwritten by "
                        f"the site's own {clash[0].stem}.html; rename the notebook (the site "
                        f"keeps {', '.join(RESERVED_PAGES)} for its pages)")


def build_site(notebooks_dir: str | Path = "build/notebooks", outdir: str | Path = "build/site",
               edition: str = "instructor", seeds_dir: str | Path | None = None,
               progress: Callable[[str], None] | None = None, pdf_files: bool = False,
               glossary: str | Path | None = GLOSSARY) -> SiteResult:
    """Render the executed notebooks as ``outdir/<edition>/`` (replacing an earlier build) and
    ``outdir/index.html``; with ``pdf_files``, the PDFs if Chromium is here (else a warning)."""
    if edition not in EDITIONS:
        raise SiteError(f"unknown edition {edition!r}; expected one of: {', '.join(EDITIONS)}")
    nb_dir, outdir = Path(notebooks_dir), Path(outdir)
    final, sources = outdir / edition, executed_notebooks(nb_dir)
    if not sources:
        where = "does not exist" if not nb_dir.exists() else "holds no executed notebooks"
        raise SiteError(f"{nb_dir}: {where}; run `casestudy run` first (it executes the notebooks "
                        f"into build/notebooks/), or name the folder with --notebooks-dir")
    _check_page_names(sources)
    if outdir.exists() and not outdir.is_dir():
        raise SiteError(f"{outdir}: is a file, not a folder; choose another output with -o")
    if final.exists() and (not final.is_dir() or any(final.iterdir())
                           and not (final / _MARKER).is_file()):
        raise SiteError(f"{final}: the folder is not empty and was not written by casestudy build "
                        f"(no {_MARKER}); choose another output with -o")
    # this build's working folders: .EDITION.<pid>-*.tmp, and .old for the swap
    mine = f".{edition}.{os.getpid()}-*"
    try:
        try:
            outdir.mkdir(parents=True, exist_ok=True)
            atomic.remove_stale(outdir)  # a build killed earlier left its .EDITION.<pid>-*.tmp
            tmp = Path(tempfile.mkdtemp(prefix=mine[:-1], suffix=".tmp", dir=outdir))
            os.chmod(tmp, 0o755)
        except OSError as exc:
            raise SiteError(f"{outdir}: cannot write the site there ({exc.strerror or exc}); "
                            "choose another output with -o") from None
        old = tmp.with_suffix(".old")
        try:
            result = _build(sources, tmp, edition, seeds_dir, progress or (lambda line: None),
                            pdf_files, Path(glossary) if glossary else None)
            if final.exists():  # the swap: two renames, the old edition put back if one fails
                os.rename(final, old)
            try:
                os.rename(tmp, final)
            except OSError:
                if old.exists():
                    os.rename(old, final)
                raise
        except OSError as exc:
            raise SiteError(f"{exc.filename or outdir}: cannot write the site "
                            f"({exc.strerror or exc}); the previous edition is kept") from None
    finally:  # found by name: a signal may land before ``tmp`` is assigned
        for leftover in outdir.glob(mine) if outdir.is_dir() else ():
            shutil.rmtree(leftover, ignore_errors=True)
    result.folder, result.pdfs = final, [final / p.name for p in result.pdfs]
    top, title = outdir / "index.html", result.pages[0].title.split(" · ")[0].strip()
    if not top.exists() or f'content="{GENERATOR}"' in top.read_text("utf-8", "replace"):
        body = fill("editions.html.j2", title=title,  # links to the editions built here
                    editions=[e for e in EDITIONS if (outdir / e / "index.html").is_file()])
        # only an index that is absent or ours: never over others'
        atomic.write_text(top, page(title, body, "all", [("Editions", "index.html")]))
    return result


def _build(sources: list[Path], folder: Path, edition: str, seeds_dir: str | Path | None,
           say: Callable[[str], None], want_pdf: bool, glossary: Path | None) -> SiteResult:
    import nbformat
    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter

    warnings = [f"{f.name}: the last run of this notebook failed; the site shows an earlier run "
                "or no page for it" for f in sorted(sources[0].parent.glob("*.failed.ipynb"))]
    corpus, refs = load_corpus(seeds_dir), load_references()
    site_record = provenance.record(seeds_dir)
    links = Links({k: s.id for s in corpus for k in (short(s.id), s.id)},
                  annotation_targets(corpus), {str(d) for d in refs["doc_id"]})
    (folder / "notebooks").mkdir()
    (folder / "exhibits").mkdir()
    shutil.copytree(paths.PACKAGE_DIR / "fonts", folder / "fonts",
                    ignore=shutil.ignore_patterns("*.md"))
    exporter = HTMLExporter(template_name="casebook", embed_images=True,  # basic + hide-* tags
                            extra_template_basedirs=[str(Path(__file__).with_name("nbconvert"))])
    # done: (nb, body, print) for each rendered notebook
    by_stem, pages, done, csvs = {p.stem: p for p in sources}, [], [], dict[str, str]()
    for stem in reading_order(list(by_stem)):
        try:
            nb = nbformat.read(str(by_stem[stem]), as_version=4)
            ed = edition_notebook(nb, edition)
            body, exhibits = render(exporter, ed, stem, links, csvs)
            printed = render(exporter, ed, stem, links, {}, "print")[0] if want_pdf else ""
        except Exception as exc:  # a corrupt notebook: one line naming it, no traceback
            raise SiteError(f"{by_stem[stem]}: cannot render this executed notebook "
                            f"({_one_line(exc)}); the previous edition is kept") from None
        pages.append(page_info(stem, nb, ed, exhibits))
        nbformat.write(ed, str(folder / "notebooks" / f"{stem}.ipynb"))
        warnings += [f"{stem}.ipynb: a cell shows an error ({o.get('ename')})" for c in nb.cells
                     for o in c.get("outputs", []) if o.get("output_type") == "error"]
        done.append((nb, body, printed))
        say(f"rendered {stem}.ipynb: {len(exhibits)} exhibit(s)")
    for name, text in csvs.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")

    title = pages[0].title.split(" · ")[0].strip()
    terms = load_glossary(glossary) if glossary is not None and glossary.is_file() else None
    extras = [("Instructor's guide", "guide.html")] * (edition == "instructor") + \
        [("Glossary", "glossary.html")] * bool(terms)
    nav = [("Casebook", "index.html"), *[(p.name, f"{p.name}.html") for p in pages], *extras,
           ("Sources", "sources.html")]
    case = next((i for i, p in enumerate(pages) if p.name.endswith("_case")), None)
    why_not = pdf.unavailable() if want_pdf else None
    warnings += [f"no PDF written: {why_not}"] if why_not else []
    pdf_names = (["case.pdf"] * (case is not None) + ["casebook.pdf"]
                 if want_pdf and not why_not else [])
    code_css = HtmlFormatter(style="default").get_style_defs(".highlight")
    chapters: list[tuple[str, str]] = []  # (file name, body) of every page, for the casebook PDF

    def write(name: str, page_title: str, body: str, footer: str = "", printed: str = "") -> None:
        full_title = f"{page_title} · {title}" if name != "index.html" else title
        (folder / name).write_text(page(full_title, body, edition, nav, footer, code_css),
                                   encoding="utf-8", newline="\n")
        chapters.append((name, printed or body))

    write("index.html", title, fill("index.html.j2", title=title, edition=edition, pages=pages,
                                    extras=extras, pdfs=pdf_names,
                                    words_per_minute=WORDS_PER_MINUTE,
                                    minutes_per_exhibit=MINUTES_PER_EXHIBIT),
          fill("record.html.j2", pages=pages, site=site_record, environment=_differ(
              "environment", site_record, pages), seeds=_differ("seeds", site_record, pages)))
    targets = exhibit_targets(pages)  # "see Exhibit 3.1" on any page links to the exhibit
    for p, (_, body, printed) in zip(pages, done):
        write(f"{p.name}.html", p.title, link_exhibits(body, targets)[0],
              fill("footer.html.j2", p=p), link_exhibits(printed, targets)[0])
    if edition == "instructor":
        guide, unresolved = guide_body(exporter, [(p.name, p.title, nb) for p, (nb, *_)
                                                  in zip(pages, done)], targets)
        write("guide.html", "Instructor's guide", guide)
        warnings += unresolved
    sums = provenance.sha256sums(seeds_dir) or {}
    sources_html = fill("sources.html.j2", refs=refs, seeds=[seed_section(
        s, site_record["seeds"].get(s.id, ""), sums.get(s.id)) for s in corpus])
    if terms:
        ids = set(re.findall(r'\bid="([^"]+)"', sources_html))  # a cite not among them: unlinked
        warnings += [f"glossary: the term {t['term']!r} cites {t['cite']!r}, which sources.html "
                     "does not have" for t in terms if t.get("cite") and t["cite"] not in ids]
        write("glossary.html", "Glossary", fill("glossary.html.j2", terms=terms, ids=ids))
    write("sources.html", "Sources", sources_html)
    if pdf_names:  # the casebook: every page in reading order; the case as students get it
        exref = re.compile(r'(<a class="exref") href="[^"#]*#(exhibit-[^"]+)"')  # to the PDF's own
        jobs = [("casebook.pdf", exref.sub(r'\1 href="#\2"', "\n".join(
            f'<section class="chapter" id="print-{safe_id(name)}">{body}</section>'
            for name, body in chapters)))]
        if case is not None:
            student = edition_notebook(done[case][0], "student")
            jobs.append(("case.pdf", render(exporter, student, pages[case].name, links, {},
                                            "print")[0]))
        # local links would print as machine paths
        local = re.compile(r'(<a\b[^>]*?)\shref="(?!https?:|#)[^"]*"')
        try:
            pdf.print_pdfs([(folder / name, page(title, local.sub(r"\1", body), edition, [], "",
                                                 code_css)) for name, body in jobs])
        except Exception as exc:  # the browser failed: the build fails, the old edition stays
            raise SiteError(f"printing the PDF failed ({_one_line(exc)}); build with --no-pdf to "
                            "skip the PDF") from None
        say("printed " + " and ".join(pdf_names))
    info = {"generator": GENERATOR, "edition": edition, "pdf": pdf_names, "site": site_record,
            "notebooks": [dict(dataclasses.asdict(p), minutes=p.minutes) for p in pages]}
    (folder / _MARKER).write_text(json.dumps(info, indent=1, ensure_ascii=False, sort_keys=True)
                                  + "\n", encoding="utf-8")
    return SiteResult(edition, folder, pages, warnings, [folder / n for n in pdf_names])

