"""The notebooks under non-default parameters, and the byte-stability of refresh.

nbval (in the same pytest run) checks each notebook against its stored outputs
with its defaults; these tests read the runs with other parameter values, made once per
test session through the package's runner (tests/conftest.py), and check what changed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from casestudy import paths
from casestudy.nbclean import write_clean
from casestudy.parameters import SPECS, parameters_cell_source
from casestudy.refresh import refresh
from casestudy.runner import RunResult

FIXTURES = Path(__file__).parent / "fixtures"

NOTEBOOKS = paths.notebooks_dir()


def _texts(results: dict[str, RunResult]) -> dict[str, tuple[bool, str, str]]:
    """Each case's (ok, error, the text of its outputs)."""
    out = {}
    for name, r in results.items():
        text = ""
        if r.output is not None and r.output.exists():
            nb = nbformat.read(str(r.output), as_version=4)
            text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                             + str(o.get("data", {}).get("text/markdown", ""))
                             for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        out[name] = (r.ok, r.error, text)
    return out


@pytest.fixture(scope="module")
def runs(param_runs: dict[str, RunResult]) -> dict[str, tuple[bool, str, str]]:
    """The shared parameter runs (tests/conftest.py), as (ok, error, output text) by case."""
    return _texts(param_runs)


@pytest.fixture(scope="module")
def more_runs(more_param_runs: dict[str, RunResult]) -> dict[str, tuple[bool, str, str]]:
    """The further parameter runs (the extended tier, tests/conftest.py), by case."""
    return _texts(more_param_runs)


def _need(notebook: str) -> None:
    if not (NOTEBOOKS / f"{notebook}.ipynb").exists():
        pytest.fail(f"notebook {notebook}.ipynb is missing")


def test_sources_restricted_to_languages(runs):
    _need("06_sources")
    ok, err, text = runs["sources-ja-zh"]
    assert ok, err
    assert "003_bd8dcc4d91eb5557" in text and "004_e1cfa5dcaaabac6e" not in text
    assert "002_c0358955868a38ff" not in text


def test_sources_with_an_unannotated_extra_article(more_runs):
    _need("06_sources")
    ok, err, text = more_runs["sources-extra"]
    assert ok, err
    assert "zzz_synthetic_de" in text
    assert "6 seed(s)" in text


def test_strategy_as_of_2015_leaves_out_later_evidence(runs):
    _need("01_strategy")
    ok, err, text = runs["strategy-2015"]
    assert ok, err
    assert "As of 2015" in text
    assert "left out: seed 004" in text and "left out: seed 000" in text
    assert "Joyo.com" in text  # the 2004 sale is still in the 2015 view
    assert "2027" not in text.split("Exhibit 1.1", 1)[1].split("Exhibit 1.3", 1)[0]


def test_strategy_with_extra_seed_and_original_labels(more_runs):
    _need("01_strategy")
    ok, err, text = more_runs["strategy-extra"]
    assert ok, err
    assert "冒険への決断" in text  # stage names in the original language


def test_marketing_concept_subset(runs):
    _need("02_marketing")
    ok, err, text = runs["marketing-subset"]
    assert ok, err


def test_marketing_new_language_seed(more_runs):
    _need("02_marketing")
    ok, err, text = more_runs["marketing-extra"]
    assert ok, err
    assert "zzz_synthetic_de" in text


def test_financials_under_a_lower_car_price(runs):
    _need("03_financials")
    ok, err, text = runs["financials-low-price"]
    assert ok, err
    assert "200,000 CNY" in text


def test_financials_under_a_price_the_segment_cannot_carry(more_runs):
    _need("03_financials")
    ok, err, text = more_runs["financials-impossible-price"]
    assert ok, err
    assert "residual is negative" in text


def test_scenarios_under_another_price_and_elasticity(runs):
    _need("04_ev_scenarios")
    ok, err, text = runs["scenarios-b"]
    assert ok, err
    assert "(changed)" in text  # the parameter table marks what differs from the defaults


def test_scenarios_with_the_whole_duty_absorbed(more_runs):
    _need("04_ev_scenarios")
    ok, err, text = more_runs["scenarios-a"]
    assert ok, err
    assert "(changed)" in text


@pytest.mark.parametrize("case", ["options-loss"])
def test_options_under_other_inputs(runs, case):
    _need("05_options")
    ok, err, text = runs[case]
    assert ok, err
    assert "(changed)" in text


STUDENT = ["01_strategy", "02_marketing", "03_financials", "04_ev_scenarios", "05_options"]


