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


class AnnotationError(CasestudyError):
    """An annotation file breaks the format in docs/annotations.md."""

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        self.path = Path(path)
        self.where = where
        self.problem = problem
        loc = f" [{where}]" if where else ""
        super().__init__(f"{self.path}{loc}: {problem}")


class ParameterError(CasestudyError):
    """A notebook or model parameter is unknown, ill-typed or out of range."""


class NotebookRunError(CasestudyError):
    """Running one or more notebooks failed."""
