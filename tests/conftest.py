"""Notebook executions shared by the whole test session; the ``slow`` and ``extended`` tiers.

In the README's test command (the default tier) each notebook is executed twice: by nbval, as
stored (the instructor's notebook, at its defaults), every output compared with the stored one,
PNG images included (``pytest_collection_modifyitems``); and by tests/test_browser.py, the
student edition in JupyterLab. The site the tests read (``built_site``: both editions, the
student one with its PDFs where chromium is installed) is built once, from the stored
notebooks, which nbval has just shown to be what a run at the defaults gives.

The extended tier executes more, each execution once per ``pytest`` run, in one of three
batches:

- ``edition_runs``: each notebook as a student runs it under parameters of their own: the
  student edition (answers removed) under one non-default parameter set (``PARAMS``); a
  notebook without a student edition of its own runs as stored under its set. Two views of it:
  ``student_runs`` (the student editions, by notebook) and ``param_runs`` (by parameter set);
- ``more_param_runs``: further parameter sets on the stored notebooks (``MORE_PARAMS``);
- ``default_runs``: every notebook at its defaults through the package's runner, for
  refresh's byte-stability check and the run records.

Under pytest-xdist each worker is its own process, so a session fixture alone would run a batch
once per worker. A batch is therefore executed into a folder all workers of the run share (the
parent of each worker's temporary folder), under a file lock: the first worker that asks runs
it, the others wait for the lock and read the same files. Without xdist it is an ordinary
session fixture.

Tiers (markers, set here):

- ``slow``: tests that execute notebooks (these batches, and nbval's cells), start a kernel or
  build the site; ``pytest -m "not slow and not browser"`` is the fast subset for development.
- ``extended``: end-to-end runs kept out of the README's test command so that it stays under
  two minutes on two cores (``pyproject.toml`` deselects them with ``-m "not extended"``);
  ``pytest -m extended`` runs them, and ``.ci/run`` does so after the README's command, so CI
  runs every test. They run the notebooks again under other inputs, at scale or under
  signals: the student editions and the notebooks under other parameter sets, the grading
  workflow for a class of three, the notebooks on other seeds folders, interrupted runs, the
  runner's byte-stability at the defaults.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from filelock import FileLock

from casestudy import paths
from casestudy.runner import RunResult, run_notebooks

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOTEBOOKS = paths.notebooks_dir()
BATCH_FIXTURES = {"default_runs", "edition_runs", "more_param_runs", "built_site"}
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
# The extended tier, by file (every test in it) or by file and test function; tests reading a
# batch of runs (``EXTENDED_FIXTURES``) are extended too.
EXTENDED_FILES = {"test_grading_workflow.py", "test_hardening_any_seeds.py",
                  "test_hardening_signals.py"}
EXTENDED_TESTS = {
    "test_notebook_runs.py": {"test_plain_papermill_from_another_directory_gives_the_same_result",
                              "test_plain_papermill_rejects_a_misspelt_parameter"},
    "test_hardening_interrupts.py": {
        "test_an_interrupted_sweep_keeps_the_good_file_and_no_temp_file",
        "test_a_signal_to_the_process_group_waits_for_the_kernels",
        "test_workers_die_with_a_killed_driver"},
    "test_hardening_small.py": {"test_sweep_render_finds_its_notebook_from_any_folder"},
    "test_hardening_outputs.py": {
        "test_run_keeps_other_runs_temp_files_and_removes_a_stale_failure",
        "test_run_whose_final_rename_fails_says_so"},
    "test_hardening_params.py": {
        "test_relative_seeds_dir_is_recorded_as_given_and_resolved_where_the_run_started"},
}
EXTENDED_FIXTURES = {"default_runs", "edition_runs", "more_param_runs"}

Case = tuple[str, Path, dict]  # (name, notebook to run, its parameters)


def pytest_configure(config: pytest.Config) -> None:
    """Cache the rewritten test modules even where ``PYTHONDONTWRITEBYTECODE`` is set (as on the
    CI machines): rewriting every test module's asserts costs each xdist worker about 5 s a run.
    The cache goes under ``.pytest_cache/pycache``, so no ``__pycache__`` appears beside the
    sources."""
    if sys.dont_write_bytecode and sys.pycache_prefix is None:
        sys.pycache_prefix = str(config.rootpath / ".pytest_cache" / "pycache")
        sys.dont_write_bytecode = False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark as ``slow`` every test that executes notebooks: nbval's cells, the tests that
    read a shared batch, and those that start a kernel themselves (``KERNEL_TESTS``); mark the
    extended tier (``slow`` too); make nbval compare PNG images as well (it skips them unless
    nbdime is asked for), so the stored figures are the ones a fresh run draws, byte for byte;
    put the browser test first."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        name = getattr(item, "originalname", item.name)
        file = item.path.name
        nbval = type(item).__module__.startswith("nbval")
        if (nbval or BATCH_FIXTURES & fixtures
                or name in KERNEL_TESTS.get(file, ()) or (file == "test_runner.py"
                                                          and "run" in fixtures)):
            item.add_marker(pytest.mark.slow)
        if (file in EXTENDED_FILES or name in EXTENDED_TESTS.get(file, ())
                or EXTENDED_FIXTURES & fixtures or item.get_closest_marker("extended")):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.extended)
        parent = item.parent
        if nbval and parent is not None and "image/png" in getattr(parent, "skip_compare", ()):
            parent.skip_compare = tuple(k for k in parent.skip_compare  # type: ignore[attr-defined]
                                        if k != "image/png")
    # The browser test is the longest module (one JupyterLab, every notebook in turn) and xdist
    # keeps a module on one worker: start it first, so the other worker takes the rest meanwhile.
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int,
                            config: pytest.Config) -> None:
    """Say where the deselected extended tier went, so that no one thinks it ran."""
    if "not extended" in (config.option.markexpr or ""):
        deselected = [i for i in terminalreporter.stats.get("deselected", [])
                      if i.get_closest_marker("extended")]
        if deselected:
            terminalreporter.write_line(
                f"{len(deselected)} extended tests deselected (end-to-end runs at scale); "
                "run them with: pytest -m extended")


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


def has_student_edition(path: Path) -> bool:
    """Whether the student edition of ``path`` differs in code (an answer cell is removed)."""
    return _code(student_edition(path)) != _code(nbformat.read(str(path), as_version=4))


def extra_seeds(folder: Path) -> str:
    """The bundled seeds plus one synthetic, unannotated German article, in ``folder``."""
    seeds = folder / "seeds_plus_one"
    shutil.copytree(paths.seeds_dir(), seeds)
    shutil.copy(FIXTURES / "extra_seed" / "synthetic_de.txt", seeds / "zzz_synthetic_de.txt")
    return str(seeds)


# One non-default parameter set per notebook that takes parameters (the default tier: run on the
# student edition where the notebook has one, as a student runs it under other values), and
# further sets (the extended tier: run on the stored notebook). A set naming ``EXTRA_SEEDS``
# runs on the bundled seeds plus one synthetic, unannotated German article.
EXTRA_SEEDS = "<bundled seeds plus one>"
PARAMS = [
    ("sources-ja-zh", "06_sources", {"languages": ["ja", "zh"]}),
    ("strategy-2015", "01_strategy", {"as_of": 2015}),
    ("marketing-subset", "02_marketing",
     {"concepts": ["community", "trust"], "normalisation": "share"}),
    ("financials-low-price", "03_financials", {"car_price": 200_000.0}),
    ("scenarios-b", "04_ev_scenarios", {"price": 240000.0, "elasticity": -2.0}),
    ("options-loss", "05_options", {"offline_share_pct": 20.0, "dealer_margin_pct": 30.0}),
]
MORE_PARAMS = [
    ("sources-extra", "06_sources", {"seeds_dir": EXTRA_SEEDS, "opening_chars": 80}),
    ("strategy-2013", "01_strategy", {"as_of": 2013}),
    ("strategy-2020", "01_strategy", {"as_of": 2020}),
    ("strategy-extra", "01_strategy", {"seeds_dir": EXTRA_SEEDS, "lang": "original"}),
    ("marketing-extra", "02_marketing",
     {"seeds_dir": EXTRA_SEEDS, "languages": ["de", "nl", "zh"]}),
    ("financials-impossible-price", "03_financials", {"car_price": 900_000.0}),
    ("scenarios-a", "04_ev_scenarios", {"absorbed_share": 1.0}),
    ("strategy-2015-instructor", "01_strategy", {"as_of": 2015}),
]


def _cases(sets: list[tuple[str, str, dict]]) -> Callable[[Path], list[Case]]:
    """The batch of the stored notebooks under ``sets`` (case, notebook stem, parameters),
    making the extra seeds folder in the batch's folder when a set names it."""
    def cases(folder: Path) -> list[Case]:
        extra = extra_seeds(folder) if any(EXTRA_SEEDS in p.values() for _, _, p in sets) else ""
        return [(case, NOTEBOOKS / f"{nb}.ipynb",
                 {k: extra if v == EXTRA_SEEDS else v for k, v in p.items()})
                for case, nb, p in sets if (NOTEBOOKS / f"{nb}.ipynb").exists()]
    return cases


