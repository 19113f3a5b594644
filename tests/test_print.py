"""What the pages and the PDFs show: Jupyter Book's cell tags (``remove-input``, ``remove-output``,
``remove-cell``, ``hide-input``) on the site and in print, the title page and page numbers of the
PDFs, and a casebook without clutter: no scientific notation, no unformatted floats, no
machine ids in what students read (``case.pdf``, ``casebook.pdf``, the exhibits)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

import casestudy
from casestudy.site import build_site, edition_notebook, pdf
from casestudy.site.tags import view

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: 1.131478e+11, 2e+09, 1E-05: numbers as pandas prints an unformatted float.
SCIENTIFIC = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][+-]?\d+\b")
#: 23621.951220: a float with six or more decimals, as pandas prints an unformatted one.
RAW_FLOAT = re.compile(r"(?<![\w.])\d+\.\d{6,}\b")
#: "Name: terms, dtype: int64", "<Figure size 640x480 with 1 Axes>": an object's raw repr.
RAW_REPR = re.compile(r"\bdtype: \w+|<Figure size [^>]*>|<matplotlib\.[^>]*>|<Axes[:>]")
#: s004-q3-2025-revenue (a curated id), 002:claim:price-quality (SEED:KIND:ID), 004_e1cf... .
ID_PATTERNS = re.compile(r"\bs\d{3}-[a-z0-9]+(?:-[a-z0-9]+)+|\b\d{3}:(?:fact|claim|event|flag)\b"
                         r"|\b\d{3}_[0-9a-f]{16}\b")
#: A table cell that is only a snake_case name (event_id, new_car_registrations): a column or
#: metric name of the data, not a word a reader uses.
SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")


def _need_printer() -> None:
    why = pdf.unavailable() or (None if shutil.which("pdftotext") else "pdftotext not found "
                                "(apt-get install poppler-utils)")
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the PDFs must be printed and read in CI: {why}", pytrace=False)
        pytest.skip(why)


def pages_text(path: Path) -> list[str]:
    """The text of each page of the PDF at ``path`` (pdftotext, one string a page)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8", "replace").split("\f")[:-1] or [""]


def footer(page: str) -> str:
    """The last non-blank line of a page's text: where the page number is printed."""
    lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


# -- a handmade notebook with every tag ----------------------------------------------------------


def _out(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text + "\n")


def _tagged() -> nbformat.NotebookNode:
    v4 = nbformat.v4
    code = lambda src, tags, outs=(): v4.new_code_cell(  # noqa: E731
        src, metadata={"tags": tags}, execution_count=1, outputs=list(outs))
    words = " ".join(["Filler prose for a few pages."] * 400)
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("# The Tagged Case\n\nA title page for the test.\n\n"
                             "Prepared for the tests.",
                             metadata={"tags": ["title-page"]}),
        v4.new_markdown_cell("## Body heading\n\nThe body starts here."),
        code("INPUT_A_REMOVED = 1", ["remove-input"], [_out("OUTPUT_A_SHOWN")]),
        code("INPUT_B_SHOWN = 1", ["remove-output"], [_out("OUTPUT_B_REMOVED")]),
        code("INPUT_C_REMOVED = 1", ["remove-cell"], [_out("OUTPUT_C_REMOVED")]),
        v4.new_markdown_cell("MARKDOWN_D_REMOVED", metadata={"tags": ["remove-cell"]}),
        code("INPUT_E_FOLDED = 1", ["hide-input"], [_out("OUTPUT_E_SHOWN")]),
        code("PARAMETER_F = 1", ["parameters"]),
        code("INPUT_G_PLAIN = 1", [], [_out("OUTPUT_G_SHOWN")]),
        v4.new_code_cell("   \n", execution_count=2),
        v4.new_markdown_cell(words),
        v4.new_markdown_cell("NOTE_H_INSTRUCTOR", metadata={"tags": ["teaching-note"]}),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def test_view_follows_jupyter_book() -> None:
    nb = _tagged()
    screen = "\n".join(c.source + "".join(o.get("text", "") for o in c.get("outputs", []))
                       for c in view(nb).cells if not c.metadata.get("transient"))
    removed_inputs = [c for c in view(nb).cells
                      if c.metadata.get("transient", {}).get("remove_source")]
    assert [c.source for c in removed_inputs] == ["INPUT_A_REMOVED = 1"]
    for shown in ("INPUT_B_SHOWN", "INPUT_E_FOLDED", "PARAMETER_F", "OUTPUT_G_SHOWN"):
        assert shown in screen, shown
    for gone in ("OUTPUT_B_REMOVED", "INPUT_C_REMOVED", "OUTPUT_C_REMOVED", "MARKDOWN_D_REMOVED"):
        assert gone not in screen, gone
    assert all(c.source.strip() for c in view(nb).cells), "an empty cell was kept"
    printed = view(nb, "print")
    assert all(c.metadata.get("transient", {}).get("remove_source") for c in printed.cells
               if c.cell_type == "code"), "code in print"
    kept = [o["text"].strip() for c in printed.cells for o in c.get("outputs", [])]
    assert kept == ["OUTPUT_A_SHOWN", "OUTPUT_E_SHOWN", "OUTPUT_G_SHOWN"]
    assert len(nb.cells) == 12 and nb.cells[3].outputs, "view changed its input"
    with pytest.raises(ValueError, match="medium 'paper'"):
        view(nb, "paper")


