"""Tests of casestudy.runner and the ``casestudy`` command on the fixture notebooks."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_in_process import run_main

from casestudy import NotebookRunError, ParameterError
from casestudy.runner import RunResult, resolve_notebooks, run_notebooks

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
CASESTUDY = Path(sys.executable).parent / "casestudy"
WATCHED = (ROOT / "notebooks", ROOT / "seeds", FIXTURES)


def tree_state(folders: tuple[Path, ...] = WATCHED) -> dict[str, str | None]:
    """Every path under ``folders`` with the SHA-256 of its bytes (None for a folder)."""
    out: dict[str, str | None] = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
    return out


def diff(before: dict[str, str | None], after: dict[str, str | None]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys()
                  if before.get(k, "-") != after.get(k, "-"))


@pytest.fixture(autouse=True)
def project_untouched() -> Iterator[None]:
    """Nothing under notebooks/, seeds/ or the fixture notebooks changes during a test."""
    before = tree_state()
    yield
    assert diff(before, tree_state()) == []


def file_state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


# -- one run of three fixture notebooks, shared by the tests below ---------------------------

EXISTING = b'{"not": "a notebook the runner wrote"}\n'


class Run:
    results: dict[str, RunResult]
    outdir: Path
    lines: list[str]
    changed: list[str]
    existing_before: tuple[bytes, int]
    existing_after: tuple[bytes, int]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    r = Run()
    r.outdir = tmp_path_factory.mktemp("run") / "out"
    r.outdir.mkdir()
    existing = r.outdir / "failing.ipynb"
    existing.write_bytes(EXISTING)
    os.utime(existing, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    r.existing_before = file_state(existing)
    r.lines = []
    before = tree_state()
    names = ["passing", "failing", "no_parameters"]
    results = run_notebooks([FIXTURES / f"{n}.ipynb" for n in names], r.outdir, jobs=2,
                            progress=r.lines.append)
    r.changed = diff(before, tree_state())
    r.results = dict(zip(names, results))
    r.existing_after = file_state(existing)
    return r


def test_results_in_input_order(run: Run) -> None:
    assert [res.notebook for res in run.results.values()] == ["passing", "failing", "no_parameters"]
    assert run.changed == []


def test_passing_notebook_is_written_and_cleaned(run: Run) -> None:
    res = run.results["passing"]
    assert res.ok and res.error == "" and res.cell is None
    assert res.output == run.outdir / "passing.ipynb"
    nb = json.loads(res.output.read_text(encoding="utf-8"))
    assert "papermill" not in nb["metadata"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert [c["id"] for c in nb["cells"]] == [f"cell-{i:02d}" for i in range(len(nb["cells"]))]
    for cell in nb["cells"]:
        assert "execution" not in cell["metadata"]
        assert "papermill" not in cell["metadata"]
        for out in cell.get("outputs", []):
            assert "execution" not in out.get("metadata", {})
    printed = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("name") == "stdout"]
    assert "".join(printed[0]["text"]).strip() == "2"
    assert not (run.outdir / "passing.failed.ipynb").exists()
    assert not list(run.outdir.glob(".*.running.ipynb"))


def test_notebook_without_parameters_cell_runs(run: Run) -> None:
    res = run.results["no_parameters"]
    assert res.ok
    assert (run.outdir / "no_parameters.ipynb").is_file()


def test_failing_notebook(run: Run) -> None:
    res = run.results["failing"]
    assert not res.ok
    assert res.cell is not None
    assert "ValueError" in res.error and "fixture failure with x=1" in res.error
    assert res.output == run.outdir / "failing.failed.ipynb"
    nb = json.loads(res.output.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert any(o.get("ename") == "ValueError" for o in outputs)
    summary = res.summary()
    assert summary.startswith("failing: FAILED at cell ") and "ValueError" in summary
    assert any("FAILED" in line and "failing.ipynb" in line for line in run.lines)


def test_existing_output_of_a_failed_notebook_is_left_untouched(run: Run) -> None:
    assert run.existing_after == run.existing_before
    assert run.existing_after[0] == EXISTING


def test_no_temporary_files_left(run: Run) -> None:
    names = {p.name for p in run.outdir.iterdir() if p.is_file()}
    assert names == {"passing.ipynb", "failing.ipynb", "failing.failed.ipynb",
                     "no_parameters.ipynb"}


# -- parameters ------------------------------------------------------------------------------

def test_strict_params_out_of_range(tmp_path: Path) -> None:
    [res] = run_notebooks([FIXTURES / "strict_params.ipynb"], tmp_path / "out", {"year": 2040},
                          jobs=2)
    assert not res.ok
    assert "ParameterError" in res.error
    assert "'year' = 2040" in res.error
    assert res.parameters == {"year": 2040}
    assert not (tmp_path / "out" / "strict_params.ipynb").exists()


def test_unknown_parameter_for_a_declared_notebook_fails_before_any_kernel(tmp_path: Path) -> None:
    nb = ROOT / "notebooks" / "06_sources.ipynb"
    with pytest.raises(ParameterError, match="did you mean 'opening_chars'"):
        run_notebooks([nb], tmp_path / "out", {"opening_char": 100})
    assert not (tmp_path / "out").exists()


# -- errors before any notebook runs ---------------------------------------------------------

def test_unknown_notebook_name() -> None:
    with pytest.raises(NotebookRunError) as info:
        resolve_notebooks(["nope"], FIXTURES)
    message = str(info.value)
    assert "'nope'" in message
    for name in ("failing", "no_parameters", "passing", "strict_params"):
        assert name in message


def test_resolve_by_stem_name_and_path() -> None:
    assert resolve_notebooks(["passing"], FIXTURES) == [FIXTURES / "passing.ipynb"]
    assert resolve_notebooks(["passing.ipynb"], FIXTURES) == [FIXTURES / "passing.ipynb"]
    assert resolve_notebooks([str(FIXTURES / "failing.ipynb")]) == [FIXTURES / "failing.ipynb"]
    assert [p.stem for p in resolve_notebooks([], FIXTURES)] == \
        ["failing", "no_parameters", "passing", "strict_params"]


def test_output_folder_that_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(NotebookRunError) as info:
        run_notebooks([FIXTURES / "passing.ipynb"], blocker / "out", jobs=2)
    assert str(blocker / "out") in str(info.value)
    assert "cannot be written" in str(info.value)
    assert blocker.read_text(encoding="utf-8") == "x"


def test_refuses_to_write_into_the_notebooks_folder(tmp_path: Path) -> None:
    with pytest.raises(NotebookRunError, match="notebooks' own folder"):
        run_notebooks([FIXTURES / "passing.ipynb"], FIXTURES, jobs=2)
    # also when the folder is named another way
    with pytest.raises(NotebookRunError, match="notebooks' own folder"):
        run_notebooks([FIXTURES / "passing.ipynb"], FIXTURES / ".." / "notebooks", jobs=2)
    link = tmp_path / "link"
    link.symlink_to(FIXTURES, target_is_directory=True)
    with pytest.raises(NotebookRunError, match="notebooks' own folder"):
        run_notebooks([FIXTURES / "passing.ipynb"], link, jobs=2)


def test_bad_jobs(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="jobs"):
        run_notebooks([FIXTURES / "passing.ipynb"], tmp_path / "out", jobs=-1)


# -- the command line (run_main: in this process, where only the answer is checked) -----------

def casestudy(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    assert CASESTUDY.exists(), f"{CASESTUDY} not found: is the package installed in the venv?"
    return subprocess.run([str(CASESTUDY), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def test_cli_run_failure_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = casestudy("run", str(FIXTURES / "strict_params.ipynb"), "-p", "year", "2040",
                     "-o", str(out), "-j", "1", cwd=tmp_path)
    assert proc.returncode != 0
    err = proc.stderr.strip()
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert "strict_params" in err
    assert "ParameterError" in err and "'year' = 2040" in err
    assert "\n\n" not in err, f"expected one paragraph, got:\n{err}"
    assert "1 failed" in proc.stdout
    assert (out / "strict_params.failed.ipynb").exists()
    assert not (out / "strict_params.ipynb").exists()


def test_cli_run_passing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = casestudy("run", str(FIXTURES / "passing.ipynb"), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 passed, 0 failed" in proc.stdout
    assert (out / "passing.ipynb").is_file()


def test_cli_params(tmp_path: Path) -> None:
    proc = run_main("params", "06_sources", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for name in ("seeds_dir", "languages", "opening_chars"):
        assert f"  {name}: " in proc.stdout
    assert "opening_chars: int = 160" in proc.stdout
    assert "from 20 to 2000" in proc.stdout


def test_cli_unknown_notebook(tmp_path: Path) -> None:
    proc = run_main("run", "no_such_notebook", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "unknown notebook 'no_such_notebook'" in proc.stderr
    assert "06_sources" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot be read"),                       # does not exist
        ("dir", "cannot be read"),                      # a folder
        (b"year: \xff\xfe 2040\n", "not UTF-8"),         # not text
        (b"- 2040\n- 2041\n", "expected a mapping"),     # a list, not a mapping
        (b"2040\n", "expected a mapping"),               # a scalar
        (b"year: [2040\n", "not valid YAML"),
    ],
)
def test_cli_bad_param_file(tmp_path: Path, content: Any, expected: str) -> None:
    path = tmp_path / "params.yaml"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    proc = run_main("run", str(FIXTURES / "passing.ipynb"), "-f", str(path),
                    "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "params.yaml" in proc.stderr
    assert expected in proc.stderr
    assert not (tmp_path / "out").exists()
