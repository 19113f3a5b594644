"""Find and stop every process a run started: its workers and their kernels.

Jupyter kernels are started in a session (and process group) of their own
(``jupyter_client`` uses ``start_new_session``), so signalling the driver's
process group does not reach them, and once their worker dies they are
re-parented and lost from the tree.  :func:`stop_descendants` therefore first
takes a snapshot of every descendant of the driver, then signals each of them
and each process group one of them leads (a kernel's group: the kernel and
anything it started), waits briefly, and kills what is left.

Uses :mod:`psutil` when it is installed (ipykernel depends on it), else ``/proc``.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

__all__ = ["descendants", "alive", "stop_descendants"]


def _children_proc() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: split after the last ")"
        fields = stat[stat.rindex(")") + 2:].split()
        kids.setdefault(int(fields[1]), []).append(int(entry.name))
    return kids


def descendants(pid: int | None = None) -> list[int]:
    """Every process below ``pid`` (default: this process), children first."""
    pid = os.getpid() if pid is None else pid
    try:
        import psutil

        try:
            return [p.pid for p in psutil.Process(pid).children(recursive=True)]
        except psutil.Error:
            return []
    except ImportError:
        pass
    kids = _children_proc()
    out: list[int] = []
    todo = list(kids.get(pid, []))
    while todo:
        p = todo.pop(0)
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie, already exited, counts as gone)."""
    try:
        import psutil

        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False
    except ImportError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] not in ("Z", "X")


def _signal_all(pids: list[int], groups: list[int], sig: int) -> None:
    for g in groups:
        try:
            os.killpg(g, sig)
        except OSError:
            pass
    for p in pids:
        try:
            os.kill(p, sig)
        except OSError:
            pass


def stop_descendants(grace: float = 3.0, pid: int | None = None) -> list[int]:
    """SIGTERM every descendant of ``pid`` (and the process groups they lead), then
    SIGKILL what is still alive after ``grace`` seconds; return the pids found."""
    pids = descendants(pid)
    own_group = os.getpgid(0)
    groups = []
    for p in pids:
        try:
            g = os.getpgid(p)
        except OSError:
            continue
        if g == p and g != own_group:
            groups.append(g)
    _signal_all(pids, groups, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    left = [p for p in pids if alive(p)]
    if left:
        _signal_all(left, groups, signal.SIGKILL)
    return pids
