"""Replace a file atomically: write a hidden temporary file with a unique name beside it,
rename it over the target only once complete.  An interrupted
write never leaves a truncated file where a good one was; two writers never share a name.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from .errors import CasestudyError

__all__ = ["atomic_path", "write_text", "ReplaceError", "temp_name", "remove_stale"]


class ReplaceError(CasestudyError, OSError):
    """The complete output could not be moved into place (the old file, if any, is kept)."""


#: A temporary name of this package: ``.NAME.<pid>-<random>.tmp`` (files), ``.NAME.<pid>-<random>
#: .running.ipynb`` (a notebook being run), ``.EDITION.<pid>-<random>.tmp``/``.old`` (a site).
_TEMP = re.compile(r"^\..*?\.(\d+)-[0-9a-z_]+\.(?:tmp|old|running\.ipynb)$")


def temp_name(target: Path, tag: str = "") -> Path:
    """A new, empty file beside ``target``, mode ``0666 & ~umask``: ``.NAME.<pid>-<random>.tmp``,
    or ``.NAME.TAG.<pid>-<random>.tmp`` (a caller that must find its own temp files later gives
    a tag); the process id lets :func:`remove_stale` tell a killed writer's files."""
    tmp = target.with_name(f".{target.name}.{tag + '.' if tag else ''}{os.getpid()}-"
                           f"{secrets.token_hex(8)}.tmp")
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # never an existing one
    return tmp


@contextlib.contextmanager
def atomic_path(target: str | Path, tag: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on a normal exit rename it over ``target``
    (with the target's permissions, if it exists), else remove it and leave ``target`` as it
    was.  A failed rename is a :class:`ReplaceError`."""
    target = Path(target)
    tmp = temp_name(target, tag)
    try:
        yield tmp
        with contextlib.suppress(OSError):
            shutil.copymode(target, tmp)
        try:
            if target.is_dir():
                raise IsADirectoryError(21, "Is a directory")
            os.replace(tmp, target)
        except OSError as exc:
            raise ReplaceError(f"{target}: the complete output could not replace it "
                               f"({exc.strerror or exc}); "
                               "the previous file, if any, is kept") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text(target: str | Path, text: str, encoding: str = "utf-8", tag: str = "") -> Path:
    """Write ``text`` to ``target`` atomically (bytes as encoded, no newline translation)."""
    with atomic_path(target, tag) as tmp:
        tmp.write_bytes(text.encode(encoding))
    return Path(target)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's live process
        return True
    return True


def remove_stale(folder: Path) -> list[Path]:
    """Remove the temporary files and folders in ``folder`` left by a writer that was killed
    (SIGKILL, a power cut: no clean-up ran) and return them; a live writer's are kept."""
    removed = []
    with contextlib.suppress(OSError):
        for p in Path(folder).iterdir():
            m = _TEMP.match(p.name)
            if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
                with contextlib.suppress(OSError):
                    if p.is_dir() and not p.is_symlink():
                        shutil.rmtree(p)
                    else:
                        p.unlink()
                    removed.append(p)
    return removed