@pytest.fixture(scope="module")
def students(student_runs: dict[str, RunResult]) -> dict[str, tuple[bool, str, str, int]]:
    """Each analysis notebook as the student edition has it: answer cells gone, exercises open
    (executed once per session, tests/conftest.py)."""
    out = {}
    for name in STUDENT:
        r = student_runs.get(name)
        if r is None:
            pytest.fail(f"{name}: the student edition removes no cell (no answers?)")
        nb = nbformat.read(str(r.output), as_version=4) if r.output is not None else None
        text = "" if nb is None else "\n".join(
            str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
            for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        answers = 0 if nb is None else sum("answer" in c.metadata.get("tags", []) for c in nb.cells)
        out[name] = (r.ok, r.error or "", text, answers)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", STUDENT)
def test_the_student_edition_runs_with_its_exercises_unanswered(students, name):
    ok, err, text, answers = students[name]
    assert ok, err
    assert answers == 0, "the student edition still holds model answers"
    assert text.count(": not yet.") >= 2, (
        "each check should say 'not yet' for an unanswered exercise")
    assert ": right." not in text


def _check_parameters_cell(stem: str, stored: nbformat.NotebookNode) -> None:
    """The stored notebook's parameters cell is the one refresh() writes from its declaration."""
    if stem in SPECS:
        [cell] = [c for c in stored.cells if "parameters" in c.metadata.get("tags", [])]
        assert cell.source == parameters_cell_source(stem), (
            f"{stem}.ipynb: the parameters cell differs from its declaration; "
            "run `casestudy refresh`")


def test_stored_notebooks_are_as_refresh_writes_them(tmp_path):
    """Each stored notebook is in the form refresh() writes (cleaned: no papermill metadata,
    timings or execution-dependent ids) and its parameters cell is written from its
    declaration. With nbval's comparison of every output (PNG images included, in the same
    run) this is refresh's byte-stability without executing the notebooks a second time;
    test_refresh_is_byte_stable (extended tier) checks it end to end."""
    names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert names, "no notebooks"
    for name in names:
        stem = name.removesuffix(".ipynb")
        stored = nbformat.read(str(NOTEBOOKS / name), as_version=4)
        _check_parameters_cell(stem, stored)
        write_clean(stored, tmp_path / name)
        assert (tmp_path / name).read_bytes() == (NOTEBOOKS / name).read_bytes(), (
            f"{name}: the stored notebook is not in refresh's cleaned form; run "
            "`casestudy refresh` and commit")


def test_refresh_is_byte_stable(default_runs, tmp_path):
    """Refreshing a notebook gives exactly the stored bytes (so twice in a row too).

    refresh() writes each parameters cell from its declaration, runs the notebook at its
    defaults and writes it cleaned: the parameters cells must already be as declared, and the
    session's run at the defaults (tests/conftest.py), cleaned, must be the stored bytes.
    refresh() itself is run end to end on a small notebook in test_refresh_end_to_end."""
    names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert names, "no notebooks"
    assert sorted(f"{stem}.ipynb" for stem in default_runs) == names
    results = list(default_runs.values())
    assert all(r.ok for r in results), [r.summary() for r in results if not r.ok]
    for name in names:
        stem = name.removesuffix(".ipynb")
        stored = nbformat.read(str(NOTEBOOKS / name), as_version=4)
        _check_parameters_cell(stem, stored)
        write_clean(nbformat.read(str(default_runs[stem].output), as_version=4), tmp_path / name)
        assert (tmp_path / name).read_bytes() == (NOTEBOOKS / name).read_bytes(), (
            f"{name}: refreshing changed the stored notebook; run `casestudy refresh` and commit, "
            "or remove the source of nondeterminism")


def test_refresh_end_to_end(tmp_path):
    """refresh() on a small notebook: run in place, cleaned, and the same bytes a second time."""
    nb = tmp_path / "passing.ipynb"
    shutil.copy(FIXTURES / "notebooks" / "passing.ipynb", nb)
    [first] = refresh([nb], jobs=1)
    assert first.ok, first.summary()
    once = nb.read_bytes()
    assert b'"papermill"' not in once and b"cell-00" in once
    [second] = refresh([nb], jobs=1)
    assert second.ok and nb.read_bytes() == once


def test_plain_papermill_from_another_directory_gives_the_same_result(more_param_runs, tmp_path,
                                                                      monkeypatch):
    """`papermill notebooks/X.ipynb out.ipynb` from any working directory equals `casestudy run`
    (the session's run of 01 with as_of 2015, tests/conftest.py)."""
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    papermill = Path(sys.executable).parent / "papermill"
    out = tmp_path / "plain.ipynb"
    proc = subprocess.run([str(papermill), str(NOTEBOOKS / "01_strategy.ipynb"), str(out),
                           "-p", "as_of", "2015", "--kernel", "python3", "--no-progress-bar"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    write_clean(nbformat.read(str(out), as_version=4), out)
    ours = more_param_runs["strategy-2015-instructor"]
    assert ours.ok, ours.error
    plain_nb = nbformat.read(str(out), as_version=4)
    ours_nb = nbformat.read(str(ours.output), as_version=4)
    strip = lambda nb: [(c.cell_type, c.source, c.get("outputs")) for c in nb.cells]  # noqa: E731
    assert strip(plain_nb) == strip(ours_nb)


def test_plain_papermill_rejects_a_misspelt_parameter(tmp_path):
    import subprocess
    import sys

    papermill = Path(sys.executable).parent / "papermill"
    proc = subprocess.run([str(papermill), str(NOTEBOOKS / "01_strategy.ipynb"),
                           str(tmp_path / "x.ipynb"), "-p", "as_off", "2015", "--kernel", "python3",
                           "--no-progress-bar"], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "unknown parameter 'as_off'" in proc.stderr and "did you mean 'as_of'" in proc.stderr
