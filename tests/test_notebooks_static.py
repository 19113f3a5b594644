"""Checks on the stored notebooks themselves (no execution): what nbval compares against
must be clean, complete and readable as a case study."""

from __future__ import annotations

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
