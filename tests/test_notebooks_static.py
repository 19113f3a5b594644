"""Checks on the stored notebooks themselves (no execution): what nbval compares against
must be clean, complete and readable as a case study."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from casestudy import paths

NOTEBOOKS = sorted(paths.notebooks_dir().glob("*.ipynb"))
EXPECTED = ["00_case", "01_strategy", "02_marketing", "03_financials", "04_ev_scenarios",
            "05_options", "06_sources"]
ANALYSIS = ["01_strategy", "02_marketing", "03_financials", "04_ev_scenarios", "05_options"]


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _outputs(nb: dict):
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            yield from cell.get("outputs", [])


def test_all_chapters_exist():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_kernel_and_execution_order(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"
              and c.get("execution_count") is not None]
    assert counts == list(range(1, len(counts) + 1)), "cells stored out of order or partly run"
    assert counts, "no stored outputs: nbval would compare nothing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_are_clean(path):
    nb = _load(path)
    for out in _outputs(nb):
        assert out["output_type"] != "error", f"stored error: {out.get('ename')}"
        if out["output_type"] == "stream":
            assert out["name"] == "stdout", f"stderr output stored: {out['text'][:200]}"
        text = json.dumps(out.get("data", {}).get("text/plain", "")) + json.dumps(
            out.get("data", {}).get("text/html", "")) + json.dumps(out.get("text", ""))
        assert not re.search(r"0x[0-9a-f]{6,}", text), "an output holds a memory address"
        assert not re.search(r"/(tmp|root|home|work|Users)/", text), \
            "an output holds a machine path"
        assert "Glyph" not in text and "Warning" not in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_volatile_metadata_removed(path):
    nb = _load(path)
    assert "papermill" not in nb["metadata"]
    for i, cell in enumerate(nb["cells"]):
        assert cell["id"] == f"cell-{i:02d}"
        assert "execution" not in cell["metadata"] and "papermill" not in cell["metadata"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exhibit_cites_its_seeds(path):
    nb = _load(path)
    exhibits = 0
    for out in _outputs(nb):
        html = out.get("data", {}).get("text/html", "")
        html = "".join(html) if isinstance(html, list) else html
        if "<h4>Exhibit" in html:
            exhibits += 1
            assert "Source: " in html, html[:200]
    figures = sum("image/png" in out.get("data", {}) for out in _outputs(nb))
    assert exhibits + figures >= 2, "a chapter without exhibits"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_reads_like_a_case(path):
    nb = _load(path)
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    first = "".join(nb["cells"][0]["source"])
    assert first.startswith("# The Xiaomi casebook")
    assert "Question" in md or "question" in md
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    long_cells = [c for c in code if len("".join(c["source"]).splitlines()) > 15
                  and "parameters" not in c["metadata"].get("tags", [])]
    assert not long_cells, "code cells of at most 15 lines: one idea per cell"
    assert "casestudy.exhibits" not in "\n".join("".join(c["source"]) for c in code)


def _student_text(nb: dict) -> str:
    keep = [c for c in nb["cells"]
            if not {"teaching-note", "answer"} & set(c["metadata"].get("tags", []))]
    return "\n".join("".join(c["source"]) for c in keep if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_student_edition_carries_no_verdict(path):
    """The decision stays open: the analyst's reading lives in tagged cells only."""
    text = _student_text(_load(path))
    for verdict in ("What this evidence means for the decision", "argues for", "the right choice",
                    "should choose", "the answer is"):
        assert verdict.lower() not in text.lower(), f"untagged verdict: {verdict!r}"


@pytest.mark.parametrize("name", ANALYSIS)
def test_analysis_notebooks_end_with_questions_for_the_decision(name):
    nb = _load(paths.notebooks_dir() / f"{name}.ipynb")
    heads = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"
             and "".join(c["source"]).startswith("## Questions for the decision")]
    assert len(heads) == 1 and not nb["cells"][heads[0]]["metadata"].get("tags")


def _statements(src: str) -> list[ast.stmt]:
    code = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!")))
    return ast.parse(code).body