@pytest.fixture(scope="module")
def tagged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tagged")
    (root / "nbs").mkdir()
    nbformat.write(_tagged(), str(root / "nbs" / "00_case.ipynb"))
    want_pdf = not pdf.unavailable()
    for edition in ("instructor", "student"):
        build_site(root / "nbs", root / "site", edition, pdf_files=want_pdf)
    return root / "site"


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
def test_tags_on_the_site(tagged_site: Path) -> None:
    for edition in ("instructor", "student"):
        page = (tagged_site / edition / "00_case.html").read_text(encoding="utf-8")
        for shown in ("OUTPUT_A_SHOWN", "INPUT_B_SHOWN", "OUTPUT_E_SHOWN", "PARAMETER_F",
                      "INPUT_G_PLAIN", "OUTPUT_G_SHOWN", "Body heading"):
            assert shown in page, f"{edition}: {shown} missing"
        for gone in ("INPUT_A_REMOVED", "OUTPUT_B_REMOVED", "INPUT_C_REMOVED", "OUTPUT_C_REMOVED",
                     "MARKDOWN_D_REMOVED"):
            assert gone not in page, f"{edition}: {gone} shown"
        folded = re.search(r'<details class="hide-input"><summary>[^<]+</summary>(.*?)</details>',
                           page, re.S)
        assert folded and "INPUT_E_FOLDED" in folded[1] and "OUTPUT_E_SHOWN" not in folded[1]
        assert ("NOTE_H_INSTRUCTOR" in page) == (edition == "instructor")
        # the notebook offered for download keeps every cell (the tags act on the page only)
        kept = nbformat.read(str(tagged_site / edition / "notebooks" / "00_case.ipynb"),
                             as_version=4)
        assert "INPUT_C_REMOVED = 1" in [c.source for c in kept.cells]


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
def test_tags_title_page_and_page_numbers_in_print(tagged_site: Path) -> None:
    _need_printer()
    for name in ("case.pdf", "casebook.pdf"):
        for edition in ("student", "instructor"):
            if name == "case.pdf" and edition == "instructor":
                continue  # the same student case, printed again
            pages = pages_text(tagged_site / edition / name)
            text = "\n".join(pages)
            for shown in ("OUTPUT_A_SHOWN", "OUTPUT_E_SHOWN", "OUTPUT_G_SHOWN", "The body starts"):
                assert shown in text, f"{edition}/{name}: {shown} missing"
            for gone in ("INPUT_A", "INPUT_B", "OUTPUT_B", "INPUT_C", "OUTPUT_C", "MARKDOWN_D",
                         "INPUT_E", "PARAMETER_F", "INPUT_G"):
                assert gone not in text, f"{edition}/{name}: {gone} printed"
            assert ("NOTE_H_INSTRUCTOR" in text) == (edition == "instructor"
                                                     and name == "casebook.pdf")
            title = next(i for i, p in enumerate(pages) if "Prepared for the tests." in p)
            assert "The Tagged Case" in pages[title]
            assert "Body heading" not in pages[title], f"{name}: the title page shares its page"
            assert not re.fullmatch(r"\d+", footer(pages[title])), f"{name}: a numbered title page"
            numbered = [i for i in range(len(pages)) if i != title]
            assert len(pages) >= 3 and numbered
            for i in numbered:
                assert footer(pages[i]) == str(i + 1), \
                    f"{edition}/{name} page {i + 1}: {footer(pages[i])!r}"
    assert "The Tagged Case" in pages_text(tagged_site / "student" / "case.pdf")[0]


# -- the casebook as students get it, from the notebooks' stored outputs --------------------------


