"""The smaller items of issue 21 (point 8), one test each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_in_process import run_main

import casestudy as cs
from casestudy import NotebookRunError, SeedError
from casestudy.runner import run_notebooks

CASESTUDY = Path(sys.executable).parent / "casestudy"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
TEXT = "Xiaomi said its revenue was 5 billion yuan in 2025. The end.\n"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CASESTUDY), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=180, check=False)


def test_the_same_notebook_twice_in_one_run_is_refused(tmp_path: Path) -> None:
    nb = FIXTURES / "passing.ipynb"
    with pytest.raises(NotebookRunError, match="passing.ipynb is named more than once"):
        run_notebooks([nb, nb], tmp_path / "out")
    proc = run_main("run", str(nb), str(nb), "-o", "out", cwd=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1
    assert "named more than once" in proc.stderr


def test_two_seeds_with_one_number_are_refused(tmp_path: Path) -> None:
    """004.txt and 004_x.txt would share the anchor seed-004 and the label "seed 004"."""
    (tmp_path / "004.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "004_x.txt").write_text(TEXT, encoding="utf-8")
    with pytest.raises(SeedError, match="two seeds with the number 004: 004.txt and 004_x.txt"):
        cs.load_corpus(tmp_path)
    (tmp_path / "004.txt").rename(tmp_path / "005.txt")
    assert cs.load_corpus(tmp_path).ids == ("004_x", "005")


@pytest.mark.parametrize("name", ["index", "sources", "Glossary"])
def test_notebooks_named_like_the_site_pages_are_refused(tmp_path: Path, name: str) -> None:
    from casestudy.site import SiteError, build_site

    (tmp_path / "nbs").mkdir()
    (tmp_path / "nbs" / f"{name}.ipynb").write_bytes((FIXTURES / "passing.ipynb").read_bytes())
    with pytest.raises(SiteError, match=f"a notebook named '{name}' would be overwritten"):
        build_site(tmp_path / "nbs", tmp_path / "site", pdf_files=False)
    assert not (tmp_path / "site").exists()


def test_a_full_disk_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A truncated output read as NotJSONError: the summary says the disk is full."""
    import shutil
    from collections import namedtuple

    import nbformat

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**9, 10**9, 4096))
    real = nbformat.read

    def truncated(path: str, as_version: int) -> object:
        if ".running." in str(path):
            raise nbformat.reader.NotJSONError("Notebook does not appear to be JSON: '{\"cel...")
        return real(path, as_version=as_version)

    monkeypatch.setattr(nbformat, "read", truncated)  # the forked worker inherits both
    [r] = run_notebooks([FIXTURES / "passing.ipynb"], tmp_path / "out", jobs=1)
    assert not r.ok and not r.saved
    assert "the disk holding" in r.summary() and "is full (4,096 bytes free)" in r.summary()


def test_seeds_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """The reader has gone before the command writes (as ``casestudy seeds | head -n 0``):
    the write meets a closed pipe, and the command ends as a tool stopped by SIGPIPE, with
    nothing on stderr."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([str(CASESTUDY), "seeds"], cwd=tmp_path, stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=180, check=False)
    finally:
        os.close(write)
    assert proc.returncode == 141, proc.stderr
    assert proc.stderr == ""


def test_control_characters_in_a_seed_do_not_reach_the_terminal(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "evil.txt").write_text("\x1b]0;owned\x07\x1b[2JXiaomi sold 10 phones in 2015.\n"
                                    "\x1b[31mred\x1b[0m 7 and \r\x08 more text here.\n",
                                    encoding="utf-8")
    proc = run_main("seeds", "--seeds-dir", str(seeds), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout and "\x08" not in proc.stdout
    assert "\\x1b" in proc.stdout


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    """The installed command's exit code once (argparse exits 2 there), the rest in-process."""
    for jobs, run in (("0", cli), ("-1", run_main), ("x", run_main)):
        proc = run("run", str(FIXTURES / "passing.ipynb"), "-j", jobs, "-o", "out", cwd=tmp_path)
        assert proc.returncode == 2 and "-j/--jobs" in proc.stderr
        assert not (tmp_path / "out").exists()


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
def test_sweep_render_finds_its_notebook_from_any_folder(tmp_path: Path) -> None:
    proc = cli("sweep", "--grid", "absorbed_share=0,1", "--render", "1", "--outdir", "r",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    [out] = (tmp_path / "r").glob("04_ev_scenarios-scenario-1.ipynb")
    assert json.loads(out.read_text(encoding="utf-8"))["cells"]
