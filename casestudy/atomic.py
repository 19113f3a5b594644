"""Replace a file atomically, through a temporary file with a unique name.

An output that replaces an older one (a run's notebook, a sweep table, a page of
the casebook) is written to a hidden temporary file in the same folder, made
with :func:`tempfile.mkstemp` (``.NAME.<random>.tmp``), and renamed over the
target only once it is complete.  So an interrupted or failed write never leaves
a truncated file where a good one was, two writers into one folder never share a
temporary name, and the temporary file is removed whatever happens.

API (also for :mod:`casestudy.site`):

* ``with atomic_path(target, tag="") as tmp:`` -- write ``tmp`` (any way, any writer);
  on a normal exit it replaces ``target``; on an exception (or a signal turned
  into one) ``tmp`` is removed and ``target`` is left as it was.
* :func:`write_text` / :func:`write_bytes` -- the same for a string or bytes.
* :class:`ReplaceError` -- the final rename failed: the message names the target
  and the reason; nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import CasestudyError

__all__ = ["atomic_path", "write_text", "write_bytes", "ReplaceError", "temp_name"]


class ReplaceError(CasestudyError, OSError):
    """The complete output could not be moved into place (the old file, if any, is kept)."""


def temp_name(target: Path, tag: str = "") -> Path:
    """A new, unique, empty temporary file beside ``target``: ``.NAME.<random>.tmp``, or
    ``.NAME.TAG.<random>.tmp`` (a caller that must find its own temp files later, e.g.
    to remove them after a signal, gives a ``tag`` unique to it)."""
    target = Path(target)
    prefix = f".{target.name}.{tag}." if tag else f".{target.name}."
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    os.close(fd)
    return Path(name)


def _replace(tmp: Path, target: Path) -> None:
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        os.replace(tmp, target)
    except OSError as exc:
        raise ReplaceError(f"{target}: the complete output could not replace it "
                           f"({exc.strerror or exc}); the previous file, if any, is kept") from None


@contextlib.contextmanager
def atomic_path(target: str | Path, tag: str = "") -> Iterator[Path]:
    """Yield a unique temporary path beside ``target``; rename it over ``target`` on success.

    The temporary file keeps the permissions :func:`tempfile.mkstemp` gives (0600)
    unless the target existed, in which case the target's mode is copied; a new
    file gets the usual ``0666 & ~umask``.
    """
    target = Path(target)
    tmp = temp_name(target, tag)
    try:
        yield tmp
        _set_mode(tmp, target)
        _replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _set_mode(tmp: Path, target: Path) -> None:
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


def write_bytes(target: str | Path, data: bytes, tag: str = "") -> Path:
    """Write ``data`` to ``target`` atomically; return ``target`` as a Path."""
    target = Path(target)
    with atomic_path(target, tag) as tmp:
        tmp.write_bytes(data)
    return target


def write_text(target: str | Path, text: str, encoding: str = "utf-8", tag: str = "") -> Path:
    """Write ``text`` to ``target`` atomically; return ``target`` as a Path."""
    return write_bytes(target, text.encode(encoding), tag)
