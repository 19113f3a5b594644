"""Run one command (a returned notebook's execution) in isolation, with limits.

With bubblewrap (Debian's ``bubblewrap``, ``bwrap``) the command sees only what it needs, read
only: the system's ``/usr``, the Python installation, the package and the bundled seeds and
references.  It gets a fresh working folder (the only place it can write), its own /tmp, no
network (``--unshare-net``: only a loopback device), its own process, IPC and host-name
namespaces, and it dies with the grader.  The instructor's files (the expected answers, the
assignment and the other submissions) are not in its view at all.

Without bwrap (or with ``CASESTUDY_SANDBOX=none``) the same command runs as an ordinary
process in its fresh working folder with the same resource limits and environment, but it
can read any file the grader's user can read, write outside its folder and open the network:
the README says so.  In both cases the limits are set with ``setrlimit`` in the child:
address space (memory), file size (huge output), CPU time and no core files; the wall-clock
limit kills the whole process tree (kernels included) with psutil.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..processes import wait_ended

__all__ = ["Limits", "Outcome", "isolation", "run_isolated"]

MB = 1024 * 1024
_SYSTEM_LINKS = ("bin", "lib", "lib64", "sbin")  # usr-merged Debian: symlinks into /usr
_ETC = ("ld.so.cache", "localtime", "alternatives", "fonts", "ssl", "mime.types",
        "nsswitch.conf", "passwd", "group")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one run: wall clock (s), address space and largest file (bytes)."""

    seconds: float = 120.0
    memory: int = 3072 * MB
    file_size: int = 64 * MB


@dataclass
class Outcome:
    """How the isolated command ended."""

    returncode: int | None
    timed_out: bool
    seconds: float
    isolated: bool


@functools.cache
def _bwrap_works(bwrap: str) -> bool:
    """bwrap exists, but a container may forbid namespaces: try once."""
    try:
        done = subprocess.run([bwrap, "--unshare-all", "--ro-bind", "/usr", "/usr",
                               *_links(), "true"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _links() -> list[str]:
    out: list[str] = []
    for name in _SYSTEM_LINKS:
        p = Path("/") / name
        if p.is_symlink():
            out += ["--symlink", os.readlink(p), f"/{name}"]
        elif p.is_dir():
            out += ["--ro-bind", str(p), f"/{name}"]
    return out


def isolation() -> str:
    """"bwrap" if submissions run under bubblewrap here, else "none"."""
    if os.environ.get("CASESTUDY_SANDBOX", "") == "none":
        return "none"
    bwrap = shutil.which("bwrap")
    return "bwrap" if bwrap and _bwrap_works(bwrap) else "none"


def _bwrap_argv(argv: Sequence[str], workdir: Path, readable: Sequence[Path],
                env: dict[str, str]) -> list[str]:
    cmd = [shutil.which("bwrap") or "bwrap", "--unshare-all", "--die-with-parent",
           "--new-session", "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr", *_links(),
           "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for name in _ETC:
        cmd += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for path in sorted({Path(p).resolve() for p in readable}):
        if not str(path).startswith("/usr/"):
            cmd += ["--ro-bind", str(path), str(path)]
    cmd += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir), "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    return [*cmd, "--", *argv]


def _limit(limits: Limits) -> None:  # runs in the child, before exec
    cpu = int(limits.seconds) + 10
    for which, value in ((resource.RLIMIT_AS, limits.memory), (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_FSIZE, limits.file_size),
                         (resource.RLIMIT_CPU, cpu)):
        resource.setrlimit(which, (value, value))


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.kill()
    wait_ended(procs, 5)  # a zombie has ended: init may collect an orphan a second later


def run_isolated(argv: Sequence[str], workdir: Path, readable: Sequence[Path],
                 env: dict[str, str], limits: Limits, log: Path) -> Outcome:
    """Run ``argv`` in ``workdir`` (created fresh by the caller) under ``limits``; only
    ``readable`` paths (and the system) are visible under bwrap.  Output goes to ``log``."""
    mode = isolation()
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(workdir),
           "LANG": "C.UTF-8", "TMPDIR": "/tmp" if mode == "bwrap" else str(workdir), **env}
    cmd = _bwrap_argv(argv, workdir, readable, env) if mode == "bwrap" else list(argv)
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=workdir, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                env=env if mode == "none" else {"PATH": "/usr/bin:/bin"},
                                preexec_fn=lambda: _limit(limits))  # noqa: PLW1509
        try:
            code: int | None = proc.wait(timeout=limits.seconds)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill_tree(proc.pid)
            proc.wait()
            code, timed_out = None, True
        finally:
            _kill_tree(proc.pid)  # nothing of it outlives the run (a kernel in its own session)
    return Outcome(code, timed_out, time.monotonic() - started, mode == "bwrap")
