"""What a notebook run or a site build was made with: package versions and seed checksums.

:func:`record` returns ``{"environment": {...}, "seeds": {...}, ...}``.  The
runner stores it in every executed notebook's metadata under ``casestudy``
(never in the reference copies in ``notebooks/``: :func:`casestudy.nbclean.clean`
drops it, so ``casestudy refresh`` stays byte-stable across machines), and
``casestudy build`` shows it in the site's footer.  Nothing in it depends on the
time of day, so the same environment and seeds give the same record.
"""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from . import paths

__all__ = ["PACKAGES", "TOKENIZERS", "environment", "seed_checksums", "sha256sums", "record"]

#: Always recorded (a missing one is recorded as "not installed").
PACKAGES = ("pandas", "numpy", "matplotlib", "papermill", "nbclient", "nbformat", "nbconvert",
            "ipykernel", "casestudy")
#: Tokenizers and language detectors: recorded only if installed.
TOKENIZERS = ("sudachipy", "sudachidict-core", "fugashi", "unidic-lite", "rjieba", "jieba",
              "lingua-language-detector", "py3langid")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def environment() -> dict[str, str]:
    """Versions of Python and of the packages that shape the outputs, by name."""
    env = {"python": platform.python_version()}
    for name in PACKAGES:
        env[name] = _version(name) or "not installed"
    for name in TOKENIZERS:
        v = _version(name)
        if v is not None:
            env[name] = v
    return env


def seed_checksums(seeds_dir: str | Path | None = None) -> dict[str, str]:
    """SHA-256 of each seed file (``*.txt``) by seed id: the same as ``Corpus.checksums()``,
    without parsing the annotations."""
    folder = Path(seeds_dir) if seeds_dir is not None else paths.seeds_dir()
    if not folder.is_dir():
        return {}
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    return {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def sha256sums(seeds_dir: str | Path | None = None) -> dict[str, str] | None:
    """The seed folder's ``SHA256SUMS`` file as ``{seed id: hex}``; None if it has none."""
    folder = Path(seeds_dir) if seeds_dir is not None else paths.seeds_dir()
    path = folder / "SHA256SUMS"
    if not path.is_file():
        return None
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            out[Path(parts[1].lstrip("*")).stem] = parts[0].lower()
    return out


def record(seeds_dir: str | Path | None = None) -> dict[str, Any]:
    """The environment and the seeds (checksums, and whether they match ``SHA256SUMS``)."""
    folder = Path(seeds_dir) if seeds_dir is not None else paths.seeds_dir()
    seeds = seed_checksums(folder)
    sums = sha256sums(folder)
    bundled = folder.resolve() == paths.seeds_dir().resolve()
    return {
        "environment": environment(),
        "seeds": seeds,
        "seeds_dir": "bundled" if bundled else str(folder),
        "seeds_match_sha256sums": None if sums is None else all(
            sums.get(k) == v for k, v in seeds.items()) and set(sums) <= set(seeds),
    }
