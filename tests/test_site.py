"""The HTML casebook (``casestudy build``), its editions, and the run records.

The site is built from the stored notebooks (nbval, in the same run, checks that they are
what a fresh run gives); the extended tier runs every notebook through the package's own
runner and checks its run records; a handmade executed notebook (no kernel needed) pins the
details: exhibit anchors, source-line links, edition rules.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from casestudy import cli, paths, provenance
from casestudy.corpus import load_corpus
from casestudy.nbclean import clean
from casestudy.runner import resolve_notebooks
from casestudy.site import (
    STUDENT_CLEARED_TAGS,
    STUDENT_REMOVED_TAGS,
    SiteError,
    build_site,
    edition_notebook,
    executed_notebooks,
    seed_anchor,
    span_anchor,
)

ROOT = Path(__file__).resolve().parents[1]
REMOVED = set(STUDENT_REMOVED_TAGS)
CLEARED = set(STUDENT_CLEARED_TAGS)


# -- helpers -----------------------------------------------------------------------------


class _Page(HTMLParser):
    """Links, images, scripts, stylesheets and ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.imgs: list[str | None] = []
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])  # type: ignore[arg-type]
        if tag == "a" and a.get("href") is not None:
            self.hrefs.append(a["href"])  # type: ignore[arg-type]
        elif tag == "img":
            self.imgs.append(a.get("src"))
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "link":
            self.links.append(a)


def parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def html_pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def check_links(folder: Path) -> list[str]:
    """Every relative link of every page in ``folder`` points to a file, and to an id there."""
    problems = []
    cache: dict[Path, _Page] = {}

    def parsed_page(path: Path) -> _Page:
        if path not in cache:
            cache[path] = parse(path)
        return cache[path]

    for page in html_pages(folder):
        parsed = parsed_page(page)
        for href in parsed.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:  # a link out of the site (in a notebook's text)
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                problems.append(f"{page.name}: {href} -> missing file")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed_page(target).ids
                # as a browser does: the fragment as written, else percent-decoded
                if parts.fragment not in ids and unquote(parts.fragment) not in ids:
                    problems.append(f"{page.name}: {href} -> no id {parts.fragment!r}")
    return problems


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# -- fixtures: executed notebooks and the two editions ----------------------------------------


@pytest.fixture(scope="module")
def executed() -> Path:
    """The stored notebooks: nbval executes each afresh in the same run and compares every
    output with the stored one (PNG images included, tests/conftest.py), so they are the
    notebooks a run at the defaults gives."""
    return paths.notebooks_dir()


@pytest.fixture(scope="module")
def site(executed: Path, built_site: Path) -> Path:
    """Both editions built from ``executed``, once per test session (tests/conftest.py)."""
    for edition in ("instructor", "student"):
        assert (built_site / edition / "index.html").is_file(), edition
    return built_site


def test_every_notebook_executes_under_the_runner(default_runs: dict) -> None:
    """Every notebook at its defaults through the package's runner (the extended tier; nbval
    executes them in the default tier)."""
    assert sorted(default_runs) == [p.stem for p in resolve_notebooks()]
    failed = [r.summary() for r in default_runs.values() if not r.ok]
    assert not failed, "notebooks failed under run_notebooks: " + "; ".join(failed)


# -- the site ----------------------------------------------------------------------------------


def test_site_layout(site: Path, executed: Path) -> None:
    stems = [p.stem for p in executed_notebooks(executed)]
    assert (site / "index.html").is_file()
    top = parse(site / "index.html")
    assert {"instructor/index.html", "student/index.html"} <= set(top.hrefs)
    for edition in ("instructor", "student"):
        folder = site / edition
        for name in ["index.html", "sources.html", "build-info.json",
                     "fonts/CasebookCJKSans-Regular.otf", "fonts/OFL.txt"]:
            assert (folder / name).is_file(), f"{edition}/{name} missing"
        for stem in stems:
            assert (folder / f"{stem}.html").is_file(), f"{edition}/{stem}.html missing"
            assert (folder / "notebooks" / f"{stem}.ipynb").is_file()
        index = parse(folder / "index.html")
        for stem in stems:
            assert f"{stem}.html" in index.hrefs, f"index.html does not link {stem}.html"
        assert "sources.html" in index.hrefs


def test_links_resolve(site: Path) -> None:
    problems = check_links(site)
    assert not problems, "\n".join(problems[:20])


def test_images_are_embedded_and_not_empty(site: Path, executed: Path) -> None:
    for edition in ("instructor", "student"):
        for page in html_pages(site / edition):
            for src in parse(page).imgs:
                assert src, f"{edition}/{page.name}: an <img> without a src"
                assert src.startswith("data:image/"), f"{page.name}: image not embedded: {src[:60]}"
                head, _, data = src.partition(",")
                raw = base64.b64decode(data)
                assert len(raw) > 100, f"{page.name}: an empty image"
                if head.startswith("data:image/png"):
                    assert raw[:8] == b"\x89PNG\r\n\x1a\n", f"{page.name}: not a PNG"
    # every figure of the executed notebooks is on its page
    for nb_path in executed_notebooks(executed):
        nb = nbformat.read(str(nb_path), as_version=4)
        pngs = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                   if "image/png" in o.get("data", {}) and "text/html" not in o.get("data", {}))
        shown = len(parse(site / "instructor" / f"{nb_path.stem}.html").imgs)
        assert shown >= pngs, f"{nb_path.stem}: {pngs} PNG output(s), {shown} image(s) on the page"