def student_cases() -> dict[str, str]:
    """Each notebook with a student edition of its own: the case its edition runs under (its
    ``PARAMS`` set, else its stem at the defaults), by stem."""
    named = {nb: case for case, nb, _ in PARAMS}
    return {p.stem: named.get(p.stem, p.stem) for p in _stored() if has_student_edition(p)}


def _students_and_params(folder: Path) -> list[Case]:
    """The student editions (under their ``PARAMS`` set) and the other ``PARAMS`` sets."""
    (folder / "in").mkdir()
    students = student_cases()
    params = {case: p for case, _, p in PARAMS}
    cases = []
    for stem, case in students.items():
        path = folder / "in" / f"{stem}.ipynb"
        nbformat.write(student_edition(NOTEBOOKS / f"{stem}.ipynb"), str(path))
        cases.append((case, path, params.get(case, {})))
    return cases + [c for c in _cases(PARAMS)(folder) if c[0] not in students.values()]


@pytest.fixture(scope="session")
def default_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """Every stored notebook executed at its defaults, by stem, all in one folder."""
    return run_batch(shared_folder(tmp_path_factory), "defaults", _defaults)


@pytest.fixture(scope="session")
def edition_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """The student editions and the ``PARAMS`` sets, executed together, by case name."""
    return run_batch(shared_folder(tmp_path_factory), "students", _students_and_params)


