"""Atomic outputs with unique temp names: run outputs, sweep files, the atomic helper."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from casestudy import atomic, sweep
from casestudy.runner import run_notebooks

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"


def hidden_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.is_file())


# -- the helper -------------------------------------------------------------------------------

def test_atomic_write_replaces_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    atomic.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert hidden_files(tmp_path) == []


def test_atomic_path_keeps_the_old_file_on_an_exception(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("good", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("trunc", encoding="utf-8")
            raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "good"
    assert hidden_files(tmp_path) == []


def test_atomic_rename_failure_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.mkdir()
    (target / "keep").write_text("x", encoding="utf-8")
    with pytest.raises(atomic.ReplaceError,
                       match="a.txt: the complete output could not replace it"):
        atomic.write_text(target, "new")
    assert hidden_files(tmp_path) == []


def test_temp_names_are_unique(tmp_path: Path) -> None:
    a, b = atomic.temp_name(tmp_path / "x.csv"), atomic.temp_name(tmp_path / "x.csv")
    assert a != b and a.name.startswith(".x.csv.") and a.name.endswith(".tmp")


# -- run outputs ------------------------------------------------------------------------------

def test_run_keeps_other_runs_temp_files_and_removes_a_stale_failure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # what another run into the same folder, started earlier, would have there now
    foreign = {".passing.running.ipynb": b"another run's notebook",
               ".passing.ipynb.tmp": b"another run's output being written"}
    for name, data in foreign.items():
        (out / name).write_bytes(data)
    (out / "passing.failed.ipynb").write_text("{}", encoding="utf-8")  # from an earlier failure
    [res] = run_notebooks([FIXTURES / "passing.ipynb"], out, jobs=1)
    assert res.ok, res.summary()
    for name, data in foreign.items():
        assert (out / name).read_bytes() == data, f"{name} was touched"
    assert hidden_files(out) == sorted(foreign)
    assert not (out / "passing.failed.ipynb").exists()


def test_run_whose_final_rename_fails_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    blocker = out / "passing.ipynb"  # a folder where the output should go
    blocker.mkdir(parents=True)
    (blocker / "keep.txt").write_text("x", encoding="utf-8")
    [res] = run_notebooks([FIXTURES / "passing.ipynb"], out, jobs=1)
    assert not res.ok and not res.saved
    summary = res.summary()
    assert "before any cell" not in summary
    assert "ran to the end but was NOT SAVED" in summary and "passing.ipynb" in summary
    assert not (out / "passing.failed.ipynb").exists()  # a complete run is not a failure
    assert hidden_files(out) == []
    assert (blocker / "keep.txt").exists()


# -- sweep files ------------------------------------------------------------------------------

def test_interrupted_sweep_keeps_the_good_file(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.csv as pacsv

    good = tmp_path / "results.csv"
    good.write_text("a,b\n1,2\n", encoding="utf-8")

    def half_then_interrupt(_self_or_table, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        Path(path).write_text("a,b\n1,", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(pacsv, "write_csv", half_then_interrupt)
    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        sweep.write_results(sweep.random_sample(10, 1), good)
    assert good.read_text(encoding="utf-8") == "a,b\n1,2\n"
    assert hidden_files(tmp_path) == []


def test_sweep_csv_reads_back_as_pandas_writes_it(tmp_path: Path) -> None:
    df = sweep.random_sample(200, 3)
    path = sweep.write_results(df, tmp_path / "r.csv")
    df.to_csv(tmp_path / "pandas.csv", index=False)
    back, ref = pd.read_csv(path), pd.read_csv(tmp_path / "pandas.csv")
    assert list(back.columns) == list(df.columns)
    pd.testing.assert_frame_equal(back, ref, check_exact=True, check_dtype=False)
    assert hidden_files(tmp_path) == []


def test_sweep_output_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "r.csv").mkdir()
    with pytest.raises(sweep.SweepError, match="is a folder"):
        sweep.write_results(sweep.random_sample(5, 1), tmp_path / "r.csv")