def test_no_network_resources(site: Path) -> None:
    for page in html_pages(site):
        parsed = parse(page)
        assert not [s for s in parsed.scripts if s.get("src")], \
            f"{page.name}: a <script src> (the page must render without loading scripts)"
        assert not [k for k in parsed.links if re.match(r"(https?:)?//", k.get("href") or "")], \
            f"{page.name}: a <link> to the network"
        text = page.read_text(encoding="utf-8")
        cdn = r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//[^"'>]*cdn"""
        assert not re.search(cdn, text, re.I), f"{page.name}: a CDN reference"
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text), \
            f"{page.name}: a CSS url() to the network"


def test_sources_page_has_an_anchor_per_seed_and_span(site: Path) -> None:
    corpus = load_corpus()
    page = (site / "instructor" / "sources.html").read_bytes().decode("utf-8")
    ids = parse(site / "instructor" / "sources.html").ids
    for seed in corpus:
        assert seed_anchor(seed.id) in ids, f"no anchor for seed {seed.id}"
        for kind, locs in (("fact", seed.facts), ("claim", seed.claims), ("event", seed.events)):
            for loc in locs:
                named = span_anchor(seed.id, kind, loc.entry.id)
                offsets = span_anchor(seed.id, "raw", (loc.start, loc.end))
                assert named in ids, f"no anchor {named}"
                assert offsets in ids, f"no anchor {offsets}"
                # the original text right after the anchor is the quoted passage
                at = page.index(f'id="{html.escape(named)}"')
                after = text_of(page[at:at + 4000].split(">", 1)[1])
                assert after.startswith(seed.raw[loc.start:loc.end][:20]), \
                    f"{named}: the anchor is not at its quote"
    # each seed's original and cleaned text are on the page, in full and unchanged
    texts = re.findall(r'<pre class="seedtext"[^>]*>(.*?)</pre>', page, re.S)
    assert len(texts) == 2 * len(corpus)
    for seed, raw, clean_text in zip(corpus, texts[0::2], texts[1::2]):
        assert text_of(raw) == seed.raw, f"{seed.id}: the original differs on the page"
        assert text_of(clean_text) == seed.text, f"{seed.id}: the cleaned text differs on the page"


def test_exhibit_source_lines_link_to_the_sources(site: Path, executed: Path) -> None:
    corpus = load_corpus()
    short = {s.id[:3] for s in corpus}
    linked_lines = 0
    for nb_path in executed_notebooks(executed):
        page = (site / "instructor" / f"{nb_path.stem}.html").read_text(encoding="utf-8")
        for m in re.finditer(r"<p[^>]*>(Sources?:.*?)</p>", page, re.S):
            line = m.group(1)
            for sm in re.finditer(r"\bseeds?\s+(\d{3})\b", text_of(line)):
                if sm.group(1) in short:
                    assert f'href="sources.html#seed-{sm.group(1)}"' in line, \
                        f"{nb_path.stem}: 'seed {sm.group(1)}' not linked in " \
                        f"{text_of(line)[:120]!r}"
                    linked_lines += 1
    assert linked_lines, "no exhibit source line names a seed"
    # the index lists every titled exhibit of the pages, with its source line linked
    index = (site / "instructor" / "index.html").read_text(encoding="utf-8")
    for page in (site / "instructor").glob("*_*.html"):
        html_text = page.read_text(encoding="utf-8")
        for number in re.findall(r"<h4>Exhibit ([0-9A-Za-z.]+?)\.\s", html_text):
            assert f">Exhibit {number}</a>" in index, f"index.html does not list Exhibit {number}"
    assert 'href="sources.html#seed-' in index
    # figure exhibits are listed by their title, with their source line linked
    info = json.loads((site / "instructor" / "build-info.json").read_text(encoding="utf-8"))
    figures = [(n["name"], e) for n in info["notebooks"] for e in n["exhibits"]
               if e["kind"] == "figure" and e["number"]]
    assert figures, "no figure exhibit with a number in the executed notebooks"
    for stem, e in figures:
        row = re.search(rf'<tr><td><a href="{stem}.html#{e["anchor"]}">'
                        rf'Exhibit {re.escape(e["number"])}'
                        r"</a></td>(.*?)</tr>", index, re.S)
        assert row, f"index.html does not list the figure Exhibit {e['number']}"
        assert text_of(row.group(1)).startswith(e["title"]) and "Source:" not in e["title"]
        if re.search(r"\bseed 00\d\b", e["source"]):
            assert 'href="sources.html#seed-' in row.group(1), \
                f"Exhibit {e['number']}: seeds not linked"


