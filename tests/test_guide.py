"""The instructor's guide is exact: every exhibit reference in a teaching note or answer names an
exhibit that the notebooks' stored outputs produce (``cs.show`` metadata
``casestudy.exhibit``), none is hedged, every one is a link on guide.html, and no notebook cell
speaks of the notebooks' own earlier versions or audits."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from casestudy.site import build_site
from casestudy.site.guide import HEDGED, Reference, link_exhibits, references

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
GUIDE_TAGS = {"teaching-note", "answer"}
#: Development history: the notebooks speak of Xiaomi, never of their own earlier versions.
HISTORY = re.compile(r"earlier version|old version|previous version|re-audit|the error the earlier",
                     re.IGNORECASE)


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def _tags(cell: nbformat.NotebookNode) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []) or [])


def _is_exhibit(output: nbformat.NotebookNode) -> bool:
    return isinstance(output.get("metadata", {}).get("casestudy"), dict)


def _prose(cell: nbformat.NotebookNode) -> str:
    """What a reader reads of ``cell``: Markdown source, or the text outputs of a code cell
    (``cs.md`` prose, printed text), without the exhibits themselves (their titles define)."""
    if cell.cell_type != "code":
        return cell.source
    parts = []
    for o in cell.get("outputs", []):
        if _is_exhibit(o):
            continue
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        data = o.get("data", {})
        parts.append(data.get("text/markdown") or data.get("text/html")
                     or data.get("text/plain", ""))
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


def _everything(cell: nbformat.NotebookNode) -> str:
    """Every text of ``cell``: its source (code comments too) and all of its outputs."""
    return cell.source + "\n" + _prose(cell) + "\n" + "\n".join(
        str(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", [])
        if _is_exhibit(o))


def produced_exhibits() -> dict[str, str]:
    """Exhibit number -> notebook, from the stored outputs of every notebook."""
    out: dict[str, str] = {}
    for path in NOTEBOOKS:
        for cell in _read(path).cells:
            for o in cell.get("outputs", []):
                if _is_exhibit(o) and o.metadata["casestudy"].get("exhibit"):
                    out.setdefault(str(o.metadata["casestudy"]["exhibit"]), path.stem)
    return out


def _cells(guide: bool) -> list[tuple[str, int, nbformat.NotebookNode]]:
    """(notebook, cell index, cell) of the guide's cells (``guide``) or the students' cells."""
    return [(p.stem, i, c) for p in NOTEBOOKS for i, c in enumerate(_read(p).cells)
            if bool(_tags(c) & GUIDE_TAGS) == guide]


def _unresolved(guide: bool) -> list[str]:
    known = produced_exhibits()
    return [f"{stem} cell {i}: {ref.text!r} names no exhibit ({', '.join(missing)})"
            for stem, i, cell in _cells(guide) for ref in references(_prose(cell))
            if (missing := [n for n in ref.numbers if n not in known])]


# -- the reference grammar ---------------------------------------------------------------------


@pytest.mark.parametrize("text, numbers", [
    ("see Exhibit 4.6.", [("4.6",)]),
    ("Exhibits 4.6 and 4.8 show", [("4.6", "4.8")]),
    ("Exhibits 3.2-3.4, 3.9 and 4.1", [("3.2", "3.3", "3.4", "3.9", "4.1")]),
    ("Exhibits 3.2–3.4", [("3.2", "3.3", "3.4")]),
    ("Exhibits 1.7 to 1.9", [("1.7", "1.8", "1.9")]),
    ("Exhibit 4 shows", [("4",)]),  # no exhibit is numbered so: it cannot resolve
    ("Exhibit 0.2; and Exhibit 2.4, then 2.5", [("0.2",), ("2.4",)]),
    ("Exhibit 4.12 (2025)", [("4.12",)]),
    ("Exhibits 4.10a and 4.10b.", [("4.10a", "4.10b")]),
    ("Exhibits 4.7a-4.8b", [("4.7a", "4.8b")]),
])
def test_reference_grammar(text: str, numbers: list[tuple[str, ...]]) -> None:
    assert [r.numbers for r in references(text)] == numbers


def test_hedge_pattern() -> None:
    for hedged in ("around Exhibit 2.4", "near Exhibit 4.5", "about Exhibits 1.7 and 3.7"):
        assert HEDGED.search(hedged), hedged
    assert not HEDGED.search("Exhibit 2.7 shows the fall; see Exhibits 4.6 and 4.7")


def test_links_in_html() -> None:
    html = ('<p>See Exhibit 4.6, Exhibits 4.6–4.8 and Exhibit 9.9.</p><pre>Exhibit 4.6</pre>'
            '<p><a href="x">Exhibit 4.6</a></p>')
    out, missing = link_exhibits(html, {"4.6": "04_x.html#exhibit-4-6",
                                        "4.8": "04_x.html#exhibit-4-8"})
    assert out.count('<a class="exref" href="04_x.html#exhibit-4-6">Exhibit 4.6</a>') == 1
    assert 'Exhibits <a class="exref" href="04_x.html#exhibit-4-6">4.6</a>–<a class="exref" ' \
           'href="04_x.html#exhibit-4-8">4.8</a>' in out
    assert "<pre>Exhibit 4.6</pre>" in out and '<a href="x">Exhibit 4.6</a>' in out
    assert missing == ["'Exhibits 4.6–4.8' (no exhibit 4.7)", "'Exhibit 9.9' (no exhibit 9.9)"]
    assert isinstance(references("Exhibit 1.1")[0], Reference)


# -- the notebooks -------------------------------------------------------------------------------


def test_notebooks_produce_exhibits() -> None:
    known = produced_exhibits()
    assert len(known) >= 20, sorted(known)
    assert all(re.fullmatch(r"\d+\.\d+[a-z]?", n) for n in known), sorted(known)


def test_every_guide_reference_resolves() -> None:
    """A reference in a teaching note or answer names an exhibit the stored outputs produce."""
    refs = [r for _, _, c in _cells(True) for r in references(_prose(c))]
    assert refs, "no exhibit reference in any teaching note or answer"
    bad = _unresolved(True)
    assert not bad, "\n".join(bad)


def test_every_student_reference_resolves() -> None:
    """The students' text refers to exhibits the run produces too ("see Exhibit 3.1")."""
    bad = _unresolved(False)
    assert not bad, "\n".join(bad)


