"""00_case, 02_marketing and 06_sources run on every seeds folder the README invites and on
every allowed ``languages`` value (issue 21, point 4): the bundled seeds with an unannotated
article, only unannotated articles (one Korean), ``languages = [ko]``, 500 annotated seeds.
Each folder is run once (one runner call for the three notebooks) and shared by the tests."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from any_seeds import bundled_plus_unannotated, many_annotated, only_unannotated  # noqa: E402

from casestudy.runner import RunResult, resolve_notebooks, run_notebooks  # noqa: E402

pytestmark = pytest.mark.slow
NOTEBOOKS = ["00_case", "02_marketing", "06_sources"]
CASES: dict[str, tuple[Any, dict[str, Any]]] = {
    "plus_unannotated": (bundled_plus_unannotated, {}),
    "only_unannotated": (only_unannotated, {}),
    "languages_ko": (None, {"languages": ["ko"]}),
    "many_annotated": (many_annotated, {}),
}


@pytest.fixture(scope="module", params=list(CASES))
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> tuple[str, list[RunResult]]:
    make, params = CASES[request.param]
    base = tmp_path_factory.mktemp(request.param)
    if make is not None:
        params = {**params, "seeds_dir": str(make(base / "seeds"))}
    notebooks = resolve_notebooks(NOTEBOOKS if "languages" not in params else NOTEBOOKS[1:])
    return request.param, run_notebooks(notebooks, base / "out", params, jobs=2)


def test_every_notebook_runs(run: tuple[str, list[RunResult]]) -> None:
    case, results = run
    assert [r.summary() for r in results if not r.ok] == [], case


def test_exhibits_without_evidence_say_so(run: tuple[str, list[RunResult]]) -> None:
    """Where the folder or parameters leave an exhibit no evidence, its output is the sentence."""
    case, results = run
    texts = []
    for r in results:
        assert r.output is not None
        nb = json.loads(r.output.read_text(encoding="utf-8"))
        texts += ["".join(o.get("data", {}).get("text/plain", "")) for c in nb["cells"]
                  for o in c.get("outputs", []) if o.get("output_type") == "execute_result"]
        assert not [o for c in nb["cells"] for o in c.get("outputs", [])
                    if o.get("output_type") == "error"]
    empty = [t for t in texts if "No evidence in the chosen seeds" in t]
    if case in ("only_unannotated", "languages_ko"):
        assert empty, case  # these folders hold no annotated evidence at all
    if case == "plus_unannotated":
        assert not empty  # the bundled evidence is all still there