@pytest.fixture(scope="module")
def student(built_site: Path) -> Path:
    """The student edition and its PDFs, built from the stored outputs of ``notebooks/`` once
    per test session (tests/conftest.py)."""
    _need_printer()
    return built_site / "student"


def _student_outputs() -> list[tuple[str, int, bool, str]]:
    """(notebook, cell index, is an exhibit, text) of every output a student's print shows."""
    rows = []
    for path in NOTEBOOKS:
        nb = nbformat.read(str(path), as_version=4)
        for i, cell in enumerate(nb.cells):
            cell.metadata["test_index"] = i  # the cell's place in the notebook, for the messages
        for cell in view(edition_notebook(nb, "student"), "print").cells:
            i = cell.metadata["test_index"]
            for o in cell.get("outputs", []):
                data = o.get("data", {})
                text = o.get("text") or data.get("text/html") or data.get("text/markdown") \
                    or data.get("text/plain") or ""
                rows.append((path.stem, i, "casestudy" in o.get("metadata", {}),
                             text if isinstance(text, str) else "".join(text)))
    return rows


def _machine_ids() -> set[str]:
    """Every curated id of the corpus (facts, claims, events) and every reference id (those
    with a hyphen count in a table cell: "publication" is an id and a word)."""
    corpus, refs = casestudy.load_corpus(), casestudy.load_references()
    ids = {loc.entry.id for seed in corpus for locs in (seed.facts, seed.claims, seed.events)
           for loc in locs}
    return ids | set(map(str, refs["ref_id"])) | set(map(str, refs["doc_id"]))


def _cells_of(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", html, re.S)]


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
def test_no_scientific_notation_or_raw_output_in_student_print(student: Path) -> None:
    clutter = (SCIENTIFIC, RAW_FLOAT, RAW_REPR)
    bad = [f"{stem} cell {i}: {m[0]}" for stem, i, _, text in _student_outputs()
           for pattern in clutter for m in pattern.finditer(text)]
    for name in ("case.pdf", "casebook.pdf"):
        for n, page in enumerate(pages_text(student / name), 1):
            bad += [f"{name} page {n}: {m[0]}" for p in clutter for m in p.finditer(page)]
    assert not bad, (f"{len(bad)} unformatted number(s) in what students print (tag the cell "
                     "remove-output or format the value):\n" + "\n".join(dict.fromkeys(bad)))


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
def test_no_machine_ids_in_student_exhibits(student: Path) -> None:
    ids, bad = _machine_ids(), []
    for stem, i, exhibit, text in _student_outputs():
        if not exhibit:
            continue
        for cell in _cells_of(text):
            if (cell in ids and "-" in cell) or ID_PATTERNS.search(cell) or SNAKE.fullmatch(cell):
                bad.append(f"{stem} cell {i}: {cell[:60]!r}")
    case = "\n".join(pages_text(student / "case.pdf"))
    bad += [f"case.pdf: {m[0]!r}" for m in ID_PATTERNS.finditer(case)]
    assert not bad, (f"{len(bad)} machine id(s) in student exhibits (drop the column, or show "
                     "the name a reader uses):\n" + "\n".join(dict.fromkeys(bad)))


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
def test_case_pdf_has_no_code_and_numbered_pages(student: Path) -> None:
    """case.pdf: no line of 00_case's code, every page numbered but a title page."""
    pages = pages_text(student / "case.pdf")
    text = "\n".join(pages)
    nb = nbformat.read(str(ROOT / "notebooks" / "00_case.ipynb"), as_version=4)
    code_lines = {ln.strip() for c in nb.cells if c.cell_type == "code"
                  for ln in c.source.splitlines() if len(ln.strip()) >= 25}
    assert len(code_lines) > 10 and not [ln for ln in code_lines if ln in text], "code printed"
    titled = any("title-page" in c.metadata.get("tags", []) for c in nb.cells)
    first = 1 if titled else 0
    assert [footer(p) for p in pages[first:]] == [str(n) for n in range(first + 1, len(pages) + 1)]


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
def test_case_pdf_opens_with_a_title_page_and_prints_no_parameters(student: Path) -> None:
    pages = pages_text(student / "case.pdf")
    assert "Parameters of this run" not in "\n".join(pages), "case.pdf prints the parameters table"
    nb = nbformat.read(str(ROOT / "notebooks" / "00_case.ipynb"), as_version=4)
    titled = [i for i, c in enumerate(nb.cells) if "title-page" in c.metadata.get("tags", [])]
    assert titled, "00_case has no Markdown cell tagged title-page"
    assert not re.fullmatch(r"\d+", footer(pages[0])), "a page number on the title page"
