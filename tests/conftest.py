"""Notebook executions shared by the whole test session, and the ``slow`` marker.

Each notebook execution a test reads happens once per ``pytest`` run, in one of three batches:

- ``default_runs``: every notebook at its defaults (the site build reads them; refresh's
  byte-stability check cleans and compares them with the stored notebooks);
- ``student_runs``: the student edition of every notebook that has teaching notes or answers
  (the notebook tests, the site's student edition and notebook 01's tests read them);
- ``param_runs``: the notebooks under other parameter values;

and the casebook site built from ``default_runs`` (``built_site``, both editions) is built once
too, for the site tests and the browser test.

Under pytest-xdist each worker is its own process, so a session fixture alone would run a batch
once per worker. A batch is therefore executed into a folder all workers of the run share (the
parent of each worker's temporary folder), under a file lock: the first worker that asks runs
it, the others wait for the lock and read the same files. Without xdist it is an ordinary
session fixture.

Tests that execute notebooks (these batches, and nbval's cells) are marked ``slow``, so
``pytest -m "not slow and not browser"`` is the fast subset for development.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from filelock import FileLock

from casestudy import paths
from casestudy.runner import RunResult, run_notebooks

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOTEBOOKS = paths.notebooks_dir()
BATCH_FIXTURES = {"default_runs", "student_runs", "param_runs", "built_site"}
# Tests that start a Jupyter kernel themselves (a fixture notebook, papermill's command, a
# `casestudy run` subprocess), by file and test function; test_runner.py's module fixture `run`
# executes three fixture notebooks for every test that reads it.
KERNEL_TESTS = {
    "test_notebook_runs.py": {"test_refresh_end_to_end",
                              "test_plain_papermill_from_another_directory_gives_the_same_result",
                              "test_plain_papermill_rejects_a_misspelt_parameter"},
    "test_runner.py": {"test_strict_params_out_of_range", "test_cli_run_failure_summary",
                       "test_cli_run_passing"},
    "test_hardening_outputs.py": {
        "test_run_keeps_other_runs_temp_files_and_removes_a_stale_failure",
        "test_run_whose_final_rename_fails_says_so"},
    "test_hardening_params.py": {
        "test_relative_seeds_dir_is_recorded_as_given_and_resolved_where_the_run_started"},
    "test_hardening_signals.py": {"test_signal_stops_the_run_cleanly"},
    "test_sweep.py": {"test_render_scenarios_with_papermill"},
}

Case = tuple[str, Path, dict]  # (name, notebook to run, its parameters)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark as ``slow`` every test that executes notebooks: nbval's cells, the tests that
    read a shared batch, and those that start a kernel themselves (``KERNEL_TESTS``)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        name = getattr(item, "originalname", item.name)
        file = item.path.name
        if (type(item).__module__.startswith("nbval") or BATCH_FIXTURES & fixtures
                or name in KERNEL_TESTS.get(file, ()) or (file == "test_runner.py"
                                                          and "run" in fixtures)):
            item.add_marker(pytest.mark.slow)


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this run sees (the run's own temporary folder)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def run_batch(root: Path, name: str, cases: Callable[[Path], list[Case]]) -> dict[str, RunResult]:
    """Run the notebooks ``cases(folder)`` lists into ``root/name/out/<case>.ipynb``, once per
    test session whatever the number of workers; each case's :class:`RunResult` by name."""
    folder = root / name
    record = folder / "results.json"
    with FileLock(str(folder) + ".lock"):
        if not record.exists():
            if folder.exists():
                shutil.rmtree(folder)  # an earlier attempt in this session failed part way
            folder.mkdir(parents=True)
            todo = cases(folder)
            results = run_notebooks([nb for _, nb, _ in todo], folder / "out",
                                    per_notebook=[p for _, _, p in todo],
                                    output_names=[f"{case}.ipynb" for case, _, _ in todo], jobs=2)
            rows = [{"case": case, **{k: (str(v) if isinstance(v, Path) else v)
                                      for k, v in vars(r).items()}}
                    for (case, _, _), r in zip(todo, results)]
            record.write_text(json.dumps(rows), encoding="utf-8")
        rows = json.loads(record.read_text(encoding="utf-8"))
    out = {}
    for row in rows:
        case = row.pop("case")
        row["output"] = Path(row["output"]) if row["output"] else None
        out[case] = RunResult(**row)
    return out