def test_student_edition_strips_tagged_cells(site: Path, executed: Path) -> None:
    tagged_before = 0
    for nb_path in executed_notebooks(executed):
        original = nbformat.read(str(nb_path), as_version=4)
        student = nbformat.read(str(site / "student" / "notebooks" / nb_path.name), as_version=4)
        instructor = nbformat.read(str(site / "instructor" / "notebooks" / nb_path.name),
                                   as_version=4)
        tags = [set(c.metadata.get("tags", [])) for c in original.cells]
        tagged_before += sum(1 for t in tags if t & (REMOVED | CLEARED))
        for cell in student.cells:
            t = set(cell.metadata.get("tags", []))
            assert not t & REMOVED, \
                f"{nb_path.stem}: a {sorted(t & REMOVED)} cell in the student edition"
            if t & CLEARED and cell.cell_type == "code":
                assert not cell.outputs, f"{nb_path.stem}: an exercise cell kept its outputs"
        assert len(student.cells) == sum(1 for t in tags if not t & REMOVED)
        assert instructor.cells == original.cells, \
            f"{nb_path.stem}: the instructor edition changed cells"
        page = (site / "student" / f"{nb_path.stem}.html").read_text(encoding="utf-8")
        for tag in REMOVED:
            assert not re.search(f'class="[^"]*celltag_{tag}', page), \
                f"{nb_path.stem}.html shows a {tag} cell"
        if any(t & REMOVED for t in tags):
            ipage = (site / "instructor" / f"{nb_path.stem}.html").read_text(encoding="utf-8")
            assert any(re.search(f'class="[^"]*celltag_{tag}', ipage) for tag in REMOVED), \
                f"{nb_path.stem}: the instructor page lost its tagged cells"
    if not tagged_before:
        pytest.skip("no notebook has teaching-note, answer or exercise cells yet "
                    "(test_student_edition_of_a_handmade_notebook covers the rules)")


def test_student_notebooks_execute(site: Path, executed: Path, student_runs: dict) -> None:
    """The student notebooks run on their own. Those whose code differs from the executed
    ones (a cell was removed) must be code for code the student editions the session ran
    (tests/conftest.py), and those runs must have passed; the others are the notebooks the
    fixture ran."""
    changed = []
    for nb_path in executed_notebooks(executed):
        before = nbformat.read(str(nb_path), as_version=4)
        student = site / "student" / "notebooks" / nb_path.name
        after = nbformat.read(str(student), as_version=4)
        if [c.source for c in before.cells if c.cell_type == "code"] != \
                [c.source for c in after.cells if c.cell_type == "code"]:
            changed.append(student)
    if not changed:
        pytest.skip("no student notebook differs in code from the executed notebooks")
    assert sorted(p.stem for p in changed) == sorted(student_runs)
    for student in changed:
        result = student_runs[student.stem]
        ran = nbformat.read(str(result.output or student), as_version=4)
        site_code = [c.source for c in nbformat.read(str(student), as_version=4).cells
                     if c.cell_type == "code"]
        ran_code = [c.source for c in ran.cells if c.cell_type == "code"
                    and "injected-parameters" not in c.metadata.get("tags", [])]
        assert ran_code == site_code, student.name  # (the run may add its parameters)
    failed = [r.summary() for r in student_runs.values() if not r.ok]
    assert not failed, "student notebooks failed: " + "; ".join(failed)


def test_environment_is_recorded(default_runs: dict, tmp_path: Path) -> None:
    """The runner records the run in each executed notebook's metadata, and a site built from
    those runs (as the main job builds it) shows the records (the extended tier: the stored
    notebooks, which the other site tests read, carry no record)."""
    corpus = load_corpus()
    outputs = sorted(r.output for r in default_runs.values() if r.output is not None)
    assert outputs, "no notebook executed"
    build_site(outputs[0].parent, tmp_path / "site", "instructor")
    site = tmp_path / "site"
    for nb_path in outputs:
        record = nbformat.read(str(nb_path), as_version=4).metadata.get("casestudy")
        assert record, f"{nb_path.stem}: no run record in metadata.casestudy"
        env = record["environment"]
        for key in ("python", "pandas", "matplotlib", "papermill", "nbclient", "nbformat",
                    "casestudy"):
            assert env.get(key) and env[key] != "not installed", f"{nb_path.stem}: no {key} version"
        assert record["seeds"] == corpus.checksums()
        assert record["seeds_match_sha256sums"] is True
    # the reference copies never carry it
    for ref in resolve_notebooks():
        assert "casestudy" not in nbformat.read(str(ref), as_version=4).metadata, \
            f"{ref.name}: the reference copy carries a run record"
    info = json.loads((site / "instructor" / "build-info.json").read_text(encoding="utf-8"))
    assert info["site"]["seeds"] == corpus.checksums()
    assert all(n["record"] for n in info["notebooks"])
    index = (site / "instructor" / "index.html").read_text(encoding="utf-8")
    footer = index[index.index('<footer class="site">'):]
    env = provenance.environment()
    for key in ("python", "pandas", "matplotlib", "papermill", "nbclient", "nbformat", "casestudy"):
        assert f"<th>{key}</th><td>{env[key]}</td>" in footer, f"the footer lacks {key}"
    for sid, digest in corpus.checksums().items():
        assert digest in footer and sid in footer
    assert "not recorded" not in footer


def test_clean_drops_the_run_record() -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["casestudy"] = provenance.record()
    assert "casestudy" not in clean(nb).metadata


def test_a_small_casebook_builds_to_the_same_bytes(tmp_path: Path, refs_used: list) -> None:
    """Two builds of the handmade casebook (exhibits with metadata, a figure, CJK text) give the
    same files, byte for byte; test_site_is_deterministic (extended tier) rebuilds the whole
    casebook."""
    nbs = _casebook(tmp_path / "nbs", refs_used)
    for out in ("one", "two"):
        build_site(nbs, tmp_path / out, "instructor")
    first, second = tmp_path / "one" / "instructor", tmp_path / "two" / "instructor"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(files) > 5
    for name in files:
        assert (second / name).read_bytes() == (first / name).read_bytes(), f"{name} differs"


