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
EXPECTED = ["00_sources", "01_strategy", "02_marketing", "03_financials", "04_ev_scenarios"]


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
        assert not re.search(r"/(tmp|root|home|work|Users)/", text), "an output holds a machine path"
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
            assert "Source: seed" in html, html[:200]
    figures = sum("image/png" in out.get("data", {}) for out in _outputs(nb))
    assert exhibits + figures >= 2, "a chapter without exhibits"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_reads_like_a_case(path):
    nb = _load(path)
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    first = "".join(nb["cells"][0]["source"])
    assert first.startswith("# The Xiaomi casebook")
    assert "Question" in md or "question" in md
    assert "What this evidence means for the decision" in md
    assert "Discussion questions" in md
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    long_cells = [c for c in code if len("".join(c["source"]).splitlines()) > 12
                  and "parameters" not in c["metadata"].get("tags", [])]
    assert not long_cells, "code cells should be short: move logic into casestudy/"


# What a notebook's own text may contain in digits: years, quarters, list numbers,
# seed and exhibit numbers, code in backticks.  Any other figure must come from the
# package (a fact, a derivation or a parameter), not be typed into the notebook.
_MD_ALLOWED = [r"`[^`]*`", r"\b(19|20)\d{2}\b", r"\bQ[1-4]\b", r"(?m)^\s*\d+\.\s",
               r"\bseeds? \d{3}\b", r"\b\d+\.\d+[a-z]?\b", r"· \d\.", r"\(\d\)",
               r"\bquestions? \d\b", r"\b[A-Za-z]+\d+[A-Za-z]*\b",
               r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
               r"November|December)\b"]


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
            bad += [n.value for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Constant)
                    and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)
                    and not (float(n.value).is_integer() and (0 <= n.value <= 12 or n.value == 100))]
    assert bad == [], f"typed-in figures: {bad}"


TAGS = {"00_sources": {"parameters", "teaching-note"}, "01_strategy": {"parameters", "teaching-note"},
        "02_marketing": {"parameters", "teaching-note", "exercise", "answer"},
        "03_financials": {"parameters", "teaching-note", "exercise", "answer"},
        "04_ev_scenarios": {"parameters", "teaching-note", "exercise", "answer"}}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_teaching_structure(path):
    """Teaching notes and answers are tagged (instructor edition); questions are not."""
    nb = _load(path)
    tags = {t for c in nb["cells"] for t in c["metadata"].get("tags", [])}
    assert TAGS[path.stem] <= tags
    questions = [c for c in nb["cells"] if "".join(c["source"]).startswith("## Discussion questions")]
    assert len(questions) == 1 and not questions[0]["metadata"].get("tags")
    assert 3 <= len(re.findall(r"(?m)^\d+\. ", "".join(questions[0]["source"]))) <= 6
    assert "".join(nb["cells"][1]["source"]).startswith("%matplotlib inline")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_carries_its_title_and_source_as_text(path):
    """A figure's title and Source line are drawn in the image and also stored as text
    (alt text and text/plain), so nbval compares them and the site can list them."""
    for out in _outputs(_load(path)):
        data = out.get("data", {})
        if "image/png" in data:
            alt = out.get("metadata", {}).get("image/png", {}).get("alt", "")
            assert alt.startswith("Exhibit ") and "Source: seed" in alt, alt
            text = "".join(data["text/plain"])
            assert text.startswith("Exhibit ") and "<Figure" not in text