def test_no_hedged_reference_in_the_guide() -> None:
    bad = [f"{stem} cell {i}: ...{_prose(c)[max(0, m.start() - 40):m.end() + 10]!r}..."
           for stem, i, c in _cells(True) for m in HEDGED.finditer(_prose(c))]
    assert not bad, "hedged exhibit references (write the exact exhibit):\n" + "\n".join(bad)


def test_no_development_history_in_any_cell() -> None:
    bad = {}  # one line per cell and phrase: a cs.md cell says it in its source and its output
    for p in NOTEBOOKS:
        for i, c in enumerate(_read(p).cells):
            text = _everything(c)
            for m in HISTORY.finditer(text):
                bad.setdefault((p.stem, i, m[0].lower()), f"{p.stem} cell {i}: "
                               f"...{text[max(0, m.start() - 50):m.end() + 30]!r}...")
    assert not bad, "the notebooks speak of their own history:\n" + "\n".join(bad.values())


# -- guide.html ------------------------------------------------------------------------------------


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.exrefs: list[tuple[str, str]] = []  # (href, text)
        self._open: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("class") == "exref":
            self._open, self._text = a.get("href") or "", ""

    def handle_data(self, data: str) -> None:
        self._text += data if self._open is not None else ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.exrefs.append((self._open, self._text))
            self._open = None


@pytest.fixture(scope="module")
def guide_site(built_site: Path) -> Path:
    """The instructor edition built from the notebooks' stored outputs (no kernel, no PDF),
    once per test session (tests/conftest.py)."""
    return built_site / "instructor"


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
def test_guide_links_every_resolvable_reference(guide_site: Path) -> None:
    known = produced_exhibits()
    page = _Anchors()
    page.feed((guide_site / "guide.html").read_text(encoding="utf-8"))
    linked = {}
    for target, text in page.exrefs:
        name, _, anchor = target.partition("#")
        number = re.search(r"\d+\.\d+[a-z]?", text)
        assert number and anchor == "exhibit-" + number[0].replace(".", "-"), (target, text)
        assert name == f"{known[number[0]]}.html", (target, text)
        assert f'id="{anchor}"' in (guide_site / name).read_text(encoding="utf-8"), target
        linked[number[0]] = target
    wanted = {n for _, _, c in _cells(True) for r in references(_prose(c)) for n in r.numbers
              if n in known and re.search(rf"\b{re.escape(n)}\b", _prose(c))}
    assert wanted, "no resolvable reference in the guide"
    assert not wanted - set(linked), f"not linked on guide.html: {sorted(wanted - set(linked))}"


def test_guide_warns_of_unresolved_references(tmp_path: Path) -> None:
    v4 = nbformat.v4
    show = v4.new_output("display_data", {"text/html": "<h4>Exhibit 9.1. A table</h4>",
                                          "text/plain": "Exhibit 9.1"},
                         metadata={"casestudy": {"exhibit": "9.1", "title": "A table",
                                                 "source": ""}})
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("# T · 9. Handmade\n\nText. See Exhibit 9.1 below."),
        v4.new_code_cell("show()", execution_count=1, outputs=[show]),
        v4.new_markdown_cell("See Exhibit 9.1 and Exhibits 9.1 and 9.2.",
                             metadata={"tags": ["teaching-note"]})])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    (tmp_path / "nbs").mkdir()
    nbformat.write(nb, str(tmp_path / "nbs" / "09_handmade.ipynb"))
    result = build_site(tmp_path / "nbs", tmp_path / "site", "instructor")
    guide = (tmp_path / "site" / "instructor" / "guide.html").read_text(encoding="utf-8")
    assert '<a class="exref" href="09_handmade.html#exhibit-9-1">Exhibit 9.1</a>' in guide
    assert 'Exhibits <a class="exref" href="09_handmade.html#exhibit-9-1">9.1</a> and 9.2' in guide
    page = (tmp_path / "site" / "instructor" / "09_handmade.html").read_text(encoding="utf-8")
    assert 'See <a class="exref" href="09_handmade.html#exhibit-9-1">Exhibit 9.1</a> below' in page
    assert '<h4>Exhibit 9.1. A table</h4>' in page  # the exhibit's own title is not a reference
    assert [w for w in result.warnings if w.startswith("guide:")] == [
        "guide: 09_handmade: 'Exhibits 9.1 and 9.2' (no exhibit 9.2) in this run"]