@pytest.mark.extended
def test_site_is_deterministic(executed: Path, site: Path, tmp_path: Path) -> None:
    build_site(executed, tmp_path, "instructor")
    first = site / "instructor"
    for path in sorted(first.rglob("*")):
        if path.is_file():
            again = tmp_path / "instructor" / path.relative_to(first)
            assert again.read_bytes() == path.read_bytes(), f"{path.relative_to(first)} differs"


# -- errors ----------------------------------------------------------------------------------------


def test_build_without_executed_notebooks(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "x.failed.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(SiteError, match="casestudy run"):
        build_site(empty, tmp_path / "site")
    code = cli.main(["build", "--notebooks-dir", str(empty), "-o", str(tmp_path / "site")])
    assert code != 0
    assert "casestudy run" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_build_will_not_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nbformat.write(_handmade(), str(nbs / "01_x.ipynb"))
    mine = tmp_path / "site" / "instructor"
    mine.mkdir(parents=True)
    (mine / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(SiteError, match="not written by casestudy build"):
        build_site(nbs, tmp_path / "site", "instructor")
    assert (mine / "thesis.docx").read_text(encoding="utf-8") == "precious"
    # nor an index.html of someone else's in the output folder
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "index.html").write_text("<p>my homepage</p>", encoding="utf-8")
    build_site(nbs, other, "student")
    assert (other / "index.html").read_text(encoding="utf-8") == "<p>my homepage</p>"
    assert (other / "student" / "index.html").is_file()
    # an interrupted build (marker written first) is replaced the next time
    (other / "student" / "index.html").unlink()
    build_site(nbs, other, "student")
    assert json.loads((other / "student" / "build-info.json").read_text(encoding="utf-8"))[
        "edition"] == "student"


# -- a handmade executed notebook: the rules in detail ---------------------------------------------

_PNG = base64.b64encode(
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00"
    b"\x00\x00\x00IEND\xaeB`\x82").decode()


def _handmade() -> nbformat.NotebookNode:
    v4 = nbformat.v4
    source = ("Source: seed 004 (中国企业家杂志, 2025-11-19); seed 999; "
              "seeds 000_88a04990141fc500, 003_bd8dcc4d91eb5557")
    exhibit_html = ('<h4>Exhibit 9.1. A table exhibit</h4>\n<table><tr><td>Source: Screenshot from '
                    'Weibo</td><td>s004-q3-2025-revenue</td></tr></table>\n'
                    f'<p class="source" style="font-size:85%">{source}</p>')
    cells = [
        v4.new_markdown_cell("# The Test casebook · 9. Handmade\n\nThe first paragraph, with "
                             "**bold** text.\n\nA second paragraph."),
        v4.new_code_cell("show()", execution_count=1, outputs=[v4.new_output(
            "execute_result", {"text/html": exhibit_html, "text/plain": "Exhibit"},
            execution_count=1,
            metadata={"casestudy": {"exhibit": "9.1", "title": "A table exhibit",
                                    "source": source}})]),
        v4.new_markdown_cell("## A section about figures"),
        v4.new_code_cell("plot()", execution_count=2, outputs=[v4.new_output(
            "display_data", {"image/png": _PNG, "text/plain": "<Figure>"})]),
        v4.new_code_cell("drawn()", execution_count=6, outputs=[v4.new_output(
            "display_data", {"image/png": _PNG, "text/plain": "<Figure>"},
            metadata={"image/png": {"alt": "Exhibit 9.3. A drawn exhibit. Source: seed 002"},
                      "casestudy": {"exhibit": "9.3", "title": "A drawn exhibit",
                                    "source": "Source: seed 002"}})]),
        v4.new_code_cell("print(table)", execution_count=3, outputs=[v4.new_output(
            "stream", name="stdout", text="x  y\n")]),
        v4.new_markdown_cell("## Teaching note\n\nSecret.", metadata={"tags": ["teaching-note"]}),
        v4.new_code_cell("answer = 42", execution_count=4, metadata={"tags": ["answer"]},
                         outputs=[v4.new_output("stream", name="stdout", text="model answer\n")]),
        v4.new_code_cell("try_it()", execution_count=5, metadata={"tags": ["exercise"]},
                         outputs=[v4.new_output("stream", name="stdout",
                                                text="exercise output\n")]),
    ]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def test_edition_notebook_rules() -> None:
    nb = _handmade()
    student = edition_notebook(nb, "student")
    kept = [c.source for c in student.cells]
    assert "answer = 42" not in kept and not any("Teaching note" in s for s in kept)
    ex = [c for c in student.cells if "exercise" in c.metadata.get("tags", [])]
    assert len(ex) == 1 and ex[0].outputs == [] and ex[0].execution_count is None
    assert len(student.cells) == len(nb.cells) - 2
    assert edition_notebook(nb, "instructor") == nb
    assert [c for c in nb.cells if "exercise" in c.metadata.get("tags", [])][0].outputs, \
        "edition_notebook changed its input"
    with pytest.raises(SiteError):
        edition_notebook(nb, "teacher")


def test_handmade_notebook_pages(tmp_path: Path) -> None:
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nbformat.write(_handmade(), str(nbs / "09_handmade.ipynb"))
    inst = build_site(nbs, tmp_path / "site", "instructor")
    stud = build_site(nbs, tmp_path / "site", "student")
    page = (tmp_path / "site" / "instructor" / "09_handmade.html").read_text(encoding="utf-8")
    ex = {e.anchor: e for e in inst.pages[0].exhibits}
    assert set(ex) == {"exhibit-9-1", "exhibit-9-3"}  # exhibits are outputs of cs.show
    assert (ex["exhibit-9-3"].kind, ex["exhibit-9-3"].title) == ("figure", "A drawn exhibit")
    assert 'alt="Exhibit 9.3. A drawn exhibit. Source: seed 002"' in page
    assert ex["exhibit-9-1"].source.startswith("Source: seed 004")
    assert 'seed <a class="seedref" href="sources.html#seed-004">004</a>' in page
    assert "seed 999" in page and "#seed-999" not in page  # not a seed of the corpus
    assert 'href="sources.html#seed-000">000_88a04990141fc500</a>' in page
    assert 'href="sources.html#seed-003">003_bd8dcc4d91eb5557</a>' in page
    assert 'Source: seed <a class="seedref" href="sources.html#seed-002">002</a>' in page  # figure
    assert '<td>Source: Screenshot from Weibo</td>' in page
    fact = span_anchor("004_e1cfa5dcaaabac6e", "fact", "s004-q3-2025-revenue")
    assert f'href="sources.html#{fact}"' in page
    for anchor in ex:
        assert f'id="{anchor}"' in page
    assert inst.pages[0].title == "The Test casebook · 9. Handmade"
    assert "The first paragraph" in inst.pages[0].abstract_html
    assert "<strong>bold</strong>" in inst.pages[0].abstract_html
    assert "second paragraph" not in inst.pages[0].abstract_html
    index = (tmp_path / "site" / "instructor" / "index.html").read_text(encoding="utf-8")
    assert "<h1>The Test casebook</h1>" in index
    assert "Not recorded for: 09_handmade" in index  # no run record in a handmade notebook
    assert "model answer" in page and "Secret." in page and "exercise output" in page
    spage = (tmp_path / "site" / "student" / "09_handmade.html").read_text(encoding="utf-8")
    assert "model answer" not in spage and "Secret." not in spage
    assert "exercise output" not in spage and "try_it" in spage  # code kept, output gone
    assert stud.pages[0].cells_removed == 2 and stud.pages[0].outputs_cleared == 1
    assert not check_links(tmp_path / "site")


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
def test_cli_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nbformat.write(_handmade(), str(nbs / "09_handmade.ipynb"))
    out = tmp_path / "site"
    assert cli.main(["build", "--edition", "student", "--notebooks-dir", str(nbs),
                     "-o", str(out), "--no-pdf"]) == 0  # (test_pdf_case_and_casebook prints)
    printed = capsys.readouterr().out
    assert "student edition: 1 notebook page(s)" in printed
    assert (out / "student" / "09_handmade.html").is_file()
    assert not (out / "instructor").exists()
    assert cli.main(["build", "--notebooks-dir", str(nbs), "-o", str(out), "--no-pdf"]) == 0
    assert {"student/index.html", "instructor/index.html"} <= set(parse(out / "index.html").hrefs)


# -- issue 14: hostile seeds, atomic builds ------------------------------------------------------

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
HOSTILE_TOML = """schema = 1
[metadata]
title = "<script>alert('t')</script>"
title_en = "\\"><img src=y onerror=alert(3)>"
outlet = "<b onclick=x>outlet</b>"
author = "' onfocus='alert(8)"
date = ""
date_precision = "unknown"
date_evidence = "<i>none</i>"
genre = "news"
language = "en"
languages = ["en"]
stance = "neutral"
topics = ["<x>"]
summary = "</pre><script>alert(4)</script>"
opening_en = "'><svg onload=alert(5)>"

[[claims]]
id = "x\\"><script>alert(6)</script>"
gloss = "<script>alert(7)</script>"
quote = "\\"quotes\\" & <b>tags</b>"
"""


def _hostile_seeds(folder: Path) -> Path:
    folder.mkdir()
    (folder / "<img src=x onerror=alert(1)>.txt").write_text(
        'Xiaomi sold 10 phones. <script>alert(2)</script> "onmouseover="x\n', encoding="utf-8")
    (folder / 'a"b.txt').write_text('Plain text with 5 "quotes" & <b>tags</b>.\n', encoding="utf-8")
    (folder / 'a"b.toml').write_text(HOSTILE_TOML, encoding="utf-8")
    (folder / "004_plain.txt").write_text("A normal seed, 2025.\n", encoding="utf-8")
    return folder


class _Attrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_hostile_seed_folder_is_escaped_everywhere(tmp_path: Path) -> None:
    seeds = _hostile_seeds(tmp_path / "seeds")
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nbformat.write(_handmade(), str(nbs / "09_handmade.ipynb"))
    for edition in ("instructor", "student"):
        build_site(nbs, tmp_path / "site", edition, seeds_dir=seeds)
    pages = html_pages(tmp_path / "site")
    assert len(pages) >= 8
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), f"{path.name}: an unescaped <script"
        parsed = _Attrs()
        parsed.feed(text)
        for tag, attrs in parsed.tags:
            assert tag not in ("svg", "img") or (attrs.get("src") or "").startswith("data:"), \
                f"{path.name}: an injected <{tag}> {attrs}"
            events = [a for a in attrs if a.startswith("on")]
            assert not events, f"{path.name}: an event-handler attribute broke out: {tag} {attrs}"
            assert "b" != tag or not attrs, f"{path.name}: injected markup <b {attrs}>"
        if path.name in ("sources.html", "index.html"):
            for ident in parse(path).ids:
                assert SAFE_ID.match(ident), f"{path.name}: an unsafe id {ident!r}"
    sources = (tmp_path / "site" / "instructor" / "sources.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in sources  # shown, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in sources
    # normal ids keep their readable anchors; hostile ones get a hashed one, and all resolve
    ids = parse(tmp_path / "site" / "instructor" / "sources.html").ids
    assert seed_anchor("004_plain") == "seed-004" and "seed-004" in ids
    for sid in ('a"b', "<img src=x onerror=alert(1)>"):
        assert re.fullmatch(r"seed-h[0-9a-f]{12}", seed_anchor(sid)) and seed_anchor(sid) in ids
    assert span_anchor('a"b', "claim", 'x"><script>alert(6)</script>') in ids
    assert span_anchor("004_e1cfa5dcaaabac6e", "fact", "q3-rev") == "s004-fact-q3-rev"
    assert not check_links(tmp_path / "site")


def _two_notebooks(folder: Path) -> Path:
    folder.mkdir()
    nbformat.write(_handmade(), str(folder / "01_one.ipynb"))
    nbformat.write(_handmade(), str(folder / "02_two.ipynb"))
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failed_build_keeps_the_previous_edition(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    nbs = _two_notebooks(tmp_path / "nbs")
    out = tmp_path / "site"
    build_site(nbs, out, "instructor")
    before = _snapshot(out)
    (nbs / "02_two.ipynb").write_text('{"cells": [', encoding="utf-8")  # truncated
    with pytest.raises(SiteError, match=r"02_two\.ipynb: cannot render") as err:
        build_site(nbs, out, "instructor")
    assert "\n" not in str(err.value)
    assert _snapshot(out) == before, "the previous edition changed"
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "instructor"], \
        "temp folders left"
    assert cli.main(["build", "--no-pdf", "--notebooks-dir", str(nbs), "-o", str(out)]) == 2
    err_text = capsys.readouterr().err
    assert len(err_text.strip().splitlines()) == 1 and "02_two.ipynb" in err_text
    assert "Traceback" not in err_text
    assert _snapshot(out) == before


def test_unusable_output_folders_give_one_line_errors(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    nbs = _two_notebooks(tmp_path / "nbs")
    a_file = tmp_path / "site.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    # root writes into chmod 555 folders: it gets a read-only place of the system instead
    readonly = Path("/sys/casebook-site") if os.geteuid() == 0 else tmp_path / "ro" / "site"
    if os.geteuid() != 0:
        readonly.parent.mkdir()
        readonly.parent.chmod(0o555)
    for target, words in ((a_file, "is a file"), (readonly, "cannot write the site there")):
        code = cli.main(["build", "--no-pdf", "--notebooks-dir", str(nbs), "-o", str(target)])
        err_text = capsys.readouterr().err
        assert code == 2, err_text
        assert len(err_text.strip().splitlines()) == 1 and words in err_text, err_text
        assert str(target) in err_text and "Traceback" not in err_text
    assert a_file.read_text(encoding="utf-8") == "not a folder"


# -- issue 12: reading order, guide, glossary, references, CSV, PDF -------------------------------


def _exhibit_output(number: str, title: str, table_csv: str | None, refs: list) -> dict:
    v4 = nbformat.v4
    source = ("Source: seed 004 (中国企业家杂志, 2025-11-19)"
              + "".join(f"; {r['cite']}" for r in refs))
    meta = {"exhibit": number, "title": title, "source": source, "seeds": ["004_e1cfa5dcaaabac6e"],
            "refs": refs}
    if table_csv is not None:
        meta["csv"] = table_csv
        data = {"text/html": f"<h4>Exhibit {number}. {html.escape(title)}</h4>\n<table><tr><td>"
                             f"s004-q3-2025-revenue</td></tr></table>\n<p class=\"source\" "
                             f"style=\"font-size:85%\">{html.escape(source)}</p>",
                "text/plain": f"Exhibit {number}. {title}"}
        return v4.new_output("display_data", data, metadata={"casestudy": meta})
    return v4.new_output("display_data", {"image/png": _PNG, "text/plain": f"Exhibit {number}"},
                         metadata={"casestudy": meta,
                                   "image/png": {"alt": f"Exhibit {number}. {title}. {source}"}})


def _casebook(folder: Path, refs: list) -> Path:
    """Three handmade notebooks: the case, a chapter with exhibits carrying metadata,
    the sources."""
    v4 = nbformat.v4
    folder.mkdir()
    words = " ".join(["word"] * 390)
    case = v4.new_notebook(cells=[
        v4.new_markdown_cell("# The Test casebook · The case\n\n"
                             f"小米 and 雷军 in November 2025. {words}"),
        v4.new_code_cell("show()", execution_count=1,
                         outputs=[_exhibit_output("0.1", "The quarter", "a,b\n1,2\n", refs)]),
        v4.new_markdown_cell("## Teaching note\n\nCase secret.",
                             metadata={"tags": ["teaching-note"]})])
    chapter = _handmade()
    chapter.cells.insert(1, v4.new_code_cell("show()", execution_count=7, outputs=[
        _exhibit_output("9.5", "A table with <metadata>", "x,y\n3,4\n", refs),
        _exhibit_output("9.5", "The same number again", "x,y\n5,6\n", []),
        _exhibit_output("9.6", "A figure with metadata", None, refs)]))
    appendix = v4.new_notebook(
        cells=[v4.new_markdown_cell("# The Test casebook · Sources\n\nText.")])
    for name, nb in (("00_case", case), ("01_chapter", chapter), ("06_sources", appendix)):
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nbformat.write(nb, str(folder / f"{name}.ipynb"))
    return folder


@pytest.fixture(scope="module")
def refs_used() -> list:
    import casestudy

    table = casestudy.load_references()
    row = table.iloc[0]
    return [{"doc_id": row["doc_id"], "cite": f"{row['publisher']}, {row['document']}"}]


@pytest.fixture(scope="module")
def casebook(tmp_path_factory: pytest.TempPathFactory, refs_used: list) -> Path:
    root = tmp_path_factory.mktemp("casebook")
    nbs = _casebook(root / "nbs", refs_used)
    for edition in ("instructor", "student"):
        build_site(nbs, root / "site", edition, glossary=ROOT / "tests/fixtures/site/glossary.toml")
    return root / "site"


def test_reading_order_with_time_estimates(casebook: Path) -> None:
    from casestudy.site import MINUTES_PER_EXHIBIT, WORDS_PER_MINUTE, reading_order

    assert reading_order(["00_sources", "01_strategy", "00_case", "02_x"]) == \
        ["00_case", "01_strategy", "02_x", "00_sources"]
    info = json.loads((casebook / "instructor" / "build-info.json").read_text(encoding="utf-8"))
    assert [n["name"] for n in info["notebooks"]] == ["00_case", "01_chapter", "06_sources"]
    case = info["notebooks"][0]
    assert case["words"] > 390 and len(case["exhibits"]) == 1
    import math
    assert case["minutes"] == math.ceil(case["words"] / WORDS_PER_MINUTE + MINUTES_PER_EXHIBIT)
    index = (casebook / "instructor" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr><td>(\d)</td><td><a href="([^"]+)">.*?<td class="min">(\d+) min',
                      index, re.S)
    assert [(r[0], r[1]) for r in rows] == [("1", "00_case.html"), ("2", "01_chapter.html"),
                                           ("3", "06_sources.html")]
    assert int(rows[0][2]) == case["minutes"]


