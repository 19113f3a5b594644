"""The sandbox a returned notebook runs in: limits always; with bubblewrap, no view of the
instructor's files, nowhere to write but its own folder, no network."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from casestudy.grading.sandbox import MB, Limits, isolation, run_isolated

ANSWERS = Path(__file__).resolve().parent.parent / "answers"


def _run(tmp_path: Path, code: str, limits: Limits | None = None, **env: str):
    limits = limits or Limits(seconds=30)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    script = work / "x.py"
    script.write_text(code, encoding="utf-8")
    outcome = run_isolated([sys.executable, str(script)], work, [Path(sys.prefix),
                           Path(sys.base_prefix)], dict(env), limits, tmp_path / "log.txt")
    return outcome, (tmp_path / "log.txt").read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def bwrap():
    if isolation() != "bwrap":
        if os.environ.get("CI") == "true":
            pytest.fail("bubblewrap (apt-get install bubblewrap) is required under CI=true")
        pytest.skip("bubblewrap is not usable here: `apt-get install bubblewrap`")


def _use_sandbox(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run under bubblewrap (where the machine has it) or with resource limits only."""
    if mode == "none":
        monkeypatch.setenv("CASESTUDY_SANDBOX", "none")
    elif isolation() != "bwrap":
        pytest.skip("bubblewrap is not usable here")


@pytest.mark.parametrize("mode", ["bwrap", "none"])
def test_an_endless_loop_and_its_children_are_stopped_at_the_time_limit(tmp_path, monkeypatch,
                                                                        mode):
    _use_sandbox(mode, monkeypatch)
    code = ("import subprocess, sys\n"
            "subprocess.Popen([sys.executable, '-c', 'while True: pass'], start_new_session=True)\n"
            "print('child started', flush=True)\n"
            "while True: pass\n")
    # 1.5 s: both loops are running well before (0.1 to 0.3 s here, under load), as the log's
    # line shows; a longer limit would only burn two cores for longer
    outcome, log = _run(tmp_path, code, Limits(seconds=1.5))
    assert "child started" in log
    assert outcome.timed_out and outcome.returncode is None and outcome.seconds < 15
    import psutil
    assert not [p for p in psutil.process_iter(["cmdline"])
                if p.info["cmdline"] and "while True: pass" in " ".join(p.info["cmdline"])]


@pytest.mark.parametrize("mode", ["bwrap", "none"])
def test_memory_and_output_are_limited(tmp_path, monkeypatch, mode):
    _use_sandbox(mode, monkeypatch)
    code = ("try:\n    x = bytearray(2048 * 1024 * 1024)\n"
            "except MemoryError:\n    print('no memory')\n"
            "import sys\nsys.stdout.write('y' * (8 * 1024 * 1024))\n")
    outcome, log = _run(tmp_path, code, Limits(seconds=30, memory=1024 * MB, file_size=1 * MB))
    assert "no memory" in log and len(log) <= 1 * MB and outcome.returncode != 0


def test_the_sandbox_sees_no_outside_file_writes_nowhere_else_and_has_no_network(tmp_path, bwrap):
    secret = tmp_path / "answers.json"
    secret.write_text('{"03-q1": 28.26}')
    outside = tmp_path / "pwned.txt"
    code = f"""
import os, socket
for path in [{str(secret)!r}, {str(ANSWERS)!r}, '/etc/shadow']:
    print(path, 'visible' if os.path.exists(path) else 'absent')
for path in [{str(outside)!r}, '/usr/pwned', {sys.prefix!r} + '/pwned']:
    try:
        open(path, 'w').write('x')
        print(path, 'written')
    except OSError as exc:
        print(path, 'refused', type(exc).__name__)
open('mine.txt', 'w').write('ok')
try:
    socket.create_connection(('1.1.1.1', 80), timeout=3)
    print('network open')
except OSError as exc:
    print('network closed', exc)
try:
    socket.getaddrinfo('pypi.org', 443)
    print('dns open')
except OSError:
    print('dns closed')
"""
    outcome, log = _run(tmp_path, code)
    assert outcome.isolated and outcome.returncode == 0, log
    assert f"{secret} absent" in log and "/etc/shadow absent" in log
    assert ANSWERS.is_dir() and f"{ANSWERS} absent" in log  # beside the venv, yet not in view
    # a write to the host's path lands, if anywhere, in the sandbox's own /tmp, gone after it
    assert not outside.exists() and "/usr/pwned refused" in log and "/pwned refused" in log
    assert "network closed" in log and "dns closed" in log
    assert (tmp_path / "work" / "mine.txt").read_text() == "ok"  # its own folder is writable
