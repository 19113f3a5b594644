"""Interrupts leave nothing behind (issue 21, probe 7): SIGTERM to the whole process group,
SIGKILL of the driver, temporary files of runs, sweeps and builds killed earlier."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from casestudy.atomic import remove_stale, temp_name

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_hardening_signals import alive, kernels_of, notebook, wait_for  # noqa: E402

CASESTUDY = Path(sys.executable).parent / "casestudy"


def start_run(tmp_path: Path, jobs: int = 2) -> tuple[subprocess.Popen[str], Path]:
    sleepers = [notebook(tmp_path / f"s{i}.ipynb", "import time\ntime.sleep(300)")
                for i in range(jobs)]
    out = tmp_path / "out"
    proc = subprocess.Popen([str(CASESTUDY), "run", *map(str, sleepers), "-o", str(out),
                             "-j", str(jobs)], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    wait_for("both kernels", lambda: len(kernels_of(proc.pid)) == jobs, proc)
    return proc, out


def connection_files(pids: list[int]) -> list[str]:
    files = []
    for pid in pids:
        args = psutil.Process(pid).cmdline()
        files += [b for a, b in zip(args, args[1:], strict=False) if a == "-f"]
    return files


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_process_group_waits_for_the_kernels(tmp_path: Path, sig: int) -> None:
    """As a shell's job control (Ctrl-C reaches the whole group) or a CI timeout sends it."""
    proc, out = start_run(tmp_path)
    try:
        kernels = kernels_of(proc.pid)
        files = connection_files(kernels)
        assert files and all(Path(f).exists() for f in files)
        os.killpg(proc.pid, sig)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 128 + sig, stderr
    assert [k for k in kernels if alive(k)] == []  # gone when the run returned, not later
    assert [f for f in files if Path(f).exists()] == []  # each holds a kernel's HMAC key
    assert "Traceback" not in stderr and "Error" not in stderr
    assert [p.name for p in out.iterdir() if p.name.startswith(".") and p.is_file()] == []


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
def test_workers_die_with_a_killed_driver(tmp_path: Path) -> None:
    proc, out = start_run(tmp_path)
    workers = [p.pid for p in psutil.Process(proc.pid).children()]
    try:
        proc.kill()
        proc.communicate(timeout=30)
        deadline = time.monotonic() + 10
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [w for w in workers if alive(w)] == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    # the next run into the folder removes what the killed one left
    left = [p for p in out.iterdir() if p.name.startswith(".") and p.is_file()]
    quick = notebook(tmp_path / "q.ipynb", "print(x)")
    done = subprocess.run([str(CASESTUDY), "run", str(quick), "-o", str(out)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert [p for p in left if p.exists()] == []


def test_stale_temp_files_of_a_dead_writer_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    mine = temp_name(tmp_path / "good.csv")
    theirs = tmp_path / f".good.csv.{dead.pid}-0123456789abcdef.tmp"
    build = tmp_path / f".instructor.{dead.pid}-k2j_x8q1.tmp"
    for p in (theirs,):
        p.write_bytes(b"x" * 1000)
    build.mkdir()
    (build / "index.html").write_text("old", encoding="utf-8")
    keep = tmp_path / ".notes.txt"
    keep.write_text("not ours", encoding="utf-8")
    assert sorted(remove_stale(tmp_path)) == sorted([theirs, build])
    assert mine.exists() and keep.exists() and not theirs.exists() and not build.exists()


def _interrupt_when(what: str, start: Callable[[int], subprocess.Popen[str]],
                    ready: Callable[[], bool], sig: int) -> tuple[int, str]:
    """Start a command (``start(attempt)``), send it ``sig`` as soon as ``ready()`` (its
    temporary file is there), and return its exit code and stderr. A busy machine may let the
    command finish before the signal lands: then it is started again, up to three times (each
    attempt may give it more work)."""
    for attempt in range(3):
        proc = start(attempt)
        deadline = time.monotonic() + 120
        while not ready() and proc.poll() is None:
            assert time.monotonic() < deadline, f"gave up waiting for {what}"
            time.sleep(0.005)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
        if proc.returncode != 0:
            return proc.returncode, stderr
    pytest.fail(f"the command ended before {what} three times; the test needs a slower one")


@pytest.mark.slow  # builds a site, runs a notebook or starts kernels
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_sweep_keeps_the_good_file_and_no_temp_file(tmp_path: Path,
                                                                    sig: int) -> None:
    good = tmp_path / "good.csv"

    def start(attempt: int) -> subprocess.Popen[str]:
        good.write_text("the earlier table\n", encoding="utf-8")
        return subprocess.Popen([str(CASESTUDY), "sweep", "--sample", "3000000", "--seed", "1",
                                 "-o", str(good)], cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    code, stderr = _interrupt_when("the sweep's temporary file", start,
                                   lambda: any(tmp_path.glob(".good.csv.*.tmp")), sig)
    assert code == 128 + sig, stderr
    assert "Traceback" not in stderr and f"interrupted by {signal.Signals(sig).name}" in stderr
    assert good.read_text(encoding="utf-8") == "the earlier table\n"
    assert list(tmp_path.glob(".*.tmp")) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_build_leaves_no_temporary_folder(tmp_path: Path, sig: int) -> None:
    import nbformat

    nbs = tmp_path / "nbs"
    nbs.mkdir()
    site = tmp_path / "site"

    def start(attempt: int) -> subprocess.Popen[str]:
        for i in range(10**attempt):  # each attempt a build with more pages
            nb = nbformat.v4.new_notebook(
                cells=[nbformat.v4.new_markdown_cell(f"# The Test · {i + 1}. One")])
            nbformat.write(nb, str(nbs / f"{i + 1:02d}_one.ipynb"))
        shutil.rmtree(site, ignore_errors=True)
        return subprocess.Popen([str(CASESTUDY), "build", "--notebooks-dir", str(nbs), "-o",
                                 str(site), "--no-pdf"], cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    code, stderr = _interrupt_when("the build's temporary folder", start,
                                   lambda: any(site.glob(".instructor.*.tmp")), sig)
    assert code == 128 + sig and "Traceback" not in stderr, stderr
    assert [p.name for p in site.iterdir() if p.name.startswith(".")] == []