def _stored() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if not p.name.startswith("."))


def _defaults(folder: Path) -> list[Case]:
    return [(p.stem, p, {}) for p in _stored()]


def student_edition(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` as the student edition has it (answers and notes removed)."""
    from casestudy.site import edition_notebook

    return edition_notebook(nbformat.read(str(path), as_version=4), "student")


def _code(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _students(folder: Path) -> list[Case]:
    (folder / "in").mkdir()
    cases = []
    for path in _stored():
        nb = student_edition(path)
        if _code(nb) != _code(nbformat.read(str(path), as_version=4)):
            nbformat.write(nb, str(folder / "in" / path.name))
            cases.append((path.stem, folder / "in" / path.name, {}))
    return cases


def extra_seeds(folder: Path) -> str:
    """The bundled seeds plus one synthetic, unannotated German article, in ``folder``."""
    seeds = folder / "seeds_plus_one"
    shutil.copytree(paths.seeds_dir(), seeds)
    shutil.copy(FIXTURES / "extra_seed" / "synthetic_de.txt", seeds / "zzz_synthetic_de.txt")
    return str(seeds)


def _params(folder: Path) -> list[Case]:
    extra = extra_seeds(folder)
    cases = [
        ("sources-ja-zh", "06_sources", {"languages": ["ja", "zh"]}),
        ("sources-extra", "06_sources", {"seeds_dir": extra, "opening_chars": 80}),
        ("strategy-2013", "01_strategy", {"as_of": 2013}),
        ("strategy-2015", "01_strategy", {"as_of": 2015}),
        ("strategy-2020", "01_strategy", {"as_of": 2020}),
        ("strategy-extra", "01_strategy", {"seeds_dir": extra, "lang": "original"}),
        ("marketing-subset", "02_marketing",
         {"concepts": ["community", "trust"], "normalisation": "share"}),
        ("marketing-extra", "02_marketing", {"seeds_dir": extra, "languages": ["de", "nl", "zh"]}),
        ("financials-low-price", "03_financials", {"car_price": 200_000.0}),
        ("financials-impossible-price", "03_financials", {"car_price": 900_000.0}),
        ("scenarios-a", "04_ev_scenarios", {"absorbed_share": 1.0}),
        ("scenarios-b", "04_ev_scenarios", {"price": 240000.0, "elasticity": -2.0}),
        ("options-loss", "05_options", {"offline_share_pct": 20.0, "dealer_margin_pct": 30.0}),
    ]
    return [(case, NOTEBOOKS / f"{nb}.ipynb", p) for case, nb, p in cases
            if (NOTEBOOKS / f"{nb}.ipynb").exists()]


@pytest.fixture(scope="session")
def default_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """Every stored notebook executed at its defaults, by stem, all in one folder."""
    return run_batch(shared_folder(tmp_path_factory), "defaults", _defaults)


@pytest.fixture(scope="session")
def student_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """The student edition of each notebook that has answers or teaching notes, executed."""
    return run_batch(shared_folder(tmp_path_factory), "students", _students)


@pytest.fixture(scope="session")
def param_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """The notebooks under non-default parameters, by case name (see ``_params``)."""
    return run_batch(shared_folder(tmp_path_factory), "params", _params)


def build_once(root: Path, name: str, build: Callable[[Path], None]) -> Path:
    """``build(root/name)`` once per test session whatever the number of workers; the folder."""
    folder = root / name
    done = root / f"{name}.complete"
    with FileLock(str(folder) + ".lock"):
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)  # an earlier attempt in this session failed part way
            folder.mkdir(parents=True)
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def built_site(default_runs: dict[str, RunResult],
               tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The casebook site (both editions, with PDFs where chromium is installed) built from
    ``default_runs``: ``<folder>/instructor`` and ``<folder>/student``."""
    from casestudy.site import build_site

    ok = [r for r in default_runs.values() if r.ok and r.output is not None]
    if not ok:
        pytest.fail("no notebook executed: " + "; ".join(
            r.summary() for r in default_runs.values()), pytrace=False)
    executed = ok[0].output.parent  # type: ignore[union-attr]

    def build(folder: Path) -> None:
        for edition in ("instructor", "student"):
            result = build_site(executed, folder, edition)
            assert result.pages, edition

    return build_once(shared_folder(tmp_path_factory), "site", build)