@pytest.fixture(scope="session")
def student_runs(edition_runs: dict[str, RunResult]) -> dict[str, RunResult]:
    """The student edition of each notebook that has answers (by stem), executed under the
    notebook's ``PARAMS`` set where it has one: what a student runs under other values."""
    return {stem: edition_runs[case] for stem, case in student_cases().items()}


@pytest.fixture(scope="session")
def param_runs(edition_runs: dict[str, RunResult]) -> dict[str, RunResult]:
    """The notebooks under a non-default parameter set, by case name (``PARAMS``; the
    student edition where the notebook has one)."""
    return {case: edition_runs[case] for case, _, _ in PARAMS if case in edition_runs}


@pytest.fixture(scope="session")
def more_param_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """Further parameter sets, by case name (``MORE_PARAMS``; the extended tier)."""
    return run_batch(shared_folder(tmp_path_factory), "more_params", _cases(MORE_PARAMS))


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
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The casebook site built from the stored notebooks: ``<folder>/instructor`` and
    ``<folder>/student``, the student edition with its PDFs where chromium is installed (the
    instructor's PDFs are printed by test_site.py's own small casebook)."""
    from casestudy.site import build_site, pdf

    def build(folder: Path) -> None:
        for edition in ("instructor", "student"):
            want_pdf = edition == "student" and not pdf.unavailable()
            result = build_site(NOTEBOOKS, folder, edition, pdf_files=want_pdf)
            assert result.pages, edition

    return build_once(shared_folder(tmp_path_factory), "site", build)