def test_instructors_guide(casebook: Path) -> None:
    guide = (casebook / "instructor" / "guide.html").read_text(encoding="utf-8")
    assert "Case secret." in guide and "Secret." in guide and "model answer" in guide
    assert guide.index("Case secret.") < guide.index("model answer")  # reading order
    assert 'href="#guide-00_case"' in guide and 'id="guide-01_chapter"' in guide
    assert "guide.html" in parse(casebook / "instructor" / "index.html").hrefs
    assert not (casebook / "student" / "guide.html").exists()
    for path in html_pages(casebook / "student"):
        text = path.read_text(encoding="utf-8")
        assert "guide.html" not in text and "Case secret." not in text and "answer = 42" not in text
    assert not check_links(casebook)


def test_glossary_page(casebook: Path, tmp_path: Path) -> None:
    page = (casebook / "student" / "glossary.html").read_text(encoding="utf-8")
    assert ('<td class="term" lang="zh">参与感<span class="lang" lang="en">zh</span></td>'
            '<td>cānyù gǎn</td>') in page
    assert 'href="sources.html#seed-003"' in page
    assert "&lt;one-off&gt; items &amp; &quot;fair-value&quot;" in page
    assert "s999-claim-nowhere" not in page  # a cite that does not resolve is not linked
    assert "glossary.html" in parse(casebook / "student" / "index.html").hrefs
    bad = tmp_path / "glossary.toml"
    bad.write_text('[[terms]]\nterm = "x"\nreading = ""\nlanguage = "en"\nenglish = ""\n'
                   'explanation = "y"\n', encoding="utf-8")
    nbs = _two_notebooks(tmp_path / "nbs")
    with pytest.raises(Exception, match=r"glossary.toml \[terms #1\] english: ''"):
        build_site(nbs, tmp_path / "site", glossary=bad)
    result = build_site(nbs, tmp_path / "site", glossary=ROOT / "tests/fixtures/site/glossary.toml")
    assert any("s999-claim-nowhere" in w for w in result.warnings)