def _plumbing(stmt: ast.stmt) -> bool:
    """An import, a bare name, or a call that only shows (cs.show, display, print)."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(stmt, ast.Expr):
        v = stmt.value
        if isinstance(v, (ast.Name, ast.Constant, ast.Tuple)):
            return True
        if isinstance(v, ast.Call):
            name = ast.unparse(v.func)
            return name in {"cs.show", "display", "print", "cs.md"} and not any(
                isinstance(a, ast.Call) for a in v.args)
    return False


@pytest.mark.parametrize("name", ANALYSIS)
def test_the_analysis_is_visible(name):
    """At least half the code cells select, derive, aggregate or plot something."""
    nb = _load(paths.notebooks_dir() / f"{name}.ipynb")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"
            and "parameters" not in c["metadata"].get("tags", [])]
    computing = [c for c in code
                 if not all(_plumbing(s) for s in _statements("".join(c["source"])))]
    assert len(computing) >= len(code) / 2, f"{len(computing)} of {len(code)} cells compute"


@pytest.mark.parametrize("name", ANALYSIS)
def test_at_least_two_checked_exercises(name):
    nb = _load(paths.notebooks_dir() / f"{name}.ipynb")
    checks = [c for c in nb["cells"]
              if c["cell_type"] == "code" and "cs.check(" in "".join(c["source"])]
    assert len(checks) >= 2
    for c in checks:
        assert "exercise" in c["metadata"].get("tags", []), "a check cell is an exercise cell"
    answers = [c for c in nb["cells"] if "answer" in c["metadata"].get("tags", [])]
    assert len(answers) >= 2


# What a notebook's own text may contain in digits: years, quarters, list numbers,
# seed and exhibit numbers, code in backticks.  Any other figure must come from the
# package (a fact, a derivation or a parameter), not be typed into the notebook.
_MD_ALLOWED = [r"\[(\d{3}|[A-Za-z][A-Za-z .-]*)\]\(sources\.html#[^)\s]+\)", r"`[^`]*`",
               r"\b(19|20)\d{2}\b", r"\bQ[1-4]\b", r"(?m)^\s*\d+\.\s",
               r"\bseeds? \d{3}\b",
               r"\bExhibits?\s+\d+\.\d+[a-z]?(\s*(,|and|or|to|–|-)\s*\d+\.\d+[a-z]?)*\b",
               r"· \d\.", r"\(\d\)",
               r"\bquestions? \d\b", r"\b[A-Za-z]+\d+[A-Za-z]*\b",
               r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
               r"November|December)\b"]


# Keyword arguments that set how a figure looks, not what it says: their numbers are layout.
_STYLE = {"figsize", "s", "size", "fontsize", "alpha", "bbox_to_anchor", "linewidth", "lw", "width",
          "height", "ncol", "rotation", "pad", "zorder", "markersize", "ms", "dpi", "wrap",
          "height_ratios", "width_ratios", "xytext", "labelpad", "shrink", "aspect", "vmin",
          "vmax", "frac", "wspace", "hspace", "edgewidth", "elinewidth", "capsize"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_types_no_figure(path):
    nb = _load(path)
    bad = []
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for pattern in _MD_ALLOWED:
                src = re.sub(pattern, " ", src, flags=re.IGNORECASE)
            bad += re.findall(r"[^\s]*\d[^\s]*", src)
        elif "parameters" not in cell["metadata"].get("tags", []):
            code = "\n".join(line for line in src.splitlines() if not line.startswith("%"))
            tree = ast.parse(code)
            styling = {id(n) for k in ast.walk(tree)
                       if isinstance(k, ast.keyword) and k.arg in _STYLE
                       for n in ast.walk(k.value)}
            bad += [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
                    and id(n) not in styling
                    and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)
                    and not (float(n.value).is_integer()
                             and (0 <= n.value <= 12 or n.value == 100))]
    assert bad == [], f"typed-in figures: {bad}"


_ALL = {"parameters", "teaching-note", "exercise", "answer"}
TAGS = {"00_case": {"teaching-note"}, "01_strategy": _ALL, "02_marketing": _ALL,
        "03_financials": _ALL,
        "04_ev_scenarios": _ALL, "05_options": _ALL, "06_sources": {"parameters", "teaching-note"}}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_teaching_structure(path):
    """Teaching notes and answers are tagged (instructor edition); questions are not."""
    nb = _load(path)
    tags = {t for c in nb["cells"] for t in c["metadata"].get("tags", [])}
    assert TAGS[path.stem] <= tags
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "".join(code[0]["source"]).startswith("%matplotlib inline")
    if path.stem == "00_case":
        return
    questions = [c for c in nb["cells"]
                 if "".join(c["source"]).startswith("## Discussion questions")]
    assert len(questions) == 1 and not questions[0]["metadata"].get("tags")
    assert 3 <= len(re.findall(r"(?m)^\d+\. ", "".join(questions[0]["source"]))) <= 6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_carries_its_title_and_source_as_text(path):
    """A figure's title and Source line are drawn in the image and also stored as text
    (alt text and text/plain), so nbval compares them and the site can list them."""
    for out in _outputs(_load(path)):
        data = out.get("data", {})
        if "image/png" in data:
            alt = out.get("metadata", {}).get("image/png", {}).get("alt", "")
            assert alt.startswith("Exhibit ") and "Source: " in alt, alt
            text = "".join(data["text/plain"])
            assert text.startswith("Exhibit ") and "<Figure" not in text
