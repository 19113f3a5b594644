"""Waiting for processes to end, counting a zombie as ended.

A killed process stays a zombie until its parent collects its exit status; an orphan's parent
is init, which on some machines collects it a second later, and a kernel's parent is a busy
runner worker. A zombie holds no memory, CPU or open file any more, so for a caller that
stops a process tree it has ended; ``psutil.wait_procs`` would wait until it is collected.
Shared by the runner (stopping workers and kernels) and the grading sandbox (the time limit).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psutil

__all__ = ["ended", "wait_ended"]


def ended(proc: psutil.Process) -> bool:
    """Whether ``proc`` has ended: gone, or a zombie."""
    import psutil

    try:
        return bool(proc.status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


def wait_ended(procs: Sequence[psutil.Process], timeout: float) -> list[psutil.Process]:
    """Wait until every one of ``procs`` has ended or ``timeout`` seconds have passed; return
    those still running."""
    deadline = time.monotonic() + timeout
    while True:
        running = [p for p in procs if not ended(p)]
        if not running or time.monotonic() >= deadline:
            return running
        time.sleep(0.01)