def test_references_on_the_sources_page(casebook: Path, refs_used: list) -> None:
    import casestudy

    table = casestudy.load_references()
    ids = parse(casebook / "instructor" / "sources.html").ids
    for doc_id in table["doc_id"].unique():
        assert f"ref-{doc_id}" in ids, f"no anchor ref-{doc_id}"
    for ref_id in table["ref_id"]:
        assert f"ref-{ref_id}" in ids, f"no anchor ref-{ref_id}"
    sources = (casebook / "instructor" / "sources.html").read_text(encoding="utf-8")
    first = table.iloc[0]
    at = sources.index(f'id="ref-{first["doc_id"]}"')
    section = sources[at:sources.index("</section>", at)]
    assert html.escape(str(first["publisher"])) in section and str(first["published"]) in section
    if str(first["url"]).startswith("http"):
        assert f'href="{html.escape(str(first["url"]))}"' in section
    # exhibit Source lines link each reference's cite to its document
    page = (casebook / "instructor" / "01_chapter.html").read_text(encoding="utf-8")
    cite = html.escape(refs_used[0]["cite"], quote=False)
    assert f'href="sources.html#ref-{refs_used[0]["doc_id"]}">{cite}</a>' in page
    assert 'seed <a class="seedref" href="sources.html#seed-004">004</a>' in page


