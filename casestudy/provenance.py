"""What a notebook run or a site build was made with: package versions and seed checksums,
nothing that depends on the time.  The runner stores :func:`record` in each executed notebook's
metadata (``casestudy``) and ``casestudy build`` shows it on the index."""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from . import paths

#: Always recorded (a missing one as "not installed").
PACKAGES = ("pandas", "numpy", "matplotlib", "papermill", "nbclient", "nbformat", "nbconvert",
            "ipykernel", "casestudy")
#: Tokenizers and language detectors: recorded only if installed.
TOKENIZERS = ("sudachipy", "sudachidict-core", "fugashi", "unidic-lite", "rjieba", "jieba",
              "lingua-language-detector", "py3langid")


def environment() -> dict[str, str]:
    """Versions of Python and of the packages that shape the outputs, by name."""
    env = {"python": platform.python_version()}
    for name in PACKAGES + TOKENIZERS:
        try:
            env[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name in PACKAGES:  # a tokenizer only if installed
                env[name] = "not installed"
    return env


def sha256sums(seeds_dir: str | Path | None = None) -> dict[str, str] | None:
    """The seed folder's ``SHA256SUMS`` file as ``{seed id: hex}``; None if it has none."""
    path = Path(seeds_dir or paths.seeds_dir()) / "SHA256SUMS"
    if not path.is_file():
        return None
    lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    return {Path(p[1].lstrip("*")).stem: p[0].lower() for p in lines if len(p) == 2}


def record(seeds_dir: str | Path | None = None) -> dict[str, Any]:
    """The environment, each seed ``*.txt``'s SHA-256 by id, and whether they match ``SHA256SUMS``.

    The match is None when there is no ``SHA256SUMS``.
    """
    folder = Path(seeds_dir or paths.seeds_dir())
    seeds = {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*"))
             if p.is_file() and p.suffix.lower() == ".txt"}  # none if the folder does not exist
    sums = sha256sums(folder)
    return {"environment": environment(), "seeds": seeds,
            "seeds_dir": ("bundled" if folder.resolve() == paths.seeds_dir().resolve()
                          else str(folder)),
            "seeds_match_sha256sums": None if sums is None else all(
                sums.get(k) == v for k, v in seeds.items()) and set(sums) <= set(seeds)}
