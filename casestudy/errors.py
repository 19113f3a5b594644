"""The package's exceptions.

Every error a user can cause (a bad seed file, annotation, parameter or notebook)
is a subclass of :class:`CasestudyError`, so scripts can catch one class, and each
message names the file or parameter, the field, the value and what was expected.
"""

from __future__ import annotations

from pathlib import Path


class CasestudyError(Exception):
    """Base class of every error this package raises on purpose."""


class SeedError(CasestudyError):
    """A seed file or seeds folder cannot be read as a source document."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class FileEntryError(CasestudyError):
    """A data file breaks its format: the message names the file, the entry and the problem."""

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        self.path = Path(path)
        self.where = where
        self.problem = problem
        loc = f" [{where}]" if where else ""
        super().__init__(f"{self.path}{loc}: {problem}")


class AnnotationError(FileEntryError):
    """An annotation file breaks the format in docs/annotations.md."""


class ParameterError(CasestudyError):
    """A notebook or model parameter is unknown, ill-typed or out of range."""


class NotebookRunError(CasestudyError):
    """Running one or more notebooks failed."""


class ReferenceDataError(FileEntryError):
    """A ``references/*.toml`` file breaks the format in docs/references.md (named so as
    not to shadow Python's built-in ``ReferenceError``)."""


class RunInterrupted(NotebookRunError):
    """``casestudy run`` was stopped by SIGINT or SIGTERM (workers, kernels and temp files
    gone): ``finished`` holds the results that ended before it, ``running`` and ``queued``
    the names of the notebooks stopped and never started."""

    def __init__(self, signum: int, finished: list, running: list[str], queued: list[str]) -> None:
        import signal

        self.signum = signum
        self.signal_name = signal.Signals(signum).name
        self.exit_code = 128 + signum  # 130 for SIGINT, 143 for SIGTERM, as a shell reports it
        self.finished = finished
        self.running = running
        self.queued = queued
        super().__init__(f"interrupted by {self.signal_name}: "
                         f"{len(finished)} notebook(s) finished, "
                         f"{len(running)} stopped while running, {len(queued)} not started")