def test_exhibits_from_metadata_with_csv(casebook: Path) -> None:
    result = json.loads((casebook / "instructor" / "build-info.json").read_text(encoding="utf-8"))
    ex = {e["anchor"]: e for n in result["notebooks"] for e in n["exhibits"]
          if n["name"] == "01_chapter"}
    assert {"exhibit-9-5", "exhibit-9-5-2", "exhibit-9-6", "exhibit-9-1"} <= set(ex)
    assert ex["exhibit-9-5"]["title"] == "A table with <metadata>"
    assert ex["exhibit-9-6"]["kind"] == "figure" and not ex["exhibit-9-6"]["csv"]
    assert ex["exhibit-9-5"]["csv"] == "exhibits/01_chapter-9.5.csv"
    assert ex["exhibit-9-5-2"]["csv"] == "exhibits/01_chapter-9.5-2.csv"
    folder = casebook / "instructor"
    assert (folder / "exhibits/01_chapter-9.5.csv").read_text(encoding="utf-8") == "x,y\n3,4\n"
    assert (folder / "exhibits/01_chapter-9.5-2.csv").read_text(encoding="utf-8") == "x,y\n5,6\n"
    page = (folder / "01_chapter.html").read_text(encoding="utf-8")
    tags = _Attrs()
    tags.feed(page)
    assert any(t == "a" and a.get("href") == "exhibits/01_chapter-9.5.csv" and "download" in a
               for t, a in tags.tags), "no CSV download link"
    assert page.count('<p class="source">') >= 3 and 'style="font-size:85%"' not in page.split(
        'id="exhibit-9-5"')[1].split("</div>")[0]  # the exhibit's own source line, replaced
    assert 'href="sources.html#s004-fact-s004-q3-2025-revenue"' in page  # ids in cells linked
    assert 'alt="Exhibit 9.6. A figure with metadata.' in page
    assert '<div class="cs-exhibit"' not in page
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="01_chapter.html#exhibit-9-5">Exhibit 9.5</a>' in index
    assert 'href="exhibits/01_chapter-9.5.csv"' in index


