"""SIGINT and SIGTERM to ``casestudy run``: nothing new starts, workers and kernels are
stopped (no orphans), temporary files are removed, the summary says what finished and
what did not, and the exit code is 130 or 143."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

CASESTUDY = Path(sys.executable).parent / "casestudy"


def notebook(path: Path, code: str) -> Path:
    """A minimal notebook with a parameters cell and one code cell."""
    cells = [
        {"cell_type": "code", "execution_count": None, "id": "cell-00",
         "metadata": {"tags": ["parameters"]}, "outputs": [], "source": "x = 1"},
        {"cell_type": "code", "execution_count": None, "id": "cell-01", "metadata": {},
         "outputs": [], "source": code},
    ]
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language":
          "python", "name": "python3"}, "language_info": {"name": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def descendants(pid: int) -> list[int]:
    return [p.pid for p in psutil.Process(pid).children(recursive=True)]


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, already exited, counts as gone)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def wait_for(what: str, test, proc: subprocess.Popen[str],  # type: ignore[no-untyped-def]
             timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the run ended (exit {proc.returncode}) before {what}:"
                                 f"\n{out}\n{err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def kernels_of(pid: int) -> list[int]:
    out = []
    for p in descendants(pid):
        try:
            cmd = Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel" in cmd:
            out.append(p)
    return out


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_stops_the_run_cleanly(tmp_path: Path, sig: int, code: int) -> None:
    quick = notebook(tmp_path / "a_quick.ipynb", "print(x + 1)")
    sleeper = notebook(tmp_path / "b_sleeper.ipynb", "import time\ntime.sleep(300)")
    queued = notebook(tmp_path / "c_queued.ipynb", "print('should never run')")
    out = tmp_path / "out"
    out.mkdir()
    old_good = b'{"an older": "output that must survive"}\n'
    (out / "b_sleeper.ipynb").write_bytes(old_good)
    proc = subprocess.Popen([str(CASESTUDY), "run", str(quick), str(sleeper), str(queued),
                             "-o", str(out), "-j", "1"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for("the quick notebook's output", lambda: (out / "a_quick.ipynb").exists(), proc)
        wait_for("the sleeper's temporary output",
                 lambda: any(out.glob(".b_sleeper.*.running.ipynb")), proc)
        wait_for("the sleeper's kernel", lambda: kernels_of(proc.pid), proc)
        started = descendants(proc.pid)  # workers and kernels
        assert started
        os.kill(proc.pid, sig)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == code, (proc.returncode, stdout, stderr)
    assert "Traceback" not in stderr
    name = signal.Signals(sig).name
    assert f"Interrupted by {name}" in stderr
    assert "finished:    a_quick: done" in stderr
    assert "not finished: b_sleeper.ipynb (stopped while running" in stderr
    assert "not finished: c_queued.ipynb (not started)" in stderr
    # no temporary files, the older output untouched, nothing for the queued notebook
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") and p.is_file()]
    assert leftovers == []
    assert (out / "b_sleeper.ipynb").read_bytes() == old_good
    assert not (out / "c_queued.ipynb").exists()
    # no survivor: every worker and kernel the run had started is gone
    deadline = time.monotonic() + 10
    while any(alive(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in started if alive(p)] == []