# -- PDF -------------------------------------------------------------------------------------------


def _pdf_text_maps(data: bytes) -> str:
    """The ToUnicode maps of a PDF's fonts, decompressed: which characters its fonts embed."""
    import zlib

    maps = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunk = zlib.decompress(m.group(1))
        except zlib.error:
            continue
        if b"beginbfchar" in chunk or b"beginbfrange" in chunk:
            maps.append(chunk.decode("latin-1"))
    return "\n".join(maps)


@pytest.mark.extended  # the student edition's PDFs and the tagged ones are printed by default
def test_pdf_case_and_casebook(tmp_path: Path, refs_used: list) -> None:
    from casestudy.site import pdf

    why = pdf.unavailable()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the PDF must be printed in CI: {why}", pytrace=False)
        pytest.skip(why)
    nbs = _casebook(tmp_path / "nbs", refs_used)
    result = build_site(nbs, tmp_path / "site", "instructor", pdf_files=True)
    folder = tmp_path / "site" / "instructor"
    assert sorted(p.name for p in result.pdfs) == ["case.pdf", "casebook.pdf"]
    case, book = (folder / "case.pdf").read_bytes(), (folder / "casebook.pdf").read_bytes()
    for data in (case, book):
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 1
        maps = _pdf_text_maps(data)
        assert "<5C0F>" in maps.upper() and "<7C73>" in maps.upper(), "小米 not embedded"
        assert b"file://" not in data and str(tmp_path).encode() not in data
    assert len(re.findall(rb"/Type\s*/Page\b", book)) > len(re.findall(rb"/Type\s*/Page\b", case))
    assert rb"/Subtype /Image" in book, "no figure in the casebook PDF"
    assert 'case.pdf' in parse(folder / "index.html").hrefs
    # the case as students get it: no teaching note in case.pdf, the instructor's casebook has it
    if shutil.which("pdftotext"):  # poppler-utils; the HTML tests check the same rule without it
        assert "Case secret" not in _pdf_text(case) and "secret" in _pdf_text(book)
    again = build_site(nbs, tmp_path / "again", "instructor", pdf_files=True)
    assert (again.folder / "casebook.pdf").read_bytes() == book, "the PDF is not reproducible"


def _pdf_text(data: bytes) -> str:
    """Text of a PDF through poppler's pdftotext."""
    import subprocess

    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8", "replace")


def test_no_pdf_without_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASESTUDY_CHROMIUM", str(tmp_path / "no-chromium"))
    nbs = _two_notebooks(tmp_path / "nbs")
    result = build_site(nbs, tmp_path / "site", "student", pdf_files=True)
    assert result.pdfs == [] and not list((tmp_path / "site").rglob("*.pdf"))
    notice = [w for w in result.warnings if w.startswith("no PDF written")]
    assert len(notice) == 1 and "no-chromium not found" in notice[0] and "\n" not in notice[0]
    index = (tmp_path / "site" / "student" / "index.html").read_text(encoding="utf-8")
    assert "case.pdf" not in index
